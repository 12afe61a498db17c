/// A postal address as read from the input, for paper letters.
public struct PostalAddress: Hashable, Sendable {
    /// Street, number, floor and door on one line.
    public let street: String
    public let postalCode: String
    public let city: String
    /// ISO 3166 alpha-2, upper case: `DK`, `GL`, `FO`, `DE`.
    public let countryCode: String

    public init(street: String, postalCode: String, city: String, countryCode: String) {
        self.street = street
        self.postalCode = postalCode
        self.city = city
        self.countryCode = countryCode
    }
}

/// The person a letter is for.
///
/// `description` never shows the CPR number in full nor the address.
public struct Recipient: Sendable, CustomStringConvertible {
    public let cpr: CPR
    /// The name, trimmed, at most 130 characters, no control characters.
    public let name: String
    /// The c/o line, if any.
    public let coName: String?
    /// The postal address; set for paper letters only.
    public let address: PostalAddress?
    /// Whether the address is protected: it then appears only in the paper envelope and its PDF.
    public let addressProtected: Bool
    public let language: Language

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

/// A letter to send: who, which group, which channel, which day.
public struct Letter: Sendable, CustomStringConvertible {
    /// 0-based position among the letters of the run, in input order.
    public let sequence: Int
    /// The input line where the record starts (the header is line 1).
    public let line: Int
    public let recipient: Recipient
    public let group: LetterGroup
    public let channel: Channel
    /// The wave date (digital) or the print date (paper): the letter's date.
    public let date: CalendarDate

    public init(sequence: Int, line: Int, recipient: Recipient, group: LetterGroup,
                channel: Channel, date: CalendarDate) {
        self.sequence = sequence
        self.line = line
        self.recipient = recipient
        self.group = group
        self.channel = channel
        self.date = date
    }

    public var language: Language { recipient.language }

    public var description: String {
        "Letter(#\(sequence), line \(line), \(recipient.cpr), group \(group.rawValue), \(channel), \(date))"
    }
}
