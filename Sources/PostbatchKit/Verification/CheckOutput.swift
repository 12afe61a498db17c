/// The JSON documents `verify --format json` and `validate --format json` print on standard
/// output (`docs/json-output.md`).
public struct VerifyOutput: Codable, Sendable, Equatable {
    /// Always `verify`.
    public let command: String
    /// `ok` (the spool matches its manifest) or `problems`.
    public let status: String
    /// 0 when ok, 1 when a problem was found.
    public let exitStatus: Int32
    /// The spool folder as given.
    public let spool: String
    /// Letters in the manifest.
    public let letters: Int
    /// Loose files, containers, container entries and bytes checked.
    public let filesChecked, containersChecked, entriesChecked, bytesChecked: Int
    /// Problems found, by code (every one, also those beyond `problems`).
    public let problemCounts: [String: Int]
    /// The problems, at most `--max-problems` of them (0: all).
    public let problems: [OutputProblem]

    enum CodingKeys: String, CodingKey {
        case command, status, spool, letters, problems
        case exitStatus = "exit_status"
        case filesChecked = "files_checked"
        case containersChecked = "containers_checked"
        case entriesChecked = "entries_checked"
        case bytesChecked = "bytes_checked"
        case problemCounts = "problem_counts"
    }

    /// The document of a finished verification.
    public init(spool: String, verification: SpoolVerification, problems: [SpoolProblem]) {
        command = "verify"
        status = verification.isValid ? "ok" : "problems"
        exitStatus = verification.isValid ? 0 : 1
        self.spool = spool
        letters = verification.letters
        filesChecked = verification.filesChecked
        containersChecked = verification.containersChecked
        entriesChecked = verification.entriesChecked
        bytesChecked = verification.bytesChecked
        problemCounts = Dictionary(uniqueKeysWithValues: verification.problemCounts.map { ("\($0.key)", $0.value) })
        self.problems = problems.map { OutputProblem(code: "\($0.code)", message: $0.detail, path: $0.path) }
    }
}

/// The JSON document of `validate --format json`.
public struct ValidateOutput: Codable, Sendable, Equatable {
    /// Which schema checked which envelopes, and how many.
    public struct SchemaUse: Codable, Sendable, Equatable {
        /// The XSD's path.
        public let schema: String
        /// `digital (MeMo 1.2)`, `paper (fjernprint)`.
        public let envelopes: String
        /// Envelopes it checked.
        public let count: Int
    }

    /// Always `validate`.
    public let command: String
    /// `ok` (every envelope checked is valid) or `problems`.
    public let status: String
    /// 0 when ok, 1 when an envelope failed.
    public let exitStatus: Int32
    /// The spool folder as given.
    public let spool: String
    /// Envelopes checked.
    public let checked: Int
    /// Envelopes failed.
    public let failed: Int
    /// Envelopes not checked for want of a schema, by channel (`digital`, `print`).
    public let unchecked: [String: Int]
    /// The schemas used.
    public let schemas: [SchemaUse]
    /// One problem per message of a failed envelope, code `schema_invalid`.
    public let problems: [OutputProblem]

    enum CodingKeys: String, CodingKey {
        case command, status, spool, checked, failed, unchecked, schemas, problems
        case exitStatus = "exit_status"
    }

    /// The document of a finished validation.
    public init(spool: String, result: SpoolValidation.Result) {
        command = "validate"
        status = result.failures.isEmpty ? "ok" : "problems"
        exitStatus = result.failures.isEmpty ? 0 : 1
        self.spool = spool
        checked = result.checked
        failed = result.failures.count
        unchecked = Dictionary(uniqueKeysWithValues: result.unchecked.map { ($0.key.rawValue, $0.value) })
        schemas = result.uses.map { SchemaUse(schema: $0.schema, envelopes: $0.envelopes, count: $0.count) }
        problems = result.failures.flatMap { failure in
            failure.messages.map { OutputProblem(code: "schema_invalid", message: $0, path: failure.file) }
        }
    }
}
