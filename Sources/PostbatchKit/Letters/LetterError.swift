/// An error found while loading letter templates or rendering a letter.
///
/// Template errors are found once, when ``LetterComposer`` loads the templates at
/// start-up: a missing file, a Mustache syntax error, an unknown variable or partial,
/// or markup the renderer does not know. A run never starts with a template that
/// would print a blank or a stray `**` in millions of letters.
///
/// Rendering errors (``Code-swift.struct/pdf``) wrap a failure reported by cairo.
/// No error ever holds a CPR number, a name or an address.
public struct LetterError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Storage: String {
            case missingTemplate = "template_missing"
            case unreadableTemplate = "template_unreadable"
            case templateSyntax = "template_syntax"
            case unknownVariable = "template_unknown_variable"
            case unknownPartial = "template_unknown_partial"
            case partialCycle = "template_partial_cycle"
            case unsupportedTag = "template_unsupported_tag"
            case unknownMarkup = "template_unknown_markup"
            case pdf = "letter_pdf"
            case addressTooLong = "address_too_long"
            case unprintableText = "letter_unprintable_text"
        }
        fileprivate let storage: Storage
        /// A group template (`da/bank.mustache`) does not exist.
        public static var missingTemplate: Self { .init(storage: .missingTemplate) }
        /// A template file exists but cannot be read as UTF-8.
        public static var unreadableTemplate: Self { .init(storage: .unreadableTemplate) }
        /// A template is not valid Mustache (an unclosed section, a bad tag).
        public static var templateSyntax: Self { .init(storage: .templateSyntax) }
        /// A template uses a variable the letters do not provide.
        public static var unknownVariable: Self { .init(storage: .unknownVariable) }
        /// A template includes a partial that does not exist for its language.
        public static var unknownPartial: Self { .init(storage: .unknownPartial) }
        /// Partials include each other in a loop.
        public static var partialCycle: Self { .init(storage: .partialCycle) }
        /// A template uses a Mustache feature postbatch does not allow
        /// (set delimiters, pragmas, inheritance, dynamic partials).
        public static var unsupportedTag: Self { .init(storage: .unsupportedTag) }
        /// A rendered template holds markup the renderer does not know, like `* item` or a lone `*`.
        public static var unknownMarkup: Self { .init(storage: .unknownMarkup) }
        /// cairo failed to produce the PDF.
        public static var pdf: Self { .init(storage: .pdf) }
        /// A paper letter's address block does not fit 6 lines of 34 characters (SPEC §2).
        public static var addressTooLong: Self { .init(storage: .addressTooLong) }
        /// A name or address holds a character no installed font can draw: rather than
        /// print a box, the letter is not made.
        public static var unprintableText: Self { .init(storage: .unprintableText) }

        /// The code's stable text, `template_unknown_variable`.
        public var description: String { storage.rawValue }
    }

    /// The stable code.
    public let code: Code
    /// The template file at fault, or `letter` for rendering errors.
    public let file: String
    /// The line in ``file``, when known (1-based).
    public let line: Int?
    /// What was found and what was expected. Never personal data.
    public let detail: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: the stable code.
    ///   - file: the template file, or a short name of what failed.
    ///   - line: the 1-based line in `file`, when known.
    ///   - detail: what was found and what was expected.
    public init(code: Code, file: String, line: Int? = nil, detail: String) {
        self.code = code
        self.file = file
        self.line = line
        self.detail = detail
    }

    /// `file:line: detail [code]`, as the CLI prints it.
    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(detail) [\(code)]"
    }
}
