/// A postal address as read from the input, for paper letters.
public struct PostalAddress: Hashable, Sendable {
    /// Street, number, floor and door on one line.
    public let street: String
    /// The postal code as given: 4 digits in DK and GL, 3 in FO, free elsewhere.
    public let postalCode: String
    /// The town or postal district.
    public let city: String
    /// ISO 3166 alpha-2, upper case: `DK`, `GL`, `FO`, `DE`.
    public let countryCode: String

    /// An address as the input gives it, trimmed.
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

/// A letter to send: who, which group, which channel, which day.
public struct Letter: Sendable, CustomStringConvertible {
    /// 0-based position among the letters of the run, in input order.
    public let sequence: Int
    /// The input line where the record starts (the header is line 1).
    public let line: Int
    /// Who the letter is for.
    public let recipient: Recipient
    /// Which of the five letters it is.
    public let group: LetterGroup
    /// Digital Post or paper.
    public let channel: Channel
    /// The wave date (digital) or the print date (paper): the letter's date.
    public let date: CalendarDate

    /// A letter; the classifier makes these in input order.
    public init(sequence: Int, line: Int, recipient: Recipient, group: LetterGroup,
                channel: Channel, date: CalendarDate) {
        self.sequence = sequence
        self.line = line
        self.recipient = recipient
        self.group = group
        self.channel = channel
        self.date = date
    }

    /// The language of the letter: the recipient's.
    public var language: Language { recipient.language }

    public var description: String {
        "Letter(#\(sequence), line \(line), \(recipient.cpr), group \(group.rawValue), \(channel), \(date))"
    }
}
