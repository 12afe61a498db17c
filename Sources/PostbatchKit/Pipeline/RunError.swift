/// A run that cannot start: the spool belongs to another run, or is not a spool, or the
/// campaign file lacks what the input's paper letters need.
public struct RunError: Error, Sendable, CustomStringConvertible {
    /// Why the run could not start, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Storage: String {
            case otherRun = "spool_holds_other_run"
            case foreignSpool = "spool_not_empty"
            case brokenJournal = "journal_unreadable"
            case inputChanged = "input_changed"
            case printSettingsMissing = "print_settings_missing"
        }
        fileprivate let storage: Storage
        /// The spool holds a run of other input or settings.
        public static var otherRun: Self { .init(storage: .otherRun) }
        /// The spool folder holds files that no postbatch run wrote.
        public static var foreignSpool: Self { .init(storage: .foreignSpool) }
        /// The input is not the file the run's first pass classified: it changed during the run.
        public static var inputChanged: Self { .init(storage: .inputChanged) }
        /// The journal cannot be read.
        public static var brokenJournal: Self { .init(storage: .brokenJournal) }
        /// The input has paper letters, but the campaign file lacks the print supplier's settings.
        public static var printSettingsMissing: Self { .init(storage: .printSettingsMissing) }
        public var description: String { storage.rawValue }
    }

    /// What is wrong.
    public let code: Code
    /// The spool folder.
    public let spool: String
    /// What is wrong and what to do.
    public let detail: String
    /// Whether this attempt had already written envelopes when it stopped (SPEC's exit 3:
    /// what was written stays valid and resumable); `false` means nothing was written (exit 2).
    public let afterWriting: Bool

    init(code: Code, spool: String, detail: String, afterWriting: Bool = false) {
        self.code = code
        self.spool = spool
        self.detail = detail
        self.afterWriting = afterWriting
    }

    /// The same error, said of an attempt that had written envelopes.
    func afterWritingLetters() -> RunError {
        RunError(code: code, spool: spool, detail: detail, afterWriting: true)
    }

    public var description: String { "\(spool): \(detail) [\(code)]" }
}
