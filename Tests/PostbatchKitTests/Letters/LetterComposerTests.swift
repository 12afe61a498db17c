import Foundation
import Testing
@testable import PostbatchKit

/// Loading and checking templates, and filling them.
struct LetterComposerTests {
    /// Replaces one template of a copy of the repository templates and loads the copy.
    static func load(replacing file: String, with text: String) throws -> Result<LetterComposer, LetterError> {
        let templates = try LetterFixtures.copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: templates.deletingLastPathComponent()) }
        try text.write(to: templates.appendingPathComponent(file), atomically: true, encoding: .utf8)
        let campaign = try LetterFixtures.campaign()
        do {
            return .success(try LetterComposer(campaign: campaign, templateDirectory: templates))
        } catch {
            return .failure(error)
        }
    }

    @Test("the repository templates load and pass every check")
    func repositoryTemplatesLoad() throws {
        _ = try LetterComposer(campaign: LetterFixtures.campaign())
    }

    @Test("a broken template is an error with a code at load", arguments: [
        ("da/bank.mustache", "# {{title}}\nKære {{navn}}\n", LetterError.Code.unknownVariable, 2),
        ("en/mitid-dk.mustache", "# {{title}}\n{{#sender}}x{{/sender}}\n", .unknownVariable, 2),
        ("da/bank.mustache", "# {{title}}\n{{> footer}}\n", .unknownPartial, 2),
        ("da/partials/intro.mustache", "Hej {{> intro}}\n", .partialCycle, nil),
        ("da/bank.mustache", "# {{title}}\n{{=<% %>=}}\n", .unsupportedTag, 2),
        ("da/bank.mustache", "# {{title}}\n\n{{#is_print}}\n", .templateSyntax, nil),
        ("da/bank.mustache", "# {{title}}\n\n{{name\n", .templateSyntax, 3),
        ("da/bank.mustache", "# {{title}}\n\n* punkt\n", .unknownMarkup, nil),
        ("en/bank.mustache", "# {{title}}\n\nA *lone star.\n", .unknownMarkup, nil),
        ("en/bank.mustache", "# {{title}}\n\n### Too deep\n", .unknownMarkup, nil),
        ("en/bank.mustache", "# {{title}}\n\n**never closed\n", .unknownMarkup, nil),
        ("en/bank.mustache", "{{! only a comment }}", .unknownMarkup, nil),
        ("en/bank.mustache", "# {{title}}\n{{.}}\n", .unknownVariable, 2),
    ] as [(String, String, LetterError.Code, Int?)])
    func brokenTemplate(file: String, text: String, code: LetterError.Code, line: Int?) throws {
        let result = try Self.load(replacing: file, with: text)
        guard case .failure(let error) = result else {
            Issue.record("expected \(code) for \(file)")
            return
        }
        #expect(error.code == code, "\(error)")
        #expect(error.description.contains(file.split(separator: "/").last.map(String.init) ?? file)
                || error.description.contains("bank"))
        if let line { #expect(error.line == line, "\(error)") }
    }

    @Test("a missing group template is an error naming the file")
    func missingTemplate() throws {
        let templates = try LetterFixtures.copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: templates.deletingLastPathComponent()) }
        try FileManager.default.removeItem(at: templates.appendingPathComponent("en/citizen-service.mustache"))
        #expect {
            _ = try LetterComposer(campaign: LetterFixtures.campaign(), templateDirectory: templates)
        } throws: { error in
            guard let error = error as? LetterError else { return false }
            return error.code == .missingTemplate && error.file.hasSuffix("en/citizen-service.mustache")
        }
    }

    @Test("the unknown-variable message names the file, line and expected names")
    func unknownVariableMessage() throws {
        let result = try Self.load(replacing: "da/bank.mustache", with: "# {{title}}\n\nKære {{navn}}\n")
        guard case .failure(let error) = result else {
            Issue.record("expected an error")
            return
        }
        #expect(error.description.contains("da/bank.mustache:3"))
        #expect(error.description.contains("'navn'"))
        #expect(error.description.contains("co_name"))
        #expect(error.description.hasSuffix("[template_unknown_variable]"))
    }

    /// The body filling the letter's template gives, without the skeleton.
    static func filledBody(_ composer: LetterComposer, _ letter: Letter) throws -> [LetterBlock] {
        let addressLines = try LetterComposer.windowLines(letter, redact: false).address
        let values = TemplateValues(
            name: letter.recipient.name, coName: AddressBlock.careOfLine(letter.recipient.coName),
            addressLines: addressLines, date: letter.date, language: letter.language, group: letter.group,
            channel: letter.channel, campaign: composer.campaign, abroad: LetterComposer.isAbroad(letter))
        return try composer.render(group: letter.group, language: letter.language, values: values)
    }

    @Test("a personal body from its skeleton is the body filling the template gives, for hard names too",
          arguments: ["Søren Ærøskøbing Åberg", "**Anna** # - \\ * <x> `y` + Ø", " Anna  Berg ", "Anna\tBerg\r\nJensen",
                      "\u{F0001}", "Zoë O'Brien-Ñúñez", "Åse Berg\u{308}"])
    func skeletonIsTheFilledTemplate(name: String) throws {
        let composer = try LetterComposer(campaign: LetterFixtures.personalCampaign())
        for (index, (group, language)) in LetterFixtures.pairs.enumerated() {
            for channel in Channel.allCases {
                let letter = LetterFixtures.letter(group: group, language: language, channel: channel, name: name,
                                                   coName: index % 2 == 0 ? "Birgitte Østergård" : nil)
                let blocks = try composer.compose(letter).blocks
                #expect(blocks == (try Self.filledBody(composer, letter)), "\(group) \(language) \(channel)")
                #expect(blocks.contains { $0.plainText.contains(LetterMarkup.literal(name).trimmingCharacters(in: .whitespaces)) })
            }
        }
    }

    @Test("a name that looks like markup is printed as written")
    func nameIsEscaped() throws {
        let result = try Self.load(replacing: "da/bank.mustache", with: "# {{title}}\n\nKære {{name}}\n\n{{name}}\n")
        let composer = try result.get()
        let tricky = "**Anna** # - \\ `x` <y> * Ø"
        let content = try composer.compose(LetterFixtures.letter(group: .bank, language: .da, name: tricky))
        #expect(content.blocks.count == 3)
        #expect(content.blocks[1] == .paragraph([LetterRun("Kære \(tricky)")]))
        #expect(content.blocks[2] == .paragraph([LetterRun(tricky)]))
    }

    @Test("a protected address is left out when asked, as previews must")
    func protectedAddress() throws {
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        let letter = LetterFixtures.letter(group: .bank, language: .da, channel: .print, protected: true)
        let paper = try composer.compose(letter)
        #expect(paper.recipientLines.contains("8000 Aarhus C"))
        let preview = try composer.compose(letter, redactProtectedAddress: true)
        #expect(preview.recipientLines == [LetterFixtures.name, "c/o \(LetterFixtures.coName)"])
        #expect(!preview.text.contains("Aarhus"))
    }

    @Test("the text preview says what the letter says", arguments: LetterFixtures.pairs)
    func textPreview(group: LetterGroup, language: Language) throws {
        let campaign = try LetterFixtures.campaign()
        let content = try LetterComposer(campaign: campaign)
            .compose(LetterFixtures.letter(group: group, language: language))
        let text = content.text
        let joined = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains(LetterFixtures.name))
        #expect(text.contains(language == .da ? "6. oktober 2021" : "6 October 2021"))
        #expect(joined.contains(campaign.title(for: group, in: language)))
        for fact in LetterRendererTests.keyFacts(group, language) {
            #expect(joined.contains(fact), "missing \"\(fact)\"")
        }
        #expect(!text.contains("**"))
        #expect(!text.contains("0707077077"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 78 })
    }

    @Test("delivery days are written the Danish and the English way", arguments: [
        (2021, 10, 6, 2021, 10, 8, Language.da, "6.–8. oktober 2021"),
        (2021, 10, 6, 2021, 10, 8, .en, "6–8 October 2021"),
        (2021, 9, 30, 2021, 10, 2, .da, "30. september – 2. oktober 2021"),
        (2021, 12, 31, 2022, 1, 1, .en, "31 December 2021 – 1 January 2022"),
        (2021, 10, 6, 2021, 10, 6, .da, "6. oktober 2021"),
    ])
    func span(y1: Int, m1: Int, d1: Int, y2: Int, m2: Int, d2: Int, language: Language, expected: String) throws {
        let first = try #require(CalendarDate(year: y1, month: m1, day: d1))
        let last = try #require(CalendarDate(year: y2, month: m2, day: d2))
        #expect(CalendarDate.letterSpan(from: first, to: last, in: language) == expected)
    }

    @Test("group 5 abroad says how to get MitID from abroad, not the municipality; Denmark and Greenland keep it",
          arguments: Language.allCases)
    func abroad(language: Language) throws {
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        func text(_ country: String, _ postal: String, group: LetterGroup = .citizenService) throws -> String {
            let letter = LetterFixtures.letter(group: group, language: language, channel: .print, address: PostalAddress(
                street: "Vej 1", postalCode: postal, city: "By", countryCode: country))
            return try composer.compose(letter).text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let (municipality, fromAbroad, inDenmark) = language == .da
            ? ("i din kommune", "Sådan gør du fra udlandet", "borgerservicecenter (Borgerservice) i Danmark")
            : ("in your municipality", "What to do from abroad", "citizen service centre (Borgerservice) in Denmark")
        for (country, postal) in [("DE", "10115"), ("SE", "211 22"), ("FO", "100"), ("US", "10001")] {
            let letter = try text(country, postal)
            #expect(letter.contains(fromAbroad) && letter.contains(inDenmark), "\(country)")
            #expect(!letter.contains(municipality), "\(country)")
            // The facts of the reference: ID to bring, the CPR questions, the witness rules.
            for fact in language == .da
                ? ["Bestil tid", "pas, kørekort eller billed-id", "CPR-registret", "fyldt 18 år", "mindst 10 dage",
                   "3 personer inden for 120 dage", "Tag et vidne med"]
                : ["Book an appointment", "passport, driving licence or a photo ID card", "CPR register",
                   "at least 18 years old", "at least 10 days", "3 people within 120 days", "Bring a witness"] {
                #expect(letter.contains(fact), "\(country): missing \(fact)")
            }
        }
        for (country, postal) in [("DK", "8000"), ("GL", "3900")] {
            let letter = try text(country, postal)
            #expect(letter.contains(municipality) && !letter.contains(fromAbroad), "\(country)")
        }
        // Other groups abroad read as at home.
        #expect(try text("DE", "10115", group: .bank) == text("DK", "8000", group: .bank)
            .replacingOccurrences(of: "8000 By", with: "10115 By TYSKLAND"))
    }

    @Test("every letter ends with a closing and the sender's name in its language, and shows its reference")
    func closing() throws {
        let campaign = try LetterFixtures.campaign()
        let composer = try LetterComposer(campaign: campaign)
        for (group, language) in LetterFixtures.pairs {
            for channel in Channel.allCases {
                let content = try composer.compose(LetterFixtures.letter(group: group, language: language, channel: channel))
                let paragraphs = content.blocks.suffix(2).map { $0.runs.map(\.text).joined() }
                let sender = campaign.sender.presentation(in: language).name
                #expect(paragraphs == [language == .da ? "Med venlig hilsen" : "Kind regards", sender])
                #expect(content.senderName == sender)
                let reference = MessageID.supportReference(campaignID: campaign.id, cpr: LetterFixtures.cpr)
                #expect(content.referenceText == (language == .da ? "Brev-id \(reference)" : "Letter ID \(reference)"))
            }
        }
    }
}
