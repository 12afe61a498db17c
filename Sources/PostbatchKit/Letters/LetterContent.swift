package import Foundation

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
    /// The letter's reference (``MessageID/supportReference(campaignID:cpr:)``), printed
    /// under the date: what a citizen reads out to support staff.
    package let reference: String?
    /// Whether the letter goes to an address abroad, where the template may say other things.
    package let abroad: Bool
    /// A PNG or SVG file drawn at the top of the sender block, or `nil`.
    package let senderLogo: URL?
    /// The small return-address line above the recipient in the envelope window: the
    /// sender's postal address in Danish (the post office reads it), `DK-` before the
    /// postcode on letters abroad.
    package let returnLine: String
    /// The recipient's full name when the window shows it shortened (SPEC §2 shortens names
    /// over 34 characters on paper), so the letter still names the person in full.
    package let fullName: String?

    /// Creates letter content; normally ``LetterComposer`` does this.
    package init(language: Language, group: LetterGroup, channel: Channel, date: CalendarDate,
                title: String, senderName: String, senderAddressLines: [String], senderContact: String,
                recipientLines: [String], blocks: [LetterBlock], reference: String? = nil, abroad: Bool = false,
                senderLogo: URL? = nil, returnLine: String? = nil, fullName: String? = nil) {
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
        self.reference = reference
        self.abroad = abroad
        self.senderLogo = senderLogo
        self.returnLine = returnLine ?? ([senderName] + senderAddressLines).joined(separator: ", ")
        self.fullName = fullName
    }

    /// The line that names the person in full under the reference, when the window shortened
    /// the name: `Til Hans Christian Maximilian Jensen`, `To Hans Christian Maximilian Jensen`.
    package var fullNameText: String? {
        fullName.map { name in
            switch language {
            case .da: "Til \(name)"
            case .en: "To \(name)"
            }
        }
    }

    /// The reference as printed: `Brev-id 7KQ4-M2XD-9PF3`, `Letter ID 7KQ4-M2XD-9PF3`.
    package var referenceText: String? {
        reference.map { reference in
            switch language {
            case .da: "Brev-id \(reference)"
            case .en: "Letter ID \(reference)"
            }
        }
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

    /// The footer line: sender name and contact (the address is in the sender block), short
    /// enough for one line in either language.
    package var footerText: String {
        [senderName, senderContact].joined(separator: " · ")
    }


    /// The PDF subject: which letter of the campaign this is, `Brevgruppe 3 (mitid-dk)`.
    package var subject: String {
        switch language {
        case .da: "Brevgruppe \(group.rawValue) (\(group.slug))"
        case .en: "Letter group \(group.rawValue) (\(group.slug))"
        }
    }
}
