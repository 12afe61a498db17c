import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

/// The campaign file's keys for what real senders set: English sender, inbox labels,
/// notifications, the print supplier's settings, a logo.
@Suite("Campaign file")
struct CampaignFileTests {
    /// The repository's campaign file with `edit` applied, loaded from a copy of the templates.
    static func load(_ edit: (String) -> String) throws -> Campaign {
        let templates = try LetterFixtures.copyOfTemplates()
        let file = templates.appendingPathComponent("campaign.toml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try edit(text).write(to: file, atomically: true, encoding: .utf8)
        return try Campaign.load(from: file)
    }

    static func code(_ edit: @escaping (String) -> String) -> (code: CampaignError.Code?, text: String) {
        do {
            _ = try load(edit)
            return (nil, "")
        } catch let error as CampaignError {
            return (error.code, error.description)
        } catch {
            return (nil, "\(error)")
        }
    }

    @Test("the shipped campaign: English sender, labels of at most 60, notifications, print settings")
    func shipped() throws {
        let campaign = try LetterFixtures.campaign()
        #expect(campaign.sender.presentation(in: .en).name == "Danish Agency for Digital Government")
        #expect(campaign.sender.presentation(in: .da).name == "Digitaliseringsstyrelsen")
        #expect(!campaign.sender.presentation(in: .en).contact.contains("Tlf."))
        for language in Language.allCases {
            for group in LetterGroup.allCases {
                #expect(campaign.label(for: group, in: language).count <= Campaign.maximumLabelLength)
            }
            #expect((1...Campaign.maximumNotificationLength).contains(campaign.notifications[language]?.count ?? 0))
        }
        #expect(campaign.print == Campaign.PrintSettings(shipmentType: 265, receipts: .failuresOnly))
        #expect(campaign.sender.logo == nil)
    }

    @Test("a label over 60 characters, or a long title without a label, is refused naming the key")
    func labels() {
        let long = Self.code { $0.replacingOccurrences(of: "mitid-dk = \"Bestil selv MitID på MitID.dk\"",
                                                      with: "mitid-dk = \"\(String(repeating: "x", count: 61))\"") }
        #expect(long.code == .invalidValue && long.text.contains("labels.da.mitid-dk"), "\(long.text)")
        let missing = Self.code { $0.replacingOccurrences(of: "bank = \"Skift fra NemID til MitID – din bank kontakter dig\"\n",
                                                         with: "") }
        #expect(missing.code == .missingKey && missing.text.contains("labels.da.bank"), "\(missing.text)")
    }

    @Test("a notification over 150 characters is refused")
    func notification() {
        let result = Self.code { text in
            text.replacingOccurrences(of: "en = \"You have a letter from", with: "en = \"\(String(repeating: "y", count: 140)) You have a letter from")
        }
        #expect(result.code == .invalidValue && result.text.contains("notification.en"), "\(result.text)")
    }

    @Test("print settings: both keys or none; a wrong receipt kind is refused", arguments: [
        ("shipment_type = 265        # ForsendelseTypeIdentifikator\n", "print.shipment_type"),
        ("receipts = \"Kun fejl\"      # KvitteringsTypeKode: Alle, Ingen or Kun fejl\n", "print.receipts"),
    ])
    func printSettings(line: String, key: String) throws {
        let result = Self.code { $0.replacingOccurrences(of: line, with: "") }
        #expect(result.code == .missingKey && result.text.contains(key), "\(result.text)")
        let wrong = Self.code { $0.replacingOccurrences(of: "receipts = \"Kun fejl\"", with: "receipts = \"Some\"") }
        #expect(wrong.code == .invalidValue && wrong.text.contains("Kun fejl"))
        let zero = Self.code { $0.replacingOccurrences(of: "shipment_type = 265", with: "shipment_type = 0") }
        #expect(zero.code == .invalidValue)
        // Without the [print] table the campaign loads; paper runs are refused later.
        let none = try Self.load { text in
            var lines = text.components(separatedBy: "\n")
            lines.removeAll { $0 == "[print]" || $0.hasPrefix("shipment_type") || $0.hasPrefix("receipts") }
            return lines.joined(separator: "\n")
        }
        #expect(none.print == nil)
    }

    @Test("a logo must be a readable PNG or SVG beside the campaign file")
    func logo() throws {
        let bad = Self.code { $0.replacingOccurrences(of: "# logo = \"logo.svg\"", with: "logo = \"logo.gif\"") }
        #expect(bad.code == .invalidValue && bad.text.contains("sender.logo"))
        let absent = Self.code { $0.replacingOccurrences(of: "# logo = \"logo.svg\"", with: "logo = \"nowhere.svg\"") }
        #expect(absent.code == .invalidValue && absent.text.contains("nowhere.svg"))
    }

    @Test("schedule keys: waves 1…366, a real first day, a print day that is a Danish business day", arguments: [
        ("waves = 3 ", "waves = 0 ", CampaignError.Code.invalidValue, "campaign.waves"),
        ("waves = 3 ", "waves = 367 ", .invalidValue, "campaign.waves"),
        ("waves = 3 ", "waves = \"three\" ", .invalidValue, "campaign.waves"),
        ("waves = 3 ", "", .missingKey, "campaign.waves"),
        ("first_day = 2021-10-06", "first_day = \"2021-02-30\"", .invalidValue, "campaign.first_day"),
        ("first_day = 2021-10-06", "", .missingKey, "campaign.first_day"),
        // Saturday, and Christmas Day (a Friday in 2021).
        ("# print_day = 2021-10-11", "print_day = 2021-10-09", .invalidValue, "2021-10-11"),
        ("# print_day = 2021-10-11", "print_day = 2021-12-24", .invalidValue, "campaign.print_day"),
    ])
    func schedule(old: String, new: String, code: CampaignError.Code, named: String) {
        let result = Self.code { $0.replacingOccurrences(of: old, with: new) }
        #expect(result.code == code && result.text.contains(named), "\(result.text)")
    }

    @Test("a print day on a business day is taken; without one it is left to the schedule")
    func printDay() throws {
        let given = try Self.load { $0.replacingOccurrences(of: "# print_day = 2021-10-11", with: "print_day = 2021-10-12") }
        #expect(given.printDay == CalendarDate(year: 2021, month: 10, day: 12))
        #expect(given.waves == 3 && given.firstDay == CalendarDate(year: 2021, month: 10, day: 6))
        #expect(try LetterFixtures.campaign().printDay == nil)
    }

    @Test("identity keys: the campaign id's characters and an 8-digit CVR number", arguments: [
        ("id = \"nemid-mitid-2021\"", "id = \"nemid mitid\"", "campaign.id"),
        ("id = \"nemid-mitid-2021\"", "id = \"\(String(repeating: "a", count: 65))\"", "campaign.id"),
        ("cvr = \"34051178\"", "cvr = \"3405117\"", "sender.cvr"),
        ("cvr = \"34051178\"", "cvr = \"3405117X\"", "sender.cvr"),
    ])
    func identity(old: String, new: String, key: String) {
        let result = Self.code { $0.replacingOccurrences(of: old, with: new) }
        #expect(result.code == .invalidValue && result.text.contains(key), "\(result.text)")
    }

    @Test("the English sender takes the Danish address when it names none; a title with a line break is refused")
    func englishSenderAndTitles() throws {
        let campaign = try Self.load {
            $0.replacingOccurrences(of: "address = [\"Landgreven 4\", \"1301 København K\", \"Denmark\"]\n", with: "")
        }
        #expect(campaign.sender.presentation(in: .en).addressLines == ["Landgreven 4", "1301 København K"])
        #expect(campaign.sender.presentation(in: .en).name == "Danish Agency for Digital Government")
        let broken = Self.code {
            $0.replacingOccurrences(of: "bank = \"Du skal snart skifte fra NemID til MitID – din bank kontakter dig\"",
                                    with: "bank = \"Du skal snart skifte\\nfra NemID\"")
        }
        #expect(broken.code == .invalidValue && broken.text.contains("titles.da.bank"), "\(broken.text)")
    }
}
