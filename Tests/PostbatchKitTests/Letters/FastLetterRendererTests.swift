import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

/// The fast path gives the same letter as the reference renderer: same pixels, same words.
struct FastLetterRendererTests {
    /// A pixel "differs" when its grey levels (0–255) are more than this apart:
    /// anti-aliasing of the same glyph placed a hundredth of a point apart stays below it.
    static let pixelThreshold = 48
    /// At most this share of a page's pixels may differ: 0.5 %, about 280 pixels of
    /// an A4 page at 50 dpi; one wrong or moved word is several hundred.
    static let maxDifferingShare = 0.005

    /// The templates, compiled once for all tests.
    static let compiled: Result<(LetterComposer, FastLetterTemplates), any Error> = Result {
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        return (composer, try FastLetterTemplates(composer: composer))
    }

    /// The templates with personal values (`Tests/Fixtures/personal-letters`), compiled once.
    static let personal: Result<(LetterComposer, FastLetterTemplates), any Error> = Result {
        let composer = try LetterComposer(campaign: LetterFixtures.personalCampaign())
        return (composer, try FastLetterTemplates(composer: composer))
    }

    /// A greyscale raster of one page at 50 dpi.
    struct Raster {
        let width: Int
        let height: Int
        let pixels: [UInt8]

        init(pdf: URL, page: Int = 1) throws {
            let prefix = pdf.deletingPathExtension().path + "-\(page)"
            let result = try LetterFixtures.run("pdftoppm", ["-r", "50", "-gray", "-f", "\(page)", "-l", "\(page)",
                                                             "-singlefile", pdf.path, prefix])
            #expect(result.status == 0)
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: prefix + ".pgm")))
            // P5\n<width> <height>\n255\n<pixels>
            var fields: [Int] = []
            var index = 2
            var current = ""
            while fields.count < 3 && index < bytes.count {
                let byte = bytes[index]
                if byte >= 0x30 && byte <= 0x39 {
                    current.append(Character(Unicode.Scalar(byte)))
                } else if !current.isEmpty {
                    fields.append(Int(current) ?? 0)
                    current = ""
                }
                index += 1
            }
            width = fields.first ?? 0
            height = fields.count > 1 ? fields[1] : 0
            pixels = Array(bytes[index...])
        }

        /// The share of pixels whose grey levels differ by more than the threshold.
        func differingShare(_ other: Raster) -> Double {
            guard width == other.width, height == other.height, pixels.count == other.pixels.count,
                  !pixels.isEmpty else { return 1 }
            var count = 0
            for index in pixels.indices where abs(Int(pixels[index]) - Int(other.pixels[index])) > FastLetterRendererTests.pixelThreshold {
                count += 1
            }
            return Double(count) / Double(pixels.count)
        }
    }

    /// Renders with both paths and checks pixels, words, structure and fonts.
    @discardableResult
    func compare(_ letter: Letter, name: String, compiled: (LetterComposer, FastLetterTemplates)? = nil) throws -> Int {
        let (composer, templates) = try compiled ?? Self.compiled.get()
        let content = try composer.compose(letter)
        let fast = try #require(try FastLetterRenderer(templates: templates).render(content), "fast path declined \(name)")
        let reference = try LetterRenderer().render(content)
        let folder = try Scratch.folder("letters")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fastURL = try LetterFixtures.write(fast, named: "fast.pdf", in: folder)
        let referenceURL = try LetterFixtures.write(reference, named: "reference.pdf", in: folder)

        if ProcessInfo.processInfo.environment["FASTPDF_KEEP"] != nil {
            try? FileManager.default.copyItem(at: folder, to: URL(fileURLWithPath: "/tmp/fastpdf-debug/\(name)"))
        }
        let info = try LetterRendererTests.info(fastURL)
        let pages = try #require(Self.pageCount(info), "\(name): no page count")
        #expect(Self.pageCount(try LetterRendererTests.info(referenceURL)) == pages, "\(name): page counts differ")
        for page in 1...pages {
            let share = try Raster(pdf: fastURL, page: page).differingShare(try Raster(pdf: referenceURL, page: page))
            #expect(share <= Self.maxDifferingShare, "\(name), page \(page): \(share * 100) % of pixels differ")
        }

        #expect(try LetterRendererTests.text(of: fastURL) == LetterRendererTests.text(of: referenceURL), "\(name): text differs")

        let check = try LetterFixtures.run("qpdf", ["--check", fastURL.path])
        #expect(check.status == 0, "\(name): qpdf --check: \(check.output)")

        // Regular and bold; a third subset (the extension) only for characters outside the common ones.
        let fonts = try LetterFixtures.run("pdffonts", [fastURL.path]).output.split(separator: "\n").dropFirst(2)
        let rare = content.recipientLines.joined().unicodeScalars.contains {
            !FastLetterTemplates.commonCharacters.contains($0.value)
        }
        #expect(fonts.count == (rare ? 3 : 2), "\(name): \(fonts.count) fonts")
        for font in fonts {
            let columns = font.split(separator: " ", omittingEmptySubsequences: true)
            #expect(font.contains("DejaVuSans") && font.contains("CID TrueType") && font.contains("Identity-H"))
            #expect(columns.count >= 7 && columns[columns.count - 5] == "yes" && columns[columns.count - 3] == "yes",
                    "\(name): not embedded with ToUnicode: \(font)")
        }
        #expect(info.contains("Title: \(content.title)"))
        #expect(info.contains("CreationDate: \(Self.creationDate(content.date))"))
        return pages
    }

    /// `Pages: n` of pdfinfo's output.
    static func pageCount(_ info: String) -> Int? {
        info.split(separator: "\n").first { $0.hasPrefix("Pages: ") }.flatMap { Int($0.dropFirst(7)) }
    }

    /// The letter's date as pdfinfo prints a creation date: `Wed Oct 6 00:00:00 2021`.
    static func creationDate(_ date: CalendarDate) -> String {
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekdays[date.daysSinceEpoch % 7]) \(months[date.month - 1]) \(date.day) 00:00:00 \(date.year)"
    }

    @Test("every group and language looks and reads like the reference, on screen and on paper",
          arguments: LetterFixtures.pairs.flatMap { pair in Channel.allCases.map { (pair.0, pair.1, $0) } })
    func sameLetter(group: LetterGroup, language: Language, channel: Channel) throws {
        try compare(LetterFixtures.letter(group: group, language: language, channel: channel),
                    name: "\(group) \(language) \(channel)")
    }

    /// The dates letters of a channel carry: the three wave days, or the print day.
    static func date(_ index: Int, channel: Channel, campaign: Campaign) -> CalendarDate {
        channel == .print ? campaign.schedule.printDay
            : campaign.schedule.waveDates[index % campaign.schedule.waveDates.count]
    }

    @Test("a salutation, a date in the body and a personal paragraph look and read like the reference",
          arguments: LetterFixtures.pairs.enumerated().map { ($0.offset, $0.element.0, $0.element.1) })
    func personalLetter(index: Int, group: LetterGroup, language: Language) throws {
        let (composer, templates) = try Self.personal.get()
        let channel: Channel = index % 2 == 0 ? .digital : .print
        let letter = LetterFixtures.letter(group: group, language: language, channel: channel,
                                           date: Self.date(index, channel: channel, campaign: composer.campaign))
        let content = try composer.compose(letter)
        // The personal blocks are not among the compiled ones: the letter is written whole.
        #expect(content.blocks.contains { !templates.blocks.contains($0) })
        #expect(content.blocks.contains { $0.plainText.contains(LetterFixtures.name) })
        try compare(letter, name: "personal \(group) \(language) \(channel)", compiled: (composer, templates))
        // The same bytes from a renderer that made other letters first, and from a new one.
        let renderer = try FastLetterRenderer(templates: templates)
        _ = try renderer.render(try composer.compose(LetterFixtures.letter(group: group, language: language,
                                                                           name: "Anna Berg")))
        #expect(try renderer.render(content) == FastLetterRenderer(templates: templates).render(content))
    }

    @Test("a long personal paragraph moves what follows down and onto the next pages, as in the reference",
          arguments: [(LetterGroup.citizenService, Language.da, 12), (.bank, .en, 30), (.mitidDK, .da, 75)])
    func personalParagraphMovesTheRest(group: LetterGroup, language: Language, repeats: Int) throws {
        let (composer, templates) = try Self.personal.get()
        let letter = LetterFixtures.letter(group: group, language: language, channel: .print)
        let content = try composer.compose(letter)
        let long = LetterBlock.paragraph([LetterRun(String(repeating: "\(LetterFixtures.name) ", count: repeats)),
                                          LetterRun("bold", bold: true)])
        var blocks = content.blocks
        blocks.insert(long, at: 2)
        let moved = content.replacingBlocks(blocks)
        let fast = try #require(try FastLetterRenderer(templates: templates).render(moved))
        let reference = try LetterRenderer().renderDetailed(moved)
        #expect(reference.pageCount >= 2)
        let folder = try Scratch.folder("letters")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fastURL = try LetterFixtures.write(fast, named: "fast.pdf", in: folder)
        let referenceURL = try LetterFixtures.write(reference.pdf, named: "reference.pdf", in: folder)
        #expect(Self.pageCount(try LetterRendererTests.info(fastURL)) == reference.pageCount)
        for page in 1...reference.pageCount {
            let share = try Raster(pdf: fastURL, page: page).differingShare(try Raster(pdf: referenceURL, page: page))
            #expect(share <= Self.maxDifferingShare, "page \(page): \(share * 100) % of pixels differ")
        }
        #expect(try LetterRendererTests.text(of: fastURL) == LetterRendererTests.text(of: referenceURL))
        #expect(try LetterFixtures.run("qpdf", ["--check", fastURL.path]).status == 0)
    }

    @Test("on generated input, fewer than 0.1 % of letters with personal values fall back to the reference renderer")
    func personalFallbackRate() throws {
        let (composer, templates) = try Self.personal.get()
        let renderer = try FastLetterRenderer(templates: templates)
        let letters = try LetterFixtures.generatedLetters(count: 2_000, seed: 42, schedule: composer.campaign.schedule)
        var fallbacks = 0
        for letter in letters where try renderer.render(try composer.compose(letter)) == nil {
            fallbacks += 1
        }
        #expect(letters.count > 1_500)
        #expect(Double(fallbacks) < 0.001 * Double(letters.count), "\(fallbacks) of \(letters.count) letters fell back")
    }

    @Test("on generated input, a letter's PDF is 16,000 bytes or less on average (it was 32,379)")
    func meanSize() throws {
        let (composer, templates) = try Self.compiled.get()
        let renderer = try FastLetterRenderer(templates: templates)
        let letters = try LetterFixtures.generatedLetters(count: 600, seed: 7, schedule: composer.campaign.schedule)
        var sizes: [Int] = []
        for letter in letters {
            if let pdf = try renderer.render(try composer.compose(letter)) { sizes.append(pdf.count) }
        }
        #expect(sizes.count > 450)
        let mean = sizes.reduce(0, +) / max(sizes.count, 1)
        // docs/performance.md, "Letter size": every byte is saved once per letter of the mailing.
        #expect(mean <= 16_000, "mean \(mean) bytes over \(sizes.count) letters")
        #expect(sizes.min() ?? 0 > 10_000, "smallest \(sizes.min() ?? 0) bytes: the fonts or the page are missing")
    }

    @Test("hard names, c/o and foreign addresses look and read like the reference", arguments: [
        ("Søren Ærø Åberg", "Birgitte Østergård", PostalAddress(street: "Åboulevarden 12, 3. tv.", postalCode: "8000",
                                                                 city: "Aarhus C", countryCode: "DK")),
        ("Zoë O'Brien-Ñúñez", "Łukasz Żółć", PostalAddress(street: "Straße des 17. Juni 135", postalCode: "10623",
                                                            city: "Berlin", countryCode: "DE")),
        ("Aputsiaq Kristiansen", "Nukappiaaluk", PostalAddress(street: "Aqqusinersuaq 12", postalCode: "3900",
                                                               city: "Nuuk", countryCode: "GL")),
        ("Maximilian Alexander von Hohenzollern", nil,
         PostalAddress(street: "Straße des 17. Juni 135, Hinterhaus, 3. Obergeschoss", postalCode: "10623",
                       city: "Berlin-Charlottenburg", countryCode: "DE")),
        ("Hans Christian Maximilian Frederik Ludvig Jensen", "Dødsbo efter Karen B. Jensen",
         PostalAddress(street: "Den Gamle Landevej 7, Ejendommen Skovly, 2. th", postalCode: "100",
                       city: "Tórshavn", countryCode: "FO")),
    ] as [(String, String?, PostalAddress)])
    func hardNames(name: String, co: String?, address: PostalAddress) throws {
        for language in Language.allCases {
            try compare(LetterFixtures.letter(group: .citizenService, language: language, channel: .print,
                                              name: name, coName: co, address: address),
                        name: "\(name) \(language)")
        }
    }

    @Test("a name outside the embedded characters falls back to the reference renderer")
    func cjkFallsBack() throws {
        let (composer, templates) = try Self.compiled.get()
        let renderer = try FastLetterRenderer(templates: templates)
        let content = try composer.compose(LetterFixtures.letter(group: .bank, language: .da, name: "王小明"))
        #expect(try renderer.render(content) == nil)
        let ellipsis = try composer.compose(LetterFixtures.letter(
            group: .bank, language: .da, channel: .digital, name: String(repeating: "X", count: 130),
            coName: String(repeating: "Y ", count: 400)))
        #expect(try renderer.render(ellipsis) == nil)
    }

    @Test("the same letter gives byte-identical PDFs, also from another renderer", arguments: LetterFixtures.pairs)
    func deterministic(group: LetterGroup, language: Language) throws {
        let (composer, templates) = try Self.compiled.get()
        let content = try composer.compose(LetterFixtures.letter(group: group, language: language))
        let renderer = try FastLetterRenderer(templates: templates)
        let first = try renderer.render(content)
        _ = try renderer.render(try composer.compose(LetterFixtures.letter(group: .bank, language: .en, name: "Other")))
        #expect(first != nil)
        #expect(try renderer.render(content) == first)
        #expect(try FastLetterRenderer(templates: templates).render(content) == first)
    }

    /// A campaign whose sender block has a logo: an SVG (vectors) or a PNG with transparency.
    static func campaignWithLogo(_ kind: String) throws -> LetterComposer {
        let templates = try LetterFixtures.copyOfTemplates()
        let svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="240" height="60" viewBox="0 0 240 60">
              <rect x="0" y="0" width="60" height="60" rx="8" fill="#12355b"/>
              <circle cx="30" cy="30" r="16" fill="#ffffff"/>
              <rect x="72" y="14" width="160" height="12" fill="#12355b"/>
              <rect x="72" y="34" width="110" height="12" fill="#7a8ca3"/>
            </svg>
            """
        try svg.write(to: templates.appendingPathComponent("logo.svg"), atomically: true, encoding: .utf8)
        // A 120 × 30 PNG with an alpha channel, written with Python's zlib.
        let png = templates.appendingPathComponent("logo.png").path
        let script = """
            import struct, sys, zlib
            w, h = 120, 30
            rows = b"".join(b"\\x00" + b"".join(bytes((18, 53, 91, 255 if x < 30 or (40 < x < 110 and 8 < y < 22) else 0))
                                               for x in range(w)) for y in range(h))
            def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
            open(sys.argv[1], "wb").write(b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
                                       + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
            """
        #expect(try LetterFixtures.run("python3", ["-c", script, png]).status == 0)
        let file = templates.appendingPathComponent("campaign.toml")
        let text = try String(contentsOf: file, encoding: .utf8)
            .replacingOccurrences(of: "# logo = \"logo.svg\"", with: "logo = \"logo.\(kind)\"")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try LetterComposer(campaign: Campaign.load(from: file))
    }

    @Test("a PNG or SVG logo sits at the top of the sender block, the same on both renderers", arguments: ["svg", "png"])
    func logo(kind: String) throws {
        let composer = try Self.campaignWithLogo(kind)
        let templates = try FastLetterTemplates(composer: composer)
        for (language, channel) in [(Language.da, Channel.print), (.en, .digital)] {
            let letter = LetterFixtures.letter(group: .citizenService, language: language, channel: channel)
            try compare(letter, name: "logo \(kind) \(language)", compiled: (composer, templates))
            // Without the logo the page differs: the logo really is drawn.
            let content = try composer.compose(letter)
            let plain = try LetterRenderer().render(try Self.compiled.get().0.compose(letter))
            let folder = try Scratch.folder("letters")
            defer { try? FileManager.default.removeItem(at: folder) }
            let with = try Raster(pdf: LetterFixtures.write(try LetterRenderer().render(content), named: "with.pdf", in: folder))
            let without = try Raster(pdf: LetterFixtures.write(plain, named: "without.pdf", in: folder))
            #expect(with.differingShare(without) > 0.002)
        }
    }
}

/// What the fast path keeps between letters written whole, and their content in containers.
struct FastLetterPiecesTests {
    /// The personal templates, with the content written per letter compressed (not the default).
    static let compressed: Result<(LetterComposer, FastLetterTemplates), any Error> = Result {
        let composer = try LetterComposer(campaign: LetterFixtures.personalCampaign())
        return (composer, try FastLetterTemplates(composer: composer, compressPersonalContent: true))
    }

    @Test("a renderer that forgot its personal pieces many times writes the same bytes as a new one")
    func forgetting() throws {
        let (composer, templates) = try FastLetterRendererTests.personal.get()
        // A limit below the template's own blocks: the pieces are trimmed before every letter.
        let forgetful = try FastLetterRenderer(templates: templates, pieceLimit: 4)
        let names = ["Anna Berg", "Bo Nielsen", "Hans Christian Maximilian Jensen", "Ib Ørsted", "Anna Berg"]
        for (index, name) in names.enumerated() {
            let letter = LetterFixtures.letter(group: LetterGroup.allCases[index % LetterGroup.allCases.count],
                                               language: index % 2 == 0 ? .da : .en, name: name)
            let content = try composer.compose(letter)
            let fresh = try #require(try FastLetterRenderer(templates: templates).render(content))
            #expect(try forgetful.render(content) == fresh, "\(name)")
        }
        #expect(forgetful.pieces.shapes.count <= templates.compiled.values.map(\.fixed.blocks.count).reduce(0, +) + 1)
    }

    @Test("the word shaper sets every block of every template as pango's layout does, so it sets the personal blocks")
    func wordShaperAgrees() throws {
        let (composer, templates) = try FastLetterRendererTests.personal.get()
        let renderer = try FastLetterRenderer(templates: templates)
        for (group, language) in LetterFixtures.pairs {
            _ = try #require(try renderer.render(composer.compose(LetterFixtures.letter(group: group, language: language))))
        }
        #expect(renderer.pieces.wordShaperAgrees.count == LetterFixtures.pairs.count)
        #expect(renderer.pieces.wordShaperAgrees.values.allSatisfy { $0 })
    }

    @Test("letters with their own content compressed (not the default) look and read like the reference, and are smaller",
          arguments: [(LetterGroup.bank, Language.da, Channel.digital), (.citizenService, .en, .print)])
    func compressedContent(group: LetterGroup, language: Language, channel: Channel) throws {
        let (composer, compressed) = try Self.compressed.get()
        let letter = LetterFixtures.letter(group: group, language: language, channel: channel)
        _ = try FastLetterRendererTests().compare(letter, name: "compressed \(group) \(language) \(channel)",
                                                  compiled: (composer, compressed))
        // Smaller than with the default templates, which differ only in the letter's own content.
        let content = try composer.compose(letter)
        let (_, plain) = try FastLetterRendererTests.personal.get()
        let plainPDF = try #require(try FastLetterRenderer(templates: plain).render(content))
        let compressedPDF = try #require(try FastLetterRenderer(templates: compressed).render(content))
        #expect(plainPDF.count > compressedPDF.count + 200)
    }

    @Test("a static letter has its recipient block and date as a plain stream")
    func plainStaticContent() throws {
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        let plain = try FastLetterTemplates(composer: composer)
        let letter = LetterFixtures.letter(group: .bank, language: .da)
        _ = try FastLetterRendererTests().compare(letter, name: "plain static", compiled: (composer, plain))
        let pdf = try #require(try FastLetterRenderer(templates: plain).render(try composer.compose(letter)))
        #expect(ByteSearch.lastIndex(of: "5 0 obj\n<< /Length", in: pdf[...]) != nil)
    }
}
