import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

/// Each group's letter rendered to PDF and read back with poppler and qpdf.
struct LetterRendererTests {
    /// A few distinctive words per group and language, which the PDF text must contain.
    static func keyFacts(_ group: LetterGroup, _ language: Language) -> [String] {
        switch (group, language) {
        case (.bank, .da): ["netbank eller mobilbank", "logget på", "ikke gøre noget nu"]
        case (.bank, .en): ["online or mobile bank", "logged in", "do not need to do anything now"]
        case (.bankUpdate, .da): ["NemID nøgleappen", "pas med chip", "NFC", "besked fra din bank"]
        case (.bankUpdate, .en): ["NemID key app", "passport with a chip", "NFC", "message from your bank"]
        case (.mitidDK, .da): ["dansk eller grønlandsk bank", "MitID.dk", "log på med dit NemID"]
        case (.mitidDK, .en): ["Danish or Greenlandic bank", "MitID.dk", "log in with your NemID"]
        case (.mitidDKUpdate, .da): ["NemID nøgleappen", "MitID.dk", "pas med chip"]
        case (.mitidDKUpdate, .en): ["NemID key app", "MitID.dk", "passport with a chip"]
        case (.citizenService, .da): ["Borgerservice", "Bestil tid", "pas, kørekort eller billed-id", "CPR-registret",
                                      "fyldt 18 år", "mindst 10 dage", "3 personer inden for 120 dage"]
        case (.citizenService, .en): ["Borgerservice", "Book a time", "passport, driving licence or picture ID",
                                      "CPR register", "at least 18", "at least 10 days", "3 people within 120 days"]
        }
    }

    /// What every letter says, per language.
    static func commonFacts(_ language: Language) -> [String] {
        switch language {
        case .da: ["beholde og bruge dit NemID", "se bort fra dette brev", "kun sendt med Digital Post",
                   "e-mail, sms eller telefon", "6. oktober 2021", "Side 1 af 1", "Digitaliseringsstyrelsen"]
        case .en: ["Keep and use your NemID", "ignore this letter", "only by Digital Post",
                   "e-mail, text message (SMS) or phone", "6 October 2021", "Page 1 of 1", "Digitaliseringsstyrelsen"]
        }
    }

    /// pdftotext output with lines joined, so wrapped phrases match.
    static func text(of url: URL) throws -> String {
        let result = try LetterFixtures.run("pdftotext", ["-enc", "UTF-8", url.path, "-"])
        #expect(result.status == 0)
        return result.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// pdfinfo output with runs of spaces collapsed: `Pages: 1`.
    static func info(_ url: URL) throws -> String {
        let result = try LetterFixtures.run("pdfinfo", [url.path])
        #expect(result.status == 0)
        return result.output.split(separator: "\n")
            .map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
            .joined(separator: "\n")
    }

    @Test("renders every group and language as a one-page A4 letter with the name, title and key facts",
          arguments: LetterFixtures.pairs)
    func rendersGroup(group: LetterGroup, language: Language) throws {
        let campaign = try LetterFixtures.campaign()
        let composer = try LetterComposer(campaign: campaign)
        let renderer = try LetterRenderer()
        let content = try composer.compose(LetterFixtures.letter(group: group, language: language, channel: .print))
        let rendered = try renderer.renderDetailed(content)
        #expect(rendered.pageCount == 1)
        #expect(rendered.recipientFontSize == LetterRenderer.recipientSizes.largest)
        #expect(LetterPage.recipientBox.contains(rendered.windowText) || LetterPage.window.contains(rendered.windowText))
        let folder = try Scratch.folder("letters")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = try LetterFixtures.write(rendered.pdf, named: "letter.pdf", in: folder)

        let text = try Self.text(of: url)
        let title = campaign.title(for: group, in: language)
        for expected in [LetterFixtures.name, "c/o \(LetterFixtures.coName)", "Åboulevarden 12, 3. tv.", "8000 Aarhus C", title]
            + Self.keyFacts(group, language) + Self.commonFacts(language) {
            #expect(text.contains(expected), "missing \"\(expected)\" in \(group) \(language)")
        }
        #expect(!text.contains("0707077077") && !text.contains("070707-7077"))

        let check = try LetterFixtures.run("qpdf", ["--check", url.path])
        #expect(check.status == 0, "qpdf --check: \(check.output)")

        let info = try Self.info(url)
        #expect(info.contains("Pages: 1"))
        #expect(info.contains("Page size: 595.276 x 841.89 pts (A4)"))
        #expect(info.contains("Author: Digitaliseringsstyrelsen"))
        #expect(info.contains("Creator: postbatch"))
        #expect(info.contains("Title: \(title)"))
        #expect(info.contains("CreationDate: Wed Oct 6 00:00:00 2021"))
        #expect(info.contains("ModDate: Wed Oct 6 00:00:00 2021"))

        let fonts = try LetterFixtures.run("pdffonts", [url.path]).output
            .split(separator: "\n").dropFirst(2)
        #expect(!fonts.isEmpty)
        for font in fonts {
            #expect(font.contains("DejaVuSans"), "unexpected font: \(font)")
            // columns: name type encoding emb sub uni object ID
            let columns = font.split(separator: " ", omittingEmptySubsequences: true)
            #expect(columns.count >= 7 && columns[columns.count - 5] == "yes", "not embedded: \(font)")
        }
    }

    @Test("the same letter gives byte-identical PDFs, also from a second renderer", arguments: LetterFixtures.pairs)
    func deterministic(group: LetterGroup, language: Language) throws {
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        let content = try composer.compose(LetterFixtures.letter(group: group, language: language))
        let renderer = try LetterRenderer()
        let first = try renderer.render(content)
        _ = try renderer.render(try composer.compose(LetterFixtures.letter(group: .citizenService, language: .en)))
        let second = try renderer.render(content)
        let third = try LetterRenderer().render(content)
        #expect(first == second)
        #expect(first == third)
    }

    /// Long names, c/o lines and foreign addresses that must stay inside the envelope window.
    static let longRecipients: [(name: String, co: String?, address: PostalAddress)] = [
        (String(repeating: "Åse Ødegård-Kristiansen ", count: 6).prefix(130).trimmingCharacters(in: .whitespaces),
         "Kommunens Borgerservice, Afdeling for Digital Selvbetjening og Fritagelser",
         PostalAddress(street: "Frederiksberg Allé 123, 4. sal, lejlighed 17, opgang C, bagbygningen til venstre",
                       postalCode: "1820", city: "Frederiksberg C", countryCode: "DK")),
        (String(repeating: "X", count: 130), String(repeating: "Y", count: 130),
         PostalAddress(street: String(repeating: "Z", count: 200), postalCode: "SW1A 1AA",
                       city: "London", countryCode: "GB")),
        ("Maximilian-Alexander von Hohenzollern-Sigmaringen-Württemberg",
         nil,
         PostalAddress(street: "Straße des 17. Juni 135, Hinterhaus, 3. Obergeschoss", postalCode: "10623",
                       city: "Berlin-Charlottenburg", countryCode: "DE")),
        ("Aputsiaq Kristiansen", "Nukappiaaluk", PostalAddress(street: "Aqqusinersuaq 12", postalCode: "3900",
                                                              city: "Nuuk", countryCode: "GL")),
    ]

    @Test("long names and foreign addresses render and stay inside the envelope window",
          arguments: longRecipients.indices)
    func longRecipient(index: Int) throws {
        let recipient = Self.longRecipients[index]
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        let renderer = try LetterRenderer()
        for language in Language.allCases {
            let letter = LetterFixtures.letter(group: .citizenService, language: language, channel: .print,
                                               name: recipient.name, coName: recipient.co, address: recipient.address)
            let rendered = try renderer.renderDetailed(try composer.compose(letter))
            #expect(LetterPage.window.contains(rendered.windowText),
                    "window text \(rendered.windowText) outside \(LetterPage.window)")
            #expect(rendered.windowText.height > 20)
            // The postcode and city line is never cut.
            let folder = try Scratch.folder("letters")
            defer { try? FileManager.default.removeItem(at: folder) }
            let text = try Self.text(of: try LetterFixtures.write(rendered.pdf, named: "long.pdf", in: folder))
            #expect(text.contains("\(recipient.address.postalCode) \(recipient.address.city)"))
            #expect(rendered.pageCount == 1)
        }
    }

    @Test("the foreign country is printed in capitals under the city")
    func foreignCountry() throws {
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        let letter = LetterFixtures.letter(group: .bank, language: .en, channel: .print,
                                           address: Self.longRecipients[3].address)
        let content = try composer.compose(letter)
        #expect(content.recipientLines.suffix(3) == ["Aqqusinersuaq 12", "3900 Nuuk", "GRØNLAND"])
        let german = try composer.compose(LetterFixtures.letter(group: .bank, language: .da, channel: .print,
                                                                 address: Self.longRecipients[2].address))
        #expect(german.recipientLines.suffix(2) == ["10623 Berlin-Charlottenburg", "TYSKLAND"])
    }

    @Test("a body too long for one page continues on numbered pages")
    func multiplePages() throws {
        let templates = try LetterFixtures.copyOfTemplates()
        defer { try? FileManager.default.removeItem(at: templates.deletingLastPathComponent()) }
        let paragraph = String(repeating: "Dette er en lang sætning om MitID og NemID, som fylder en linje. ", count: 12)
        var body = "# {{title}}\n"
        for number in 1...14 {
            body += "\n## Afsnit \(number)\n\(paragraph)\n- punkt et\n- punkt to\n"
        }
        try body.write(to: templates.appendingPathComponent("da/bank.mustache"), atomically: true, encoding: .utf8)
        let composer = try LetterComposer(campaign: LetterFixtures.campaign(), templateDirectory: templates)
        let rendered = try LetterRenderer().renderDetailed(
            try composer.compose(LetterFixtures.letter(group: .bank, language: .da)))
        #expect(rendered.pageCount > 1)
        let folder = try Scratch.folder("letters")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = try LetterFixtures.write(rendered.pdf, named: "long.pdf", in: folder)
        let info = try Self.info(url)
        #expect(info.contains("Pages: \(rendered.pageCount)"))
        let text = try Self.text(of: url)
        for page in 1...rendered.pageCount {
            #expect(text.contains("Side \(page) af \(rendered.pageCount)"))
        }
        #expect(text.contains("Afsnit 14"))
        #expect(try LetterFixtures.run("qpdf", ["--check", url.path]).status == 0)
    }

    @Test("a digital letter shows no postal address")
    func digitalHasNoAddress() throws {
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        let content = try composer.compose(LetterFixtures.letter(group: .bank, language: .da, channel: .digital))
        #expect(content.recipientLines == [LetterFixtures.name, "c/o \(LetterFixtures.coName)"])
    }

    @Test("one composer shared by workers, one renderer per worker, gives the same bytes")
    func workers() async throws {
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        let contents = try LetterFixtures.pairs.map { try composer.compose(LetterFixtures.letter(group: $0.0, language: $0.1)) }
        let expected = try contents.map { try LetterRenderer().render($0) }
        let results = try await withThrowingTaskGroup(of: [[UInt8]].self) { group in
            for _ in 0..<2 {
                group.addTask {
                    let renderer = try LetterRenderer()
                    return try contents.map { try renderer.render($0) }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 2)
        for result in results { #expect(result == expected) }
    }
}
