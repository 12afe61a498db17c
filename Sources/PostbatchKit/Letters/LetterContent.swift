/// Everything one letter says and where it goes, ready to be rendered.
///
/// Made by ``LetterComposer/compose(_:redactProtectedAddress:)`` from a ``Letter`` and the
/// campaign; turned into a PDF by ``LetterRenderer`` and into plain text by ``text``.
/// Holds no CPR number.
package struct LetterContent: Hashable, Sendable {
    /// The language the letter is written in.
    package let language: Language
    /// The letter group.
    package let group: LetterGroup
    /// How the letter is delivered; paper letters show the postal address in the window.
    package let channel: Channel
    /// The letter's date: the wave date or the print date.
    package let date: CalendarDate
    /// The title: the campaign's title of the group in the letter's language.
    package let title: String
    /// The sender's name, printed top right, in the envelope window's return line and the footer.
    package let senderName: String
    /// The sender's postal address lines.
    package let senderAddressLines: [String]
    /// How to reach the sender, printed in the footer.
    package let senderContact: String
    /// The lines shown in the envelope window: name, c/o and, on paper, the postal address.
    package let recipientLines: [String]
    /// The body: title, headings, paragraphs and bullets from the group's template.
    package let blocks: [LetterBlock]

    /// Creates letter content; normally ``LetterComposer`` does this.
    package init(language: Language, group: LetterGroup, channel: Channel, date: CalendarDate,
                title: String, senderName: String, senderAddressLines: [String], senderContact: String,
                recipientLines: [String], blocks: [LetterBlock]) {
        self.language = language
        self.group = group
        self.channel = channel
        self.date = date
        self.title = title
        self.senderName = senderName
        self.senderAddressLines = senderAddressLines
        self.senderContact = senderContact
        self.recipientLines = recipientLines
        self.blocks = blocks
    }

    /// The date as printed: `6. oktober 2021` or `6 October 2021`.
    package var dateText: String { date.letterText(in: language) }

    /// The page label of page `page` of `count`: `Side 1 af 2`, `Page 1 of 2`.
    package func pageLabel(_ page: Int, of count: Int) -> String {
        switch language {
        case .da: "Side \(page) af \(count)"
        case .en: "Page \(page) of \(count)"
        }
    }

    /// The footer line: sender name, address and contact.
    package var footerText: String {
        ([senderName] + senderAddressLines + [senderContact]).joined(separator: " · ")
    }

    /// The small return-address line above the recipient in the envelope window.
    package var returnLine: String {
        ([senderName] + senderAddressLines).joined(separator: ", ")
    }

    /// The PDF subject: which letter of the campaign this is, `Brevgruppe 3 (mitid-dk)`.
    package var subject: String {
        switch language {
        case .da: "Brevgruppe \(group.rawValue) (\(group.slug))"
        case .en: "Letter group \(group.rawValue) (\(group.slug))"
        }
    }
}
