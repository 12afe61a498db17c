import ArgumentParser
import Foundation
import PostbatchKit

/// Where Digital Post is and how to prove who we are (SPEC §6). The system id and
/// secret come from the environment, never from the command line.
struct EndpointOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Digital Post's base URL, like https://api.test.digitalpost.dk/apis/v1.", valueName: "url"))
    var endpoint: String?

    @Option(help: ArgumentHelp("The sender's certificate (PEM), for mutual TLS.", valueName: "pem"))
    var cert: String?

    @Option(help: ArgumentHelp("The certificate's private key (PEM, unencrypted).", valueName: "pem"))
    var key: String?

    @Option(help: ArgumentHelp("CA certificates to trust for the server (PEM; default: the system's).", valueName: "pem"))
    var ca: String?

    @Option(name: .customLong("campaign"),
            help: ArgumentHelp("Campaign file whose [digital_post] table holds system_id and system_secret, when "
                               + "POSTBATCH_SYSTEM_ID and POSTBATCH_SYSTEM_SECRET are not set (default: templates/campaign.toml).",
                               valueName: "file"))
    var campaignFile: String?

    /// The endpoint, from the options and `POSTBATCH_SYSTEM_ID` / `POSTBATCH_SYSTEM_SECRET`.
    func load() throws -> DigitalPostEndpoint {
        guard let endpoint, let cert, let key else {
            reportMessage("give --endpoint URL, --cert PEM and --key PEM")
            throw Exit.usage
        }
        for (flag, path) in [("--cert", cert), ("--key", key)] + (ca.map { [("--ca", $0)] } ?? [])
        where !FileManager.default.isReadableFile(atPath: path) {
            reportMessage("\(flag) \(path): no such readable file")
            throw Exit.usage
        }
        let credentials = try SystemCredentials.load(
            environment: ProcessInfo.processInfo.environment,
            campaignFile: campaignFile ?? (try? CampaignLocator().locate(option: nil))?.file.path)
        return try DigitalPostEndpoint(
            baseURL: endpoint, certificatePath: cert, keyPath: key, caPath: ca,
            systemID: credentials.systemID, systemSecret: credentials.secret)
    }
}
