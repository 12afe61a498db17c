/// One difference between a spool and its manifest, found by ``SpoolVerifier``.
///
/// A problem names the file concerned relative to the spool folder and says what
/// differs. It never holds personal data: spool paths name dates, batches and
/// message UUIDs, and the manifest holds no CPR numbers or names.
///
/// ```text
/// digital/2021-10-06/0001/0d4a3b2c-….xml: sha256 differs from the manifest (line 17) [checksum_mismatch]
/// ```
public struct SpoolProblem: Sendable, Equatable, CustomStringConvertible {
    /// What kind of difference, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible, Comparable {
        fileprivate enum Storage: String {
            case missingFile = "missing_file"
            case missingEntry = "missing_entry"
            case sizeMismatch = "size_mismatch"
            case checksumMismatch = "checksum_mismatch"
            case extraFile = "extra_file"
            case extraEntry = "extra_entry"
            case duplicateUUID = "duplicate_uuid"
            case temporaryFile = "temporary_file"
            case countMismatch = "count_mismatch"
            case permissions = "permissions"
            case badManifest = "bad_manifest"
            case badReport = "bad_report"
            case unreadable = "unreadable"
        }
        fileprivate let storage: Storage
        /// A file the manifest lists (an envelope, a container, or `report.json`) is absent.
        public static var missingFile: Self { .init(storage: .missingFile) }
        /// A container exists but lacks an entry the manifest puts in it.
        public static var missingEntry: Self { .init(storage: .missingEntry) }
        /// An envelope's size differs from the manifest's `bytes`.
        public static var sizeMismatch: Self { .init(storage: .sizeMismatch) }
        /// An envelope's SHA-256 differs from the manifest's `sha256`.
        public static var checksumMismatch: Self { .init(storage: .checksumMismatch) }
        /// A file in the spool that the manifest does not list, or that is not a
        /// regular file or folder.
        public static var extraFile: Self { .init(storage: .extraFile) }
        /// A container entry that the manifest does not list.
        public static var extraEntry: Self { .init(storage: .extraEntry) }
        /// A message UUID on more than one manifest line.
        public static var duplicateUUID: Self { .init(storage: .duplicateUUID) }
        /// A temporary file (`.<name>.tmp-…`) left by a killed run.
        public static var temporaryFile: Self { .init(storage: .temporaryFile) }
        /// A count in `report.json` differs from the manifest.
        public static var countMismatch: Self { .init(storage: .countMismatch) }
        /// A folder that is not `0700` or a file that is not `0600`.
        public static var permissions: Self { .init(storage: .permissions) }
        /// A manifest header or line that breaks the manifest's format.
        public static var badManifest: Self { .init(storage: .badManifest) }
        /// `report.json` is not the JSON of SPEC §5.
        public static var badReport: Self { .init(storage: .badReport) }
        /// A file or folder that cannot be read, or a damaged container.
        public static var unreadable: Self { .init(storage: .unreadable) }

        public var description: String { storage.rawValue }

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.storage.rawValue < rhs.storage.rawValue }
    }

    /// The stable code.
    public let code: Code
    /// The file concerned, relative to the spool folder: `manifest.csv`,
    /// `digital/2021-10-06/0001.tar.lzma`, or `…tar.lzma:<uuid>.xml` for an entry.
    public let path: String
    /// What differs, in words.
    public let detail: String

    /// Creates a problem.
    ///
    /// - Parameters:
    ///   - code: the stable code.
    ///   - path: the file relative to the spool folder; never personal data.
    ///   - detail: what differs.
    public init(code: Code, path: String, detail: String) {
        self.code = code
        self.path = path
        self.detail = detail
    }

    public var description: String { "\(path): \(detail) [\(code)]" }
}
