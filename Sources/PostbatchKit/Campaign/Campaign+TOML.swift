public import Foundation
internal import TOMLKit

extension Campaign {
    /// Reads a campaign settings file.
    ///
    /// - Parameters:
    ///   - file: a TOML file with the tables `campaign`, `sender`, `titles.da` and
    ///     `titles.en`; see `templates/campaign.toml`.
    ///   - locator: picks the template folder (``CampaignLocator/templateDirectory(campaignFile:declared:)``);
    ///     without one, the folder `templates = "…"` names, or else the file's own folder.
    /// - Returns: the settings.
    /// - Throws: ``CampaignError`` naming the file, the key and what was expected
    ///   when the file is unreadable, not TOML, or a key is missing or malformed.
    public static func load(from file: URL, locator: CampaignLocator? = nil) throws(CampaignError) -> Campaign {
        try loadLocated(from: file, locator: locator).campaign
    }

    /// Reads a campaign settings file and says which rule picked its template folder.
    static func loadLocated(from file: URL, locator: CampaignLocator?)
        throws(CampaignError) -> (campaign: Campaign, templates: CampaignLocator.TemplateLocation) {
        let path = file.path
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw CampaignError(code: .unreadable, file: path,
                                detail: "cannot read the campaign file (does it exist, and is it UTF-8?)")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw CampaignError(code: .syntax, file: path,
                                detail: "line \(error.source.begin.line): \(error.description)")
        } catch {
            throw CampaignError(code: .syntax, file: path, detail: "not a TOML file")
        }
        var reader = Reader(file: path, root: table)
        let declared = try reader.optionalString("campaign.templates")
        let templates = (locator ?? CampaignLocator(environment: [:], share: nil))
            .templateDirectory(campaignFile: file, declared: declared)
        return (try reader.campaign(templateDirectory: templates.directory), templates)
    }

    /// Reads keys from a TOML table, turning every gap into a ``CampaignError``.
    private struct Reader {
        let file: String
        let root: TOMLTable

        func value(_ key: String) -> (any TOMLValueConvertible)? {
            var node: (any TOMLValueConvertible)? = root
            for part in key.split(separator: ".") {
                node = node?.table?[String(part)]
            }
            return node
        }

        func string(_ key: String, maxLength: Int? = nil, pattern: ((String) -> Bool)? = nil,
                    expected: String = "a text") throws(CampaignError) -> String {
            guard let node = value(key) else {
                throw CampaignError(code: .missingKey, file: file, key: key, detail: "missing; expected \(expected)")
            }
            guard let text = node.string?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
                throw CampaignError(code: .invalidValue, file: file, key: key,
                                    detail: "expected \(expected), found \(node.type)")
            }
            if let maxLength, text.count > maxLength {
                throw CampaignError(code: .invalidValue, file: file, key: key,
                                    detail: "expected at most \(maxLength) characters, found \(text.count)")
            }
            if let pattern, !pattern(text) {
                throw CampaignError(code: .invalidValue, file: file, key: key,
                                    detail: "expected \(expected), found \"\(text)\"")
            }
            return text
        }

        /// A text that may be absent; present, it must be a non-empty string.
        func optionalString(_ key: String) throws(CampaignError) -> String? {
            guard value(key) != nil else { return nil }
            return try string(key, expected: "a folder, relative to the campaign file")
        }

        /// A list of one-line texts, like the sender's address.
        func lines(_ key: String, required: Bool = true) throws(CampaignError) -> [String]? {
            guard let node = value(key) else {
                if !required { return nil }
                throw CampaignError(code: .missingKey, file: file, key: key, detail: "missing; expected a list of address lines")
            }
            guard let array = node.array, case let lines = array.compactMap({ $0.string }), lines.count == array.count,
                  !lines.isEmpty
            else {
                throw CampaignError(code: .invalidValue, file: file, key: key,
                                    detail: "expected a list of address lines, like [\"Landgreven 4\", \"1301 København K\"]")
            }
            return lines
        }

        func date(_ key: String, required: Bool) throws(CampaignError) -> CalendarDate? {
            guard let node = value(key) else {
                if required {
                    throw CampaignError(code: .missingKey, file: file, key: key,
                                        detail: "missing; expected a date like 2021-10-06")
                }
                return nil
            }
            if let date = node.date, let day = CalendarDate(year: date.year, month: Int(date.month), day: Int(date.day)) {
                return day
            }
            if let text = node.string, let day = CalendarDate(iso: text) {
                return day
            }
            throw CampaignError(code: .invalidValue, file: file, key: key,
                                detail: "expected a date like 2021-10-06")
        }

        mutating func campaign(templateDirectory: URL) throws(CampaignError) -> Campaign {
            let id = try string("campaign.id", maxLength: 64,
                                pattern: { $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) } },
                                expected: "letters, digits, '-', '_' or '.'")
            let firstDay = try date("campaign.first_day", required: true)!
            let printDay = try printDay()
            let waves = try waves()
            let sender = try sender(templateDirectory: templateDirectory)
            let texts = try texts()
            return Campaign(id: id, sender: sender, firstDay: firstDay, waves: waves, printDay: printDay,
                            titles: texts.titles, templateDirectory: templateDirectory, labels: texts.labels,
                            notifications: texts.notifications, print: try printSettings())
        }

        /// `campaign.print_day`: optional, and a Danish business day when given.
        private func printDay() throws(CampaignError) -> CalendarDate? {
            let printDay = try date("campaign.print_day", required: false)
            if let printDay, !printDay.isDanishBusinessDay {
                let next = printDay.nextDanishBusinessDay()
                throw CampaignError(code: .invalidValue, file: file, key: "campaign.print_day",
                                    detail: "\(printDay.iso) is a \(printDay.weekdayName) that is not a Danish business day "
                                        + "(weekend or public holiday); expected a business day such as \(next.weekdayName) \(next.iso)")
            }
            return printDay
        }

        /// `campaign.waves`: 1 to 366 days.
        private func waves() throws(CampaignError) -> Int {
            guard let wavesNode = value("campaign.waves") else {
                throw CampaignError(code: .missingKey, file: file, key: "campaign.waves",
                                    detail: "missing; expected a whole number of days from 1 to 366")
            }
            guard let waves = wavesNode.int, (1...366).contains(waves) else {
                throw CampaignError(code: .invalidValue, file: file, key: "campaign.waves",
                                    detail: "expected a whole number of days from 1 to 366")
            }
            return waves
        }

        /// `[sender]`, its English presentation and its logo (a file beside the campaign file).
        private func sender(templateDirectory: URL) throws(CampaignError) -> Sender {
            let cvr = try string("sender.cvr", pattern: { $0.count == 8 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) },
                                 expected: "a CVR number of 8 digits")
            let name = try string("sender.name", maxLength: Campaign.maximumTitleLength)
            let addressLines = try lines("sender.address") ?? []
            let contact = try string("sender.contact", maxLength: 200)
            var english: Sender.Presentation?
            if value("sender.en") != nil {
                english = Sender.Presentation(
                    name: try string("sender.en.name", maxLength: Campaign.maximumTitleLength),
                    addressLines: try lines("sender.en.address", required: false) ?? addressLines,
                    contact: try string("sender.en.contact", maxLength: 200))
            }
            var logo: URL?
            if value("sender.logo") != nil {
                let name = try string("sender.logo", pattern: { $0.lowercased().hasSuffix(".png") || $0.lowercased().hasSuffix(".svg") },
                                      expected: "a PNG or SVG file beside the campaign file, like \"logo.svg\"")
                let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : templateDirectory.appendingPathComponent(name)
                guard FileManager.default.isReadableFile(atPath: url.path) else {
                    throw CampaignError(code: .invalidValue, file: file, key: "sender.logo",
                                        detail: "cannot read \(url.path); expected a PNG or SVG file")
                }
                logo = url
            }
            return Sender(cvr: cvr, name: name, addressLines: addressLines, contact: contact, english: english, logo: logo)
        }

        /// Titles, inbox labels and notifications per language (and group).
        private func texts() throws(CampaignError) -> (titles: [Language: [LetterGroup: String]],
                                                       labels: [Language: [LetterGroup: String]],
                                                       notifications: [Language: String]) {
            var titles: [Language: [LetterGroup: String]] = [:]
            var labels: [Language: [LetterGroup: String]] = [:]
            var notifications: [Language: String] = [:]
            for language in Language.allCases {
                for group in LetterGroup.allCases {
                    let title = try string(
                        "titles.\(language.rawValue).\(group.slug)", maxLength: Campaign.maximumTitleLength,
                        pattern: Self.isOneLine, expected: "a one-line title")
                    titles[language, default: [:]][group] = title
                    if let label = try label(language: language, group: group, title: title) {
                        labels[language, default: [:]][group] = label
                    }
                }
                let notificationKey = "notification.\(language.rawValue)"
                if value(notificationKey) != nil {
                    notifications[language] = try string(notificationKey, maxLength: Campaign.maximumNotificationLength,
                                                         pattern: Self.isOneLine, expected: "a one-line notification text")
                }
            }
            return (titles, labels, notifications)
        }

        /// `labels.<language>.<group>`: required when the title is too long to be the inbox label.
        private func label(language: Language, group: LetterGroup, title: String) throws(CampaignError) -> String? {
            let labelKey = "labels.\(language.rawValue).\(group.slug)"
            if value(labelKey) != nil {
                return try string(labelKey, maxLength: Campaign.maximumLabelLength, pattern: Self.isOneLine,
                                  expected: "a one-line inbox label")
            }
            if title.count > Campaign.maximumLabelLength {
                throw CampaignError(code: .missingKey, file: file, key: labelKey,
                                    detail: "missing; the title is \(title.count) characters, and an inbox "
                                        + "label may have at most \(Campaign.maximumLabelLength)")
            }
            return nil
        }

        /// Text with no control character (no line break, no tab).
        private static func isOneLine(_ text: String) -> Bool {
            !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }

        /// `[print]`: the fjernprint codes of the print supplier, all or nothing.
        private func printSettings() throws(CampaignError) -> PrintSettings? {
            guard value("print") != nil else { return nil }
            guard let typeNode = value("print.shipment_type") else {
                throw CampaignError(code: .missingKey, file: file, key: "print.shipment_type",
                                    detail: "missing; expected the ForsendelseTypeIdentifikator your print supplier gave you")
            }
            guard let shipmentType = typeNode.int, shipmentType > 0 else {
                throw CampaignError(code: .invalidValue, file: file, key: "print.shipment_type",
                                    detail: "expected a positive whole number (ForsendelseTypeIdentifikator)")
            }
            let receiptsText = try string("print.receipts", expected: "one of Alle, Ingen, Kun fejl (KvitteringsTypeKode)")
            guard let receipts = PrintSettings.Receipts(rawValue: receiptsText) else {
                throw CampaignError(code: .invalidValue, file: file, key: "print.receipts",
                                    detail: "expected one of Alle, Ingen, Kun fejl (KvitteringsTypeKode), found \"\(receiptsText)\"")
            }
            return PrintSettings(shipmentType: shipmentType, receipts: receipts)
        }
    }
}
