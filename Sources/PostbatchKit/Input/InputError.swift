/// An input that cannot be read as a whole: the structure is wrong, not one record.
///
/// A bad record is never an `InputError`: it becomes a rejection with a reason
/// (see ``RejectReason``). An `InputError` stops the command before anything is
/// written (exit code 2).
public struct InputError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Storage: String {
            case unreadable
            case empty = "empty_input"
            case notUTF8 = "not_utf8"
            case missingColumn = "missing_column"
            case duplicateColumn = "duplicate_column"
            case headerTooLong = "header_too_long"
            case quotedLineBreak = "quoted_line_break"
        }
        fileprivate let storage: Storage
        /// The file cannot be opened or read.
        public static var unreadable: Self { .init(storage: .unreadable) }
        /// The file has no header line.
        public static var empty: Self { .init(storage: .empty) }
        /// The file is not UTF-8 text.
        public static var notUTF8: Self { .init(storage: .notUTF8) }
        /// A required column is absent from the header.
        public static var missingColumn: Self { .init(storage: .missingColumn) }
        /// Two header columns name the same field (say `cpr` and `pnr`).
        public static var duplicateColumn: Self { .init(storage: .duplicateColumn) }
        /// The header line is longer or has more columns than any real export.
        public static var headerTooLong: Self { .init(storage: .headerTooLong) }
        /// A quoted field spans several lines, and `--strict` refuses that (a stray `"` can
        /// join many records into one field).
        public static var quotedLineBreak: Self { .init(storage: .quotedLineBreak) }
        public var description: String { storage.rawValue }
    }

    /// What is wrong with the input.
    public let code: Code
    /// The input as the user named it (`-` is shown as `<stdin>`).
    public let file: String
    /// The 1-based line, or `nil` when the whole file is at fault.
    public let line: Int?
    /// The field (canonical name) at fault, if one is.
    public let field: String?
    /// What was found and what was expected. Never holds a CPR number.
    public let detail: String
    /// The operating system's explanation, when one exists.
    public let cause: String?

    init(code: Code, file: String, line: Int? = nil, field: String? = nil, detail: String, cause: String? = nil) {
        self.code = code
        self.file = file
        self.line = line
        self.field = field
        self.detail = detail
        self.cause = cause
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let field { text += "field '\(field)': " }
        text += detail
        if let cause { text += " (\(cause))" }
        return text + " [\(code)]"
    }
}
