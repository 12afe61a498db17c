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
        case (.citizenService, .en): ["Borgerservice", "Book an appointment", "passport, driving licence or a photo ID card",
                                      "CPR register", "at least 18", "at least 10 days", "3 people within 120 days"]
        }
    }

    /// What every letter says, per language.
    static func commonFacts(_ language: Language) -> [String] {
        switch language {
        case .da: ["beholde og bruge dit NemID", "se bort fra dette brev", "kun sendt med Digital Post",
                   "e-mail, sms eller telefon", "6. oktober 2021", "Side 1 af 1", "Digitaliseringsstyrelsen",
                   "Med venlig hilsen Digitaliseringsstyrelsen", "Tlf. 33 98 00 10"]
        case .en: ["Keep using your NemID", "ignore this letter", "only by Digital Post",
                   "e-mail, text message (SMS) or phone", "6 October 2021", "Page 1 of 1",
                   "Danish Agency for Digital Government", "Kind regards Danish Agency for Digital Government",
                   "Phone +45 33 98 00 10"]
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
        #expect(rendered.recipientFontSize == LetterRenderer.addressSize)
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
        #expect(info.contains("Author: \(campaign.sender.presentation(in: language).name)"))
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

    @Test("digital letters: long names and c/o lines stay inside the envelope window",
          arguments: longRecipients.indices)
    func longRecipient(index: Int) throws {
        let recipient = Self.longRecipients[index]
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        let renderer = try LetterRenderer()
        for language in Language.allCases {
            let letter = LetterFixtures.letter(group: .citizenService, language: language, channel: .digital,
                                               name: recipient.name, coName: recipient.co, address: recipient.address)
            let rendered = try renderer.renderDetailed(try composer.compose(letter))
            #expect(LetterPage.window.contains(rendered.windowText),
                    "window text \(rendered.windowText) outside \(LetterPage.window)")
            #expect(rendered.pageCount == 1)
        }
    }

    /// Full paper blocks: six lines, the longest 34 characters, in the widest letters a real
    /// address has (capitals, `W`, `M`, `Æ`).
    static let fullBlocks: [(name: String, co: String?, address: PostalAddress)] = [
        ("HANS CHRISTIAN MAXIMILIAN WÆRNBERG", "C/O MARGRETHE WÆRUM-MØLLER-HØJGÅRD",
         PostalAddress(street: "WILLEMOESGADE 100B, 4. SAL, DØR 12, MIDTERDØREN", postalCode: "2100",
                       city: "KØBENHAVN Ø", countryCode: "DK")),
        ("Hans Christian Maximilian Frederik Ludvig Jensen", "Dødsbo efter Karen B. Jensen",
         PostalAddress(street: "Den Gamle Landevej 7, Ejendommen Skovly, 2. th", postalCode: "24937",
                       city: "Flensburg", countryCode: "DE")),
        ("Jóannes Patursson", "Elin Poulsen", PostalAddress(street: "Niels Finsens gøta 5", postalCode: "100",
                                                            city: "Tórshavn", countryCode: "FO")),
        ("Aputsiaq Kristiansen", "Nukappiaaluk", PostalAddress(street: "Aqqusinersuaq 12", postalCode: "3900",
                                                              city: "Nuuk", countryCode: "GL")),
    ]

    @Test("paper letters: the window prints exactly the address block, at the normal size, inside the window",
          arguments: fullBlocks.indices)
    func paperBlock(index: Int) throws {
        let recipient = Self.fullBlocks[index]
        let block = try AddressBlock.build(name: recipient.name, coName: recipient.co, address: recipient.address).get()
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        let renderer = try LetterRenderer()
        for language in Language.allCases {
            let letter = LetterFixtures.letter(group: .citizenService, language: language, channel: .print,
                                               name: recipient.name, coName: recipient.co, address: recipient.address)
            let content = try composer.compose(letter)
            #expect(content.recipientLines == block.lines)
            let rendered = try renderer.renderDetailed(content)
            #expect(rendered.recipientFontSize == LetterRenderer.addressSize)
            #expect(LetterPage.window.contains(rendered.windowText),
                    "window text \(rendered.windowText) outside \(LetterPage.window)")
            // Each block line comes back whole, on a line of its own, from the page.
            let folder = try Scratch.folder("letters")
            defer { try? FileManager.default.removeItem(at: folder) }
            let url = try LetterFixtures.write(rendered.pdf, named: "block.pdf", in: folder)
            let window = try LetterFixtures.run("pdftotext", ["-layout", "-x", "70", "-y", "150", "-W", "250", "-H", "95",
                                                              url.path, "-"]).output
            let printed = window.split(separator: "\n")
                .map { $0.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "\u{0C}"))) }
                .filter { !$0.isEmpty }
            #expect(Array(printed.suffix(block.lines.count)) == block.lines, "\(printed)")
            // A shortened name is still given in full elsewhere on the page (SPEC §3: pdftotext gives the name back).
            #expect(try Self.text(of: url).contains(recipient.name))
            #expect((content.fullName != nil) == (block.lines[0] != recipient.name))
            #expect(rendered.pageCount == 1)
        }
    }

    @Test("a paper block that does not fit is an error, never cut")
    func paperBlockTooLong() throws {
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        let letter = LetterFixtures.letter(group: .bank, language: .da, channel: .print,
                                           name: Self.longRecipients[0].name, coName: Self.longRecipients[0].co,
                                           address: Self.longRecipients[0].address)
        #expect { try composer.compose(letter) } throws: { ($0 as? LetterError)?.code == .addressTooLong }
        // A preview of a protected address shows no address, so nothing to overflow but the name.
        let protected = LetterFixtures.letter(group: .bank, language: .da, channel: .print, name: "Anna Jensen",
                                              coName: nil, address: Self.longRecipients[1].address, protected: true)
        #expect(try composer.compose(protected, redactProtectedAddress: true).recipientLines == ["Anna Jensen"])
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
        #expect(german.recipientLines.suffix(4) == ["Straße des 17. Juni 135", "Hinterhaus, 3. Obergeschoss",
                                                    "10623 Berlin-Charlottenburg", "TYSKLAND"])
        let faroese = try composer.compose(LetterFixtures.letter(group: .bank, language: .da, channel: .print,
                                                                  address: Self.fullBlocks[2].address))
        #expect(faroese.recipientLines.suffix(3) == ["Niels Finsens gøta 5", "FO-100 Tórshavn", "FÆRØERNE"])
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

/// Names in scripts DejaVu Sans lacks (SPEC §1 allows any printable name): drawn with
/// fallback fonts from Debian packages, embedded as subsets, never as boxes.
@Suite("Names in other scripts")
struct FallbackFontTests {
    @Test("CJK, Arabic and emoji names are drawn with embedded fallback fonts, on paper and digitally", arguments: [
        ("王小明", "Noto"), ("김민준 Kim", "Noto"), ("محمد علي", "DejaVuSans"), ("Ida 😀 Hansen", "Symbola"),
    ])
    func fallback(name: String, font: String) throws {
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        let templates = try FastLetterTemplates(composer: composer)
        for channel in Channel.allCases {
            let content = try composer.compose(LetterFixtures.letter(group: .bank, language: .da, channel: channel,
                                                                      name: name))
            // The fast path hands such letters to the reference renderer, which draws them.
            #expect(try FastLetterRenderer(templates: templates).render(content) == nil)
            let pdf = try LetterRenderer().render(content)
            let folder = try Scratch.folder("letters")
            defer { try? FileManager.default.removeItem(at: folder) }
            let url = try LetterFixtures.write(pdf, named: "fallback.pdf", in: folder)
            let fonts = try LetterFixtures.run("pdffonts", [url.path]).output.split(separator: "\n").dropFirst(2)
            #expect(fonts.contains { $0.contains(font) }, "\(fonts)")
            for line in fonts {
                let columns = line.split(separator: " ", omittingEmptySubsequences: true)
                #expect(columns.count >= 7 && columns[columns.count - 5] == "yes" && columns[columns.count - 4] == "yes",
                        "not embedded as a subset: \(line)")
            }
            // pdftotext gives Arabic back as presentation forms in visual order: compare after NFKC.
            let text = try LetterRendererTests.text(of: url).precomposedStringWithCompatibilityMapping
            let words = name.split(separator: " ").map { String($0).precomposedStringWithCompatibilityMapping }
            let found = words.allSatisfy { word in text.contains(word) || text.contains(String(word.reversed())) }
                || name.unicodeScalars.filter { !$0.properties.isWhitespace }.allSatisfy { text.unicodeScalars.contains($0) }
            #expect(found, "\(name) not in the text")
        }
    }

    @Test("a character no installed font has is an error, never a box")
    func unprintable() throws {
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        let content = try composer.compose(LetterFixtures.letter(group: .bank, language: .da, name: "Anna \u{E123}\u{0378} Hansen"))
        #expect { try LetterRenderer().render(content) } throws: { error in
            guard let error = error as? LetterError, error.code == .unprintableText else { return false }
            return error.detail.contains("U+E123") && !error.detail.contains("Anna")
        }
    }
}
