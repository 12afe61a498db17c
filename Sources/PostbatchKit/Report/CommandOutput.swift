internal import Foundation

/// One problem in a command's JSON output (`--format json`): a stable code, a message a
/// person can act on, and the file concerned when there is one.
public struct OutputProblem: Codable, Sendable, Equatable {
    /// The stable code, as in `[code]` on standard error: `missing_column`, `size_mismatch`.
    public let code: String
    /// What is wrong, with no full CPR number.
    public let message: String
    /// The file the problem is about (relative to the spool for `verify` and `validate`).
    public let path: String?

    public init(code: String, message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }
}

/// The JSON document a command prints instead of its usual output when it fails before it
/// could do its work (a usage error, an input that cannot be read, a spool that is not one).
///
/// The shapes are documented in `docs/json-output.md`; every document has `command`,
/// `status`, `exit_status` and `problems`.
public struct FailureOutput: Codable, Sendable, Equatable {
    /// `run`, `verify` or `validate`.
    public let command: String
    /// Always `failed`.
    public let status: String
    /// The process's exit status (2 or 3, SPEC §4).
    public let exitStatus: Int32
    /// What stopped the command.
    public let problems: [OutputProblem]

    enum CodingKeys: String, CodingKey {
        case command, status, problems
        case exitStatus = "exit_status"
    }

    public init(command: String, exitStatus: Int32, problem: OutputProblem) {
        self.command = command
        self.status = "failed"
        self.exitStatus = exitStatus
        self.problems = [problem]
    }
}

/// Writes the documents of `--format json`: sorted keys, two-space indentation, one line break at the end.
public enum CommandOutput {
    /// `value` as a JSON document ending in a line break.
    public static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The `[code]` at the end of a postbatch error's description, and the message before it.
    ///
    /// Every error type of the library ends its description with its code in brackets
    /// (`records.csv:42: field 'cpr': expected 10 digits [invalid_cpr]`); anything else is
    /// `internal`.
    public static func problem(from error: any Error) -> OutputProblem {
        let text = String(describing: error)
        if text.hasSuffix("]"), let open = text.lastIndex(of: "[") {
            let code = text[text.index(after: open)..<text.index(before: text.endIndex)]
            if !code.isEmpty, code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                return OutputProblem(code: String(code),
                                     message: text[..<open].trimmingCharacters(in: .whitespaces))
            }
        }
        return OutputProblem(code: "internal", message: text)
    }
}
