/// The person a letter is for.
///
/// `description` never shows the CPR number in full nor the address.
public struct Recipient: Sendable, CustomStringConvertible {
    /// The person's CPR number (masked when printed).
    public let cpr: CPR
    /// The name, trimmed, at most 130 characters, no control characters.
    public let name: String
    /// The c/o line, if any.
    public let coName: String?
    /// The postal address; set for paper letters only.
    public let address: PostalAddress?
    /// Whether the address is protected: it then appears only in the paper envelope and its PDF.
    public let addressProtected: Bool
    /// The language of the person's letter.
    public let language: Language

    /// A recipient; the classifier makes these from valid records.
    public init(cpr: CPR, name: String, coName: String?, address: PostalAddress?,
                addressProtected: Bool, language: Language) {
        self.cpr = cpr
        self.name = name
        self.coName = coName
        self.address = address
        self.addressProtected = addressProtected
        self.language = language
    }

    public var description: String { "Recipient(\(cpr))" }
}
