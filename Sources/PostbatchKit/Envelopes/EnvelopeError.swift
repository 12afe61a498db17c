/// An error found while writing or validating an envelope.
///
/// The ``code`` is stable: it appears in reports and tests and is never renamed.
/// ``detail`` says what was expected. Neither ``detail`` nor ``cause`` ever holds a full
/// CPR number, a name or an address: a letter is named by its masked CPR only.
///
/// ```swift
/// do {
///     let bytes = try writer.paperEnvelope(for: letter, pdf: pdf)
/// } catch {
///     // error.code == .missingAddress
/// }
/// ```
public struct EnvelopeError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, as a stable machine-readable string.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Storage: String {
            case xmlWriter = "xml_writer"
            case invalidField = "invalid_field"
            case missingAddress = "missing_address"
            case emptyDocument = "empty_document"
            case schemaLoad = "schema_load"
            case addressTooLong = "address_too_long"
            case schemaNotFound = "schema_not_found"
        }

        fileprivate let storage: Storage

        /// libxml2's text writer reported a failure (out of memory, or a writer misuse).
        public static var xmlWriter: Self { .init(storage: .xmlWriter) }
        /// A value cannot be represented in the envelope: an empty name, a CVR number that is
        /// not 8 digits, a mass-mailing id that is empty or too long.
        public static var invalidField: Self { .init(storage: .invalidField) }
        /// A paper envelope was requested for a letter without a postal address.
        public static var missingAddress: Self { .init(storage: .missingAddress) }
        /// The letter's PDF is empty.
        public static var emptyDocument: Self { .init(storage: .emptyDocument) }
        /// An XSD could not be read or compiled.
        public static var schemaLoad: Self { .init(storage: .schemaLoad) }
        /// A paper letter's address block does not fit 6 lines of 34 characters (SPEC §2).
        public static var addressTooLong: Self { .init(storage: .addressTooLong) }
        /// An XSD file named for validation does not exist or cannot be read.
        public static var schemaNotFound: Self { .init(storage: .schemaNotFound) }

        /// The stable string: `missing_address`.
        public var description: String { storage.rawValue }
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// The envelope field concerned, if any: `Recipient/label`, `ModtagerAdresse`.
    public let field: String?
    /// What was expected, for a person to read. Never a full CPR number, name or address.
    public let detail: String
    /// The underlying libxml2 message, if a libxml2 call failed.
    public let cause: String?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: the stable code.
    ///   - field: the envelope field concerned, if any.
    ///   - detail: what was expected; never personal data beyond a masked CPR.
    ///   - cause: the wrapped libxml2 message, if any.
    public init(code: Code, field: String? = nil, detail: String, cause: String? = nil) {
        self.code = code
        self.field = field
        self.detail = detail
        self.cause = cause
    }

    /// `field 'Recipient/label': expected a non-empty name [invalid_field]`.
    public var description: String {
        var text = field.map { "field '\($0)': " } ?? ""
        text += detail
        if let cause { text += " (\(cause))" }
        return text + " [\(code)]"
    }
}
