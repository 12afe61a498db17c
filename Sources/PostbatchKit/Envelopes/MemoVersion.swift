/// The MeMo schema version a digital envelope is written in.
///
/// 1.2 is the default. 1.1 differs in the envelope by the `memoSchVersion="1.1.0"`
/// attribute and by requiring `mandatory` and `legalNotification`, which postbatch writes
/// in both versions.
public enum MemoVersion: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// MeMo 1.1: `memoVersion="1.1" memoSchVersion="1.1.0"`.
    case v1_1 = "1.1"
    /// MeMo 1.2: `memoVersion="1.2"`, no `memoSchVersion`.
    case v1_2 = "1.2"

    /// The version a run writes unless `--memo-version` says otherwise.
    public static let standard: MemoVersion = .v1_2

    /// Reads the CLI's `--memo-version` value: `1.1` or `1.2`, surrounding spaces ignored.
    ///
    /// - Returns: `nil` for any other text (`1.0`, `1.20`, `v1.2`).
    public init?(argument: String) {
        let text = argument.trimmingSpaces
        guard let version = MemoVersion(rawValue: text) else { return nil }
        self = version
    }

    /// The `memoSchVersion` attribute, or `nil` when the version has none.
    var schemaVersionAttribute: String? {
        switch self {
        case .v1_1: "1.1.0"
        case .v1_2: nil
        }
    }

    /// `1.2`.
    public var description: String { rawValue }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[first...last])
    }
}
