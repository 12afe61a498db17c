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
    /// The date of paper letters; `nil` means the first Danish business day after the last wave.
    public let printDay: CalendarDate?
    /// The title of each group's letter per language: the letter's heading and the PDF's title.
    public let titles: [Language: [LetterGroup: String]]
    /// The folder holding `<language>/<group-slug>.mustache` and the partials.
    public let templateDirectory: URL
    /// The short name of each group's letter per language, at most ``maximumLabelLength``
    /// characters: the MeMo `label` a citizen reads in the inbox list. When a group has none,
    /// its title is the label (the loader refuses a title too long for that).
    public let labels: [Language: [LetterGroup: String]]
    /// The MeMo `notification` per language (at most ``maximumNotificationLength``
    /// characters), the text of the e-mail or push message; none when absent.
    public let notifications: [Language: String]
    /// What the print supplier needs in every fjernprint envelope; `nil` when the campaign
    /// file does not say, and then a run with paper letters is refused.
    public let print: PrintSettings?
    /// The language of the HTML report (`report_language` under `[campaign]`; default Danish).
    /// `--report-language` overrides it.
    public var reportLanguage: Language = .da

    /// The organisation that sends the letters.
    public struct Sender: Sendable {
        /// The CVR number, 8 digits.
        public let cvr: String
        /// The organisation's name, as Danish letters and every envelope show it.
        public let name: String
        /// Postal address lines, printed in the letter's sender block.
        public let addressLines: [String]
        /// How to reach the sender: printed in the letter's sender block and footer.
        public let contact: String
        /// Name, address and contact as English letters show them; `nil` to use the Danish ones.
        public let english: Presentation?
        /// A PNG or SVG file placed at the top of the sender block, or `nil` for none.
        public let logo: URL?

        /// The sender as a letter in one language shows it.
        public struct Presentation: Sendable, Hashable {
            /// The organisation's name: `Danish Agency for Digital Government`.
            public let name: String
            /// Postal address lines.
            public let addressLines: [String]
            /// How to reach the sender, with labels in the language: `Phone +45 33 98 00 10`.
            public let contact: String

            public init(name: String, addressLines: [String], contact: String) {
                self.name = name
                self.addressLines = addressLines
                self.contact = contact
            }
        }

        /// A sender; the campaign loader checks the CVR number's form.
        public init(cvr: String, name: String, addressLines: [String], contact: String,
                    english: Presentation? = nil, logo: URL? = nil) {
            self.cvr = cvr
            self.name = name
            self.addressLines = addressLines
            self.contact = contact
            self.english = english
            self.logo = logo
        }

        /// Name, address and contact in a letter's language.
        public func presentation(in language: Language) -> Presentation {
            switch language {
            case .da: Presentation(name: name, addressLines: addressLines, contact: contact)
            case .en: english ?? Presentation(name: name, addressLines: addressLines, contact: contact)
            }
        }
    }

    /// The fjernprint settings a print supplier gives the sender.
    public struct PrintSettings: Sendable, Hashable {
        /// `ForsendelseTypeIdentifikator`: the shipment type agreed with the print supplier.
        public let shipmentType: Int
        /// `KvitteringsTypeKode`: which receipts the supplier sends back.
        public let receipts: Receipts

        /// The schema's receipt kinds.
        public enum Receipts: String, Sendable, CaseIterable {
            case all = "Alle"
            case none = "Ingen"
            case failuresOnly = "Kun fejl"
        }

        public init(shipmentType: Int, receipts: Receipts) {
            self.shipmentType = shipmentType
            self.receipts = receipts
        }
    }

    /// The campaign file keys ``PrintSettings`` come from.
    public static let printKeys = ["print.shipment_type", "print.receipts"]

    /// The MeMo limit on a text field such as a title.
    public static let maximumTitleLength = 256
    /// The longest inbox label: what a citizen's inbox list shows in full.
    public static let maximumLabelLength = 60
    /// The MeMo 1.1 limit on `notification` (1.2's schema allows 160; 150 fits both).
    public static let maximumNotificationLength = 150

    /// Settings made in code; ``load(from:)`` reads them from a file and checks them.
    public init(id: String, sender: Sender, firstDay: CalendarDate, waves: Int, printDay: CalendarDate?,
                titles: [Language: [LetterGroup: String]], templateDirectory: URL,
                labels: [Language: [LetterGroup: String]] = [:], notifications: [Language: String] = [:],
                print: PrintSettings? = nil) {
        self.id = id
        self.sender = sender
        self.firstDay = firstDay
        self.waves = waves
        self.printDay = printDay
        self.titles = titles
        self.templateDirectory = templateDirectory
        self.labels = labels
        self.notifications = notifications
        self.print = print
    }

    /// A group's template, relative to the template folder: `da/bank.mustache`.
    public static func templateFile(_ group: LetterGroup, _ language: Language) -> String {
        "\(language.rawValue)/\(group.slug).mustache"
    }

    /// The title of a group's letter in a language.
    public func title(for group: LetterGroup, in language: Language) -> String {
        titles[language]?[group] ?? group.slug
    }

    /// The inbox label of a group's letter in a language: its label, else its title.
    public func label(for group: LetterGroup, in language: Language) -> String {
        labels[language]?[group] ?? title(for: group, in: language)
    }

    /// The same campaign with some settings replaced, as command-line options do.
    public func with(firstDay: CalendarDate? = nil, waves: Int? = nil, printDay: CalendarDate? = nil) -> Campaign {
        var campaign = Campaign(id: id, sender: sender, firstDay: firstDay ?? self.firstDay, waves: waves ?? self.waves,
                                printDay: printDay ?? self.printDay, titles: titles, templateDirectory: templateDirectory,
                                labels: labels, notifications: notifications, print: print)
        campaign.reportLanguage = reportLanguage
        return campaign
    }

    /// The delivery schedule these settings give.
    public var schedule: WaveSchedule {
        WaveSchedule(firstDay: firstDay, waves: waves, printDay: printDay)
    }
}
