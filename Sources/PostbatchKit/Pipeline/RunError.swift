/// A run that cannot start: the spool belongs to another run, or is not a spool.
public struct RunError: Error, Sendable, CustomStringConvertible {
    /// Why the run could not start, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Storage: String {
            case otherRun = "spool_holds_other_run"
            case foreignSpool = "spool_not_empty"
            case brokenJournal = "journal_unreadable"
        }
        fileprivate let storage: Storage
        /// The spool holds a run of other input or settings.
        public static var otherRun: Self { .init(storage: .otherRun) }
        /// The spool folder holds files that no postbatch run wrote.
        public static var foreignSpool: Self { .init(storage: .foreignSpool) }
        /// The journal cannot be read.
        public static var brokenJournal: Self { .init(storage: .brokenJournal) }
        public var description: String { storage.rawValue }
    }

    /// What is wrong.
    public let code: Code
    /// The spool folder.
    public let spool: String
    /// What is wrong and what to do.
    public let detail: String

    public var description: String { "\(spool): \(detail) [\(code)]" }
}
