import ArgumentParser
import Foundation
import PostbatchKit

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check every envelope in a spool against the XML schemas.",
        discussion: """
            Loose envelopes and the entries of tar.lzma containers are checked: digital ones \
            against the MeMo schema, paper ones against the fjernprint schema. Give --schema \
            once per kind. Nothing is fetched over the network. Exit 1 when any envelope fails.

            Examples:
              postbatch validate spool --schema ../shared/reference/memo-xsd/v1.2/Version1.2/MeMo_core.xsd
              postbatch validate spool --schema memo-xsd/v1.2/Version1.2/MeMo_core.xsd \\
                  --schema fjernprint-xsd/wrapper-ForsendelseI.xsd
            """
    )

    @Argument(help: ArgumentHelp("The spool folder.", valueName: "dir"))
    var directory: String

    @Option(help: ArgumentHelp("An XSD: the MeMo core schema or the fjernprint wrapper schema (repeatable).", valueName: "xsd"))
    var schema: [String] = []

    func validate() throws {
        if schema.isEmpty {
            throw ValidationError("give at least one --schema XSD (MeMo or fjernprint)")
        }
    }

    func run() async throws {
        try await withExitCodes {
            let result = try SpoolValidation.validate(spool: directory, schemas: schema)
            var out = ""
            for failure in result.failures { out += failure.description + "\n" }
            out += "checked \(result.checked) envelope\(result.checked == 1 ? "" : "s"): \(result.failures.count) failed"
            for (channel, count) in result.unchecked.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                out += "; \(count) \(channel) envelope\(count == 1 ? "" : "s") not checked (no \(channel == .digital ? "MeMo" : "fjernprint") schema given)"
            }
            FileHandle.standardOutput.write(Data((out + "\n").utf8))
            if !result.failures.isEmpty { throw Exit.rejected }
        }
    }
}
