import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

/// Both renderers write tagged PDF: a structure tree in the letter's reading order, every
/// glyph either in an element or an artifact, the content stream in the same order.
struct LetterStructureTests {
    /// What `scripts/pdfstructure.py` (a small reader of tagged PDF) reads from a letter.
    struct Reading: Decodable {
        struct Element: Decodable {
            let type: String
            let depth: Int
            let text: String
        }

        let tagged: Bool
        let lang: String?
        let displayDocTitle: Bool
        let elements: [Element]
        let artifacts: String
        let untagged: String
        let untaggedGraphics: Int
        let contentOrder: [Int]
        let treeOrder: [Int]
        let duplicateMCIDs: [Int]
    }

    static func read(_ url: URL) throws -> Reading {
        let script = try EnvelopeFixtures.repositoryRoot().appendingPathComponent("scripts/pdfstructure.py")
        let result = try LetterFixtures.runForData("python3", [script.path, url.path])
        #expect(result.status == 0)
        return try JSONDecoder().decode(Reading.self, from: result.output)
    }

    /// Text without white space: line breaks and the spaces at them are the layout's, not the text's.
    static func compact(_ text: String) -> String {
        String(text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }

    /// Text with each run of white space as one space: words stay apart.
    static func words(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The elements a letter's structure must have, in reading order: recipient, date, sender,
    /// then the body (title, headings, paragraphs, lists), each with its text.
    static func expected(_ content: LetterContent, normalize: (String) -> String = compact)
        -> [(type: String, text: String)] {
        // The lines of these three blocks are read as lines: a space between each two.
        var elements: [(String, String)] = [
            ("Document", ""),
            ("P", content.recipientLines.joined(separator: " ")),
            ("P", ([content.dateText] + [content.referenceText, content.fullNameText].compactMap(\.self))
                .joined(separator: " ")),
            ("P", ([content.senderName] + content.senderAddressLines + [content.senderContact]).joined(separator: " ")),
        ]
        var previousIsBullet = false
        for block in content.blocks {
            switch block {
            case .title: elements.append(("H1", block.plainText))
            case .heading: elements.append(("H2", block.plainText))
            case .paragraph: elements.append(("P", block.plainText))
            case .bullet:
                if !previousIsBullet { elements.append(("L", "")) }
                elements += [("LI", ""), ("Lbl", "•"), ("LBody", block.plainText)]
            }
            if case .bullet = block { previousIsBullet = true } else { previousIsBullet = false }
        }
        return elements.map { ($0.0, normalize($0.1)) }
    }

    /// Checks one letter's PDF against its content.
    func check(_ pdf: [UInt8], _ content: LetterContent, name: String) throws {
        let folder = try Scratch.folder("structure")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = try LetterFixtures.write(pdf, named: "letter.pdf", in: folder)
        let info = try LetterRendererTests.info(url)
        #expect(info.contains("Tagged: yes"), "\(name)")
        let pages = try #require(FastLetterRendererTests.pageCount(info), "\(name)")
        let reading = try Self.read(url)
        #expect(reading.tagged && reading.displayDocTitle, "\(name)")
        #expect(reading.lang == content.language.rawValue, "\(name)")
        #expect(reading.untagged.isEmpty, "\(name): drawn outside the structure and not an artifact: \(reading.untagged)")
        #expect(reading.untaggedGraphics == 0, "\(name): lines or images outside the structure and not artifacts")
        #expect(reading.duplicateMCIDs.isEmpty, "\(name)")
        // Reading order: the tree's order, and the content stream's, is the letter's.
        #expect(reading.contentOrder == Array(0..<reading.contentOrder.count), "\(name): \(reading.contentOrder)")
        #expect(reading.treeOrder == reading.contentOrder, "\(name)")
        let found = reading.elements.map { "\($0.type): \(Self.compact($0.text))" }
        let wanted = Self.expected(content).map { "\($0.type): \($0.text)" }
        #expect(found == wanted, "\(name)")
        // Words stay apart where lines end: where the body wraps, and between the lines of
        // the recipient, date and sender blocks (a space drawn after each line).
        let words = reading.elements.map { "\($0.type): \(Self.words($0.text))" }
        #expect(words == Self.expected(content, normalize: Self.words).map { "\($0.type): \($0.text)" }, "\(name)")
        // The artifacts: the return address, the footer and the page number of each page, and nothing else.
        let artifacts = Self.compact(content.returnLine
                                     + (1...pages).map { content.footerText + content.pageLabel($0, of: pages) }.joined())
        #expect(Self.compact(reading.artifacts) == artifacts, "\(name)")
        // Every character pdftotext finds is in an element or an artifact (but hyphens:
        // pdftotext drops the one of a word broken at a hyphen at the end of a line).
        let all = Self.compact(reading.elements.map(\.text).joined() + reading.artifacts).filter { $0 != "-" }
        let text = Self.compact(try LetterRendererTests.text(of: url)).filter { $0 != "-" }
        #expect(text.sorted() == all.sorted(), "\(name)")
    }

    @Test("both renderers tag every group, language and channel in reading order, with artifacts",
          arguments: [(LetterGroup.bank, Language.da, Channel.digital), (.bankUpdate, .en, .print),
                      (.mitidDK, .da, .print), (.mitidDKUpdate, .en, .digital), (.citizenService, .da, .print)])
    func tagged(group: LetterGroup, language: Language, channel: Channel) throws {
        let (composer, templates) = try FastLetterRendererTests.compiled.get()
        let content = try composer.compose(LetterFixtures.letter(group: group, language: language, channel: channel))
        let fast = try #require(try FastLetterRenderer(templates: templates).render(content))
        try check(fast, content, name: "fast \(group) \(language) \(channel)")
        try check(try LetterRenderer().render(content), content, name: "reference \(group) \(language) \(channel)")
    }

    @Test("structures built alike are equal and hash alike; one tag, parent or page apart, they differ")
    func structureIdentity() {
        func build(_ tags: [StructureTag], pageBreakBefore: Int? = nil, artifactAt: Int? = nil) -> LetterStructure {
            var structure = LetterStructure()
            for (index, tag) in tags.enumerated() {
                if index == pageBreakBefore { structure.nextPage() }
                if index == artifactAt {
                    _ = structure.begin(.artifact)
                    structure.end(.artifact)
                }
                _ = structure.begin(tag)
                if tag != .list { structure.end(tag) }
            }
            return structure
        }
        let tags: [StructureTag] = [.paragraph, .paragraph, .title, .heading, .list, .listItem, .paragraph]
        let one = build(tags)
        let same = build(tags, artifactAt: 3)  // an artifact opens no element
        #expect(one == same)
        #expect(one.hashValue == same.hashValue)
        #expect(Set([one, same, build(tags)]).count == 1)
        var other = tags
        other[2] = .heading
        let others = [build(other), build(tags, pageBreakBefore: 4), build(tags.dropLast() + [.listBody]),
                      build(Array(tags.dropLast()))]
        for changed in others {
            #expect(changed != one)
        }
        #expect(Set(others + [one]).count == others.count + 1)
        #expect(Set((others + [one]).map(\.hashValue)).count == others.count + 1,
                "different structures, different hashes here")
    }

    @Test("a PNG or SVG logo is an artifact on both renderers", arguments: ["svg", "png"])
    func logo(kind: String) throws {
        let composer = try FastLetterRendererTests.campaignWithLogo(kind)
        let templates = try FastLetterTemplates(composer: composer)
        let content = try composer.compose(LetterFixtures.letter(group: .citizenService, language: .da, channel: .print))
        let fast = try #require(try FastLetterRenderer(templates: templates).render(content))
        try check(fast, content, name: "fast, \(kind) logo")
        try check(try LetterRenderer().render(content), content, name: "reference, \(kind) logo")
    }

    @Test("a name with rare characters (the extension font) is tagged and read as written")
    func rareCharacters() throws {
        let (composer, templates) = try FastLetterRendererTests.compiled.get()
        let content = try composer.compose(LetterFixtures.letter(group: .bank, language: .en, channel: .digital,
                                                                  name: "Zoë Łukasz Żółć"))
        let fast = try #require(try FastLetterRenderer(templates: templates).render(content))
        #expect(String(decoding: fast, as: UTF8.self).contains("/F3 "))
        try check(fast, content, name: "fast, rare characters")
    }

    @Test("a letter with a personal paragraph, on one page or pushed onto more, is tagged on the fast path")
    func personalParagraphs() throws {
        let (composer, templates) = try FastLetterRendererTests.personal.get()
        for (group, channel) in [(LetterGroup.bank, Channel.digital), (.citizenService, .print)] {
            let content = try composer.compose(LetterFixtures.letter(group: group, language: .da, channel: channel))
            #expect(content.blocks.contains { !templates.blocks.contains($0) })
            let fast = try #require(try FastLetterRenderer(templates: templates).render(content))
            try check(fast, content, name: "fast, personal \(group)")
        }
        let content = try composer.compose(LetterFixtures.letter(group: .citizenService, language: .da, channel: .print))
        // More pages: the same elements, text and artifacts as the reference renderer's.
        var blocks = content.blocks
        blocks.insert(.paragraph([LetterRun(String(repeating: "\(LetterFixtures.name) ", count: 75))]), at: 2)
        let long = content.replacingBlocks(blocks)
        let reference = try LetterRenderer().renderDetailed(long)
        #expect(reference.pageCount >= 2)
        let pages = try #require(try FastLetterRenderer(templates: templates).render(long))
        let folder = try Scratch.folder("structure")
        defer { try? FileManager.default.removeItem(at: folder) }
        let read = try Self.read(try LetterFixtures.write(pages, named: "fast.pdf", in: folder))
        let wanted = try Self.read(try LetterFixtures.write(reference.pdf, named: "reference.pdf", in: folder))
        #expect(read.tagged && read.untagged.isEmpty && read.untaggedGraphics == 0 && read.duplicateMCIDs.isEmpty)
        #expect(read.contentOrder == Array(0..<read.contentOrder.count) && read.treeOrder == read.contentOrder)
        #expect(read.elements.map { "\($0.type): \(Self.compact($0.text))" }
                == wanted.elements.map { "\($0.type): \(Self.compact($0.text))" })
        #expect(Self.compact(read.artifacts) == Self.compact(wanted.artifacts))
        #expect(Self.compact(read.elements.map(\.text).joined()).contains(Self.compact(LetterFixtures.name)))
    }
}
