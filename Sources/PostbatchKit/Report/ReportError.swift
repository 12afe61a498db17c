/// An error with the HTML report's template.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Storage: String {
            case templateMissing = "report_template_missing"
            case templateSyntax = "report_template_syntax"
            case words = "report_words"
        }
        fileprivate let storage: Storage
        /// No `report/report.mustache` beside the campaign's templates nor among the shipped ones.
        public static var templateMissing: Self { .init(storage: .templateMissing) }
        /// A report template is not valid Mustache or cannot be read.
        public static var templateSyntax: Self { .init(storage: .templateSyntax) }
        /// A language's words (`words.da.toml`) are missing, not TOML, or lack a group, a
        /// reason or a label the other language has.
        public static var words: Self { .init(storage: .words) }
        public var description: String { storage.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// The template file or folder.
    public let file: String
    /// What was expected.
    public let detail: String

    public var description: String { "\(file): \(detail) [\(code)]" }
}
