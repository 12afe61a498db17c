import ArgumentParser
import Foundation
import PostbatchKit

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check every envelope in a spool against the XML schemas.",
        discussion: """
            Loose envelopes and the entries of tar.lzma containers are checked: digital ones \
            against the MeMo schema of their memoVersion (1.1 or 1.2), paper ones against the \
            fjernprint ForsendelseI schema. By default the schemas shipped with postbatch are \
            used (<prefix>/share/postbatch/schemas, or schemas/ of the source tree; \
            'postbatch config' shows which); --schema XSD, once per kind, overrides them. The \
            output says which schema checked which envelopes. Nothing is fetched over the \
            network. Exit 1 when any envelope fails.

            Examples:
              postbatch validate spool
              postbatch validate spool --schema schemas/memo/v1.1/MeMo_core.xsd \\
                  --schema schemas/fjernprint/wrapper-ForsendelseI.xsd
            """
    )

    @Argument(help: ArgumentHelp("The spool folder.", valueName: "dir"), completion: .directory)
    var directory: String

    @Option(help: ArgumentHelp("An XSD: the MeMo core schema or the fjernprint wrapper schema (repeatable; default: the shipped schemas).",
                               valueName: "xsd"), completion: .file(extensions: ["xsd"]))
    var schema: [String] = []

    @Option(help: ArgumentHelp("Standard output: text (failures and a summary) or json (one document, "
                               + "docs/json-output.md).", valueName: "format"))
    var format: OutputFormat = .text

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await withExitCodes(json: format == .json ? "validate" : nil) {
            let result: SpoolValidation.Result
            if schema.isEmpty {
                guard let shipped = ShippedSchemas.shipped(in: .current()) else {
                    throw CommandFailure(
                        message: "no schemas shipped beside this binary (looked for share/postbatch/schemas next to "
                            + "its bin/ folder, and for schemas/ in a source tree above it)",
                        code: "schema_not_found", hint: "give --schema XSD")
                }
                result = try SpoolValidation.validate(spool: directory, shipped: shipped)
            } else {
                result = try SpoolValidation.validate(spool: directory, schemas: schema)
            }
            if format == .json {
                FileHandle.standardOutput.write(Data(CommandOutput.json(ValidateOutput(spool: directory, result: result)).utf8))
            } else {
                FileHandle.standardOutput.write(Data(text(result).utf8))
            }
            if !result.failures.isEmpty { throw Exit.rejected }
        }
    }

    /// Failures, then `checked N envelopes: M failed` and the schemas used.
    private func text(_ result: SpoolValidation.Result) -> String {
        var out = ""
        for failure in result.failures { out += failure.description + "\n" }
        out += "checked \(result.checked) envelope\(result.checked == 1 ? "" : "s"): \(result.failures.count) failed"
        for (channel, count) in result.unchecked.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            out += "; \(count) \(channel) envelope\(count == 1 ? "" : "s") not checked (no "
                + "\(channel == .digital ? "MeMo" : "fjernprint") schema given)"
        }
        for use in result.uses { out += "\n  \(use)" }
        return out + "\n"
    }
}
