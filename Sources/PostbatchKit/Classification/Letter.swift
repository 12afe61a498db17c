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
