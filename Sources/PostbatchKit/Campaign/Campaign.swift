public import Foundation

/// The settings of one mailing campaign: who sends, when, and what each letter is called.
///
/// Read from the campaign file ``CampaignLocator`` finds (`--campaign`,
/// `$POSTBATCH_CAMPAIGN`, `./templates/campaign.toml`, …) with ``Campaign/load(from:locator:)``.
/// The template folder is `templates = "…"` in that file, or the file's folder.
public struct Campaign: Sendable {
    /// A stable identifier of the campaign, part of every messageUUID: `nemid-mitid-2021`.
    public let id: String
    /// The sender organisation.
    public let sender: Sender
    /// The first day of digital delivery.
    public let firstDay: CalendarDate
    /// How many days the digital letters are spread over.
    public let waves: Int
    /// The date of paper letters; `nil` means the day after the last wave.
    public let printDay: CalendarDate?
    /// The title of each group's letter per language: the envelope's `label`.
    public let titles: [Language: [LetterGroup: String]]
    /// The folder holding `<language>/<group-slug>.mustache` and the partials.
    public let templateDirectory: URL

    /// The organisation that sends the letters.
    public struct Sender: Sendable {
        /// The CVR number, 8 digits.
        public let cvr: String
        /// The organisation's name, as letters and envelopes show it.
        public let name: String
        /// Postal address lines, printed in the letter's sender block.
        public let addressLines: [String]
        /// How to reach the sender: printed in the letter footer.
        public let contact: String

        /// A sender; the campaign loader checks the CVR number's form.
        public init(cvr: String, name: String, addressLines: [String], contact: String) {
            self.cvr = cvr
            self.name = name
            self.addressLines = addressLines
            self.contact = contact
        }
    }

    /// The MeMo limit on a message label.
    public static let maximumTitleLength = 256

    /// Settings made in code; ``load(from:)`` reads them from a file and checks them.
    public init(id: String, sender: Sender, firstDay: CalendarDate, waves: Int, printDay: CalendarDate?,
                titles: [Language: [LetterGroup: String]], templateDirectory: URL) {
        self.id = id
        self.sender = sender
        self.firstDay = firstDay
        self.waves = waves
        self.printDay = printDay
        self.titles = titles
        self.templateDirectory = templateDirectory
    }

    /// A group's template, relative to the template folder: `da/bank.mustache`.
    public static func templateFile(_ group: LetterGroup, _ language: Language) -> String {
        "\(language.rawValue)/\(group.slug).mustache"
    }

    /// The title of a group's letter in a language.
    public func title(for group: LetterGroup, in language: Language) -> String {
        titles[language]?[group] ?? group.slug
    }

    /// The same campaign with some settings replaced, as command-line options do.
    public func with(firstDay: CalendarDate? = nil, waves: Int? = nil, printDay: CalendarDate? = nil) -> Campaign {
        Campaign(id: id, sender: sender, firstDay: firstDay ?? self.firstDay, waves: waves ?? self.waves,
                 printDay: printDay ?? self.printDay, titles: titles, templateDirectory: templateDirectory)
    }

    /// The delivery schedule these settings give.
    public var schedule: WaveSchedule {
        WaveSchedule(firstDay: firstDay, waves: waves, printDay: printDay)
    }
}
