/// A campaign settings file that cannot be used: unreadable, not TOML, or a key
/// missing or of the wrong form.
public struct CampaignError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Storage: String {
            case unreadable = "campaign_unreadable"
            case notFound = "campaign_not_found"
            case syntax = "campaign_syntax"
            case missingKey = "campaign_missing_key"
            case invalidValue = "campaign_invalid_value"
        }
        fileprivate let storage: Storage
        /// The file could not be read.
        public static var unreadable: Self { .init(storage: .unreadable) }
        /// No campaign file was named and none was found on the search path.
        public static var notFound: Self { .init(storage: .notFound) }
        /// The file is not valid TOML.
        public static var syntax: Self { .init(storage: .syntax) }
        /// A required key is absent.
        public static var missingKey: Self { .init(storage: .missingKey) }
        /// A key has a value of the wrong type or form.
        public static var invalidValue: Self { .init(storage: .invalidValue) }
        public var description: String { storage.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// The campaign file.
    public let file: String
    /// The dotted key, `sender.cvr`, when one key is at fault.
    public let key: String?
    /// What was found and what was expected.
    public let detail: String

    /// An error about one file, and one key of it when one is at fault.
    public init(code: Code, file: String, key: String? = nil, detail: String) {
        self.code = code
        self.file = file
        self.key = key
        self.detail = detail
    }

    public var description: String {
        "\(file): \(key.map { "key '\($0)': " } ?? "")\(detail) [\(code)]"
    }
}
