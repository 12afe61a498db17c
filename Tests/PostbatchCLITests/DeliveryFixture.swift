import DigitalPostStandIn
import Foundation
import PostbatchTesting
import Synchronization
import Testing

/// Spools, certificates and a stand-in server for the delivery tests.
enum DeliveryFixture {
    static let systemID = "postbatch-test-system"
    static let secret = "test-secret"
    static let now = "2021-10-01T08:00:00Z"

    /// The test CA and certificates, made once per test process with openssl.
    static func certificates() throws -> TestCertificates {
        try made.withLock { made in
            if let made { return made }
            let certificates = try TestCertificates.make(in: Scratch.root.appendingPathComponent("certs").path)
            made = certificates
            return certificates
        }
    }

    private static let made = Mutex<TestCertificates?>(nil)

    /// A stand-in on a free port, validating every MeMo.
    static func server(validate: Bool = true, onPost: (@Sendable (Int) -> Void)? = nil,
                       onAccepted: (@Sendable (Int) -> Void)? = nil) async throws -> DigitalPostStandIn {
        var configuration = DigitalPostStandIn.Configuration(
            certificates: try certificates(), scratch: try Scratch.folder("standin").path)
        configuration.memoSchemaPath = validate ? Schemas.memo12 : nil
        configuration.outcome = RecipientOutcome.byLastDigit
        configuration.onPost = onPost
        configuration.onAccepted = onAccepted
        return try await DigitalPostStandIn.start(configuration)
    }

    /// A spool of `count` records (no defects) with containers of `perContainer` (0: loose).
    static func spool(count: Int, seed: Int, perContainer: Int, in directory: URL) throws -> (csv: URL, spool: URL) {
        let csv = try CLI.generate(["--count", "\(count)", "--seed", "\(seed)", "--defect-rate", "0.02"], into: directory)
        let spool = directory.appendingPathComponent("spool")
        var arguments = ["run", csv.path, "--spool", spool.path, "--now", now]
        if perContainer > 0 { arguments += ["--container", "tar.lzma", "--per-container", "\(perContainer)"] }
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "run failed: \(result.stderr)")
        return (csv, spool)
    }

    /// The arguments that point `deliver` or `receipts` at a stand-in.
    static func endpoint(_ server: DigitalPostStandIn, certificate: String? = nil, key: String? = nil) throws -> [String] {
        let certificates = try certificates()
        return ["--endpoint", server.baseURL, "--cert", certificate ?? certificates.clientCertificatePath,
                "--key", key ?? certificates.clientKeyPath, "--ca", certificates.caPath]
    }

    /// Runs postbatch with the system id and secret in its environment.
    static func run(_ arguments: [String], secret: String = DeliveryFixture.secret) throws -> CLI.Result {
        try CLI.execute(URL(fileURLWithPath: "/usr/bin/env"),
                        ["POSTBATCH_SYSTEM_ID=\(systemID)", "POSTBATCH_SYSTEM_SECRET=\(secret)", CLI.binary.path]
                            + arguments)
    }

    /// Starts postbatch in the background, for killing; its standard error goes to `errors` when given.
    static func start(_ arguments: [String], errors: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = CLI.root
        var environment = ProcessInfo.processInfo.environment
        environment["POSTBATCH_SYSTEM_ID"] = systemID
        environment["POSTBATCH_SYSTEM_SECRET"] = secret
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        if let errors {
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: errors)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// The manifest's digital lines, split into fields.
    static func digitalLines(_ spool: URL) throws -> [[Substring]] {
        let lines = try Spool.lines(spool.appendingPathComponent("manifest.csv"))
        var result: [[Substring]] = []
        for line in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if fields.count == 8 && fields[2] == "digital" { result.append(fields) }
        }
        return result
    }

    /// The manifest's digital letters' UUIDs.
    static func digitalLetters(_ spool: URL) throws -> Set<String> {
        Set(try digitalLines(spool).map { String($0[0]) })
    }

    /// How many containers (or loose folders) the digital letters are in.
    static func digitalContainers(_ spool: URL) throws -> Int {
        Set(try digitalLines(spool).map { String($0[7]) }).count
    }
}
