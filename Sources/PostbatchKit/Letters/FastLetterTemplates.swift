internal import Crypto

/// What every letter shares, laid out, shaped and serialised once per run.
///
/// The templates hold the PDF's first bytes (header, the two embedded fonts, the sRGB
/// ICC profile of the PDF/A-2b output intent and the sender's logo), the content each
/// group, language and channel was compiled from, and every body block those letters
/// hold, shaped and broken into lines: the **static** blocks. ``FastLetterRenderer``
/// shapes only what is personal (the recipient block, the date, and any block that holds
/// a personal value such as `Kære {{name}},`), places static and personal blocks with the
/// reference renderer's ``BodyPlacement``, and reuses the compressed content of a page's
/// static parts wherever they fall in the same place.
///
/// The layout comes from the reference ``LetterRenderer`` itself (same fonts, sizes,
/// breaks and positions); the glyphs are read from pango's glyph runs. DejaVu Sans and
/// DejaVu Sans Bold are embedded as CIDFontType2 subsets made with HarfBuzz, with their
/// original glyph ids, `/W` widths and a ToUnicode map. The regular face also holds the
/// repertoire of names and addresses: Basic Latin, Latin-1, Latin Extended-A and common
/// punctuation.
///
/// The value is immutable and `Sendable`: compile it once and share it between
/// workers, each with its own ``FastLetterRenderer``.
package struct FastLetterTemplates: Sendable {
    /// What the fixed parts depend on.
    struct Key: Hashable, Sendable {
        let group: LetterGroup
        let language: Language
        let channel: Channel
        /// A paper letter to an address abroad (its template may differ).
        let abroad: Bool
    }

    /// A body block shaped at compile: its page content is compiled once per position.
    struct StaticBlock: Sendable {
        /// A number that names the block in the renderer's page cache.
        let id: Int
        let shaped: ShapedBlock
    }

    /// The content each key was compiled from: a letter's sender, title, logo and
    /// return line must be these for the fast path to make it.
    let fixed: [Key: LetterContent]
    /// Every block of the compiled letters, for every date of the schedule.
    let blocks: [LetterBlock: StaticBlock]
    /// The bullet of a bullet item, from its baseline's left end.
    let bullet: [PlacedGlyph]
    /// Header and objects 6–15 (fonts), 18 (the ICC profile) and 19–20 (the logo and its
    /// soft mask) when the campaign has a logo.
    let prefix: [UInt8]
    /// Byte offset of each object in ``prefix`` by object number (0 and per-letter objects unused);
    /// its count is the number of the first object beyond them.
    let offsets: [Int]
    /// SHA-256 of ``prefix``, part of the document `/ID`.
    let digest: [UInt8]
    /// The logo drawing at the start of page 1, and the page resources that name it.
    let logoContent: [UInt8]
    let xObjects: String
    /// Whether personal blocks are shaped word by word (``PangoWordShaper``): only when it
    /// set every compiled block it could take exactly as pango's layout did.
    let wordShaping: Bool
    /// Whether page content that is the same in many letters is Flate-compressed.
    let compressContent: Bool
    /// Glyphs a personal part may use, per face: kept in the subset and in the ToUnicode map.
    let personalGlyphs: [FastFontFace: Set<UInt32>]
    /// Advance widths in 1/1000 em, per face and glyph.
    let advances: [FastFontFace: [UInt32: Double]]
    /// The size of the embedded font files (compressed), for reports.
    package let fontBytes: Int

    /// Where the Debian package `icc-profiles-free` installs the sRGB IEC61966-2.1
    /// profile that the PDF/A-2b output intent embeds.
    package static let sRGBProfilePath = "/usr/share/color/icc/sRGB.icc"

    /// The characters every name and address may use without a fallback.
    static let repertoire: [UInt32] = {
        var scalars = Array(UInt32(0x20)...0x7E) + Array(UInt32(0xA0)...0x17F)
        scalars += [0x2010, 0x2011, 0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E,
                    0x2022, 0x2026, 0x2032, 0x2033, 0x20AC, 0x2122, 0x0218, 0x0219, 0x021A, 0x021B]
        return scalars
    }()

    /// Compiles what the letters of every group, language and channel share.
    ///
    /// - Parameters:
    ///   - composer: the composer the letters come from; its templates and campaign
    ///     give the fixed text.
    ///   - compressFixedContent: Flate-compress page content shared between letters
    ///     (smaller PDFs; off gives PDFs that compress better in a container).
    ///   - iccProfile: the sRGB ICC profile embedded as the PDF/A output intent, read
    ///     once; by default `/usr/share/color/icc/sRGB.icc` from the Debian package
    ///     `icc-profiles-free`.
    /// - Throws: ``LetterError`` with code `letter_pdf` if pango, HarfBuzz or zlib fail,
    ///   or if the ICC profile is missing or not an RGB profile (the error names the
    ///   file and the package to install), or a template error from composing the
    ///   probe letters. A template the fast path cannot handle (a font other than
    ///   DejaVu Sans) is not an error: its letters make ``FastLetterRenderer/render(_:)``
    ///   return nil.
    package init(composer: LetterComposer, compressFixedContent: Bool = true,
                iccProfile: String = FastLetterTemplates.sRGBProfilePath) throws(LetterError) {
        // PDF/A-2b needs the output intent: fail before any work when its profile is missing.
        let profileStream = try FastPDFA.profileStream(FastPDFA.loadProfile(at: iccProfile))
        let renderer = try LetterRenderer()
        let recorder = GlyphRecorder(collectFonts: true)
        (fixed, blocks) = try Self.record(composer: composer, renderer: renderer, recorder: recorder)
        bullet = renderer.shapeBullet(on: recorder)
        wordShaping = Self.wordShapingAgrees(renderer, blocks)
        let fonts = try EmbeddedFonts(recorder)
        let logo = try Self.logo(composer.campaign, box: recorder.logoBox)
        var prefix: [UInt8] = Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets = [Int](repeating: 0, count: FastPDFA.profileObject + 1 + logo.objects.count)
        for (number, bytes) in fonts.objects + [(FastPDFA.profileObject, profileStream)] + logo.objects {
            offsets[number] = prefix.count
            prefix += bytes
        }
        self.prefix = prefix
        self.offsets = offsets
        digest = Array(SHA256.hash(data: prefix))
        logoContent = logo.content
        xObjects = logo.xObjects
        compressContent = compressFixedContent
        personalGlyphs = fonts.toUnicode.mapValues { Set($0.keys) }
        advances = fonts.advances
        fontBytes = fonts.bytes
    }

    /// The key of a letter whose sender, title, logo and return line are its template's.
    func key(for content: LetterContent) -> Key? {
        let key = Key(group: content.group, language: content.language, channel: content.channel,
                      abroad: content.abroad)
        guard let fixed = fixed[key], content.title == fixed.title, content.senderName == fixed.senderName,
              content.senderAddressLines == fixed.senderAddressLines, content.senderContact == fixed.senderContact,
              content.senderLogo == fixed.senderLogo, content.returnLine == fixed.returnLine
        else { return nil }
        return key
    }

    // MARK: - Compiling

    /// Composes a probe letter for every key and date of the schedule, records the
    /// page furniture and shapes every body block.
    private static func record(composer: LetterComposer, renderer: LetterRenderer, recorder: GlyphRecorder)
        throws(LetterError) -> ([Key: LetterContent], [LetterBlock: StaticBlock]) {
        guard case .success(let cpr) = CPR.parse(Array("0707077077".utf8)) else {
            throw LetterError(code: .pdf, file: "letter", detail: "the probe CPR number does not parse")
        }
        let schedule = composer.campaign.schedule
        var dates = [composer.campaign.firstDay]
        for date in schedule.waveDates + [schedule.printDay] where !dates.contains(date) { dates.append(date) }
        var fixed: [Key: LetterContent] = [:]
        var blocks: [LetterBlock: StaticBlock] = [:]
        for group in LetterGroup.allCases {
            for language in Language.allCases {
                for (channel, abroad) in [(Channel.digital, false), (.print, false), (.print, true)] {
                    let address = abroad
                        ? PostalAddress(street: "Probe 1", postalCode: "10115", city: "Berlin", countryCode: "DE")
                        : PostalAddress(street: "Probe 1", postalCode: "1000", city: "By", countryCode: "DK")
                    let recipient = Recipient(cpr: cpr, name: "Probe", coName: nil, address: address,
                                              addressProtected: false, language: language)
                    let key = Key(group: group, language: language, channel: channel, abroad: abroad)
                    for date in dates {
                        let content = try composer.compose(Letter(sequence: 0, line: 0, recipient: recipient,
                                                                  group: group, channel: channel, date: date))
                        if fixed[key] == nil { try renderer.drawFurniture(content, page: 0, of: 1, on: recorder) }
                        var shaped: [(LetterBlock, ShapedBlock)] = []
                        for block in content.blocks where blocks[block] == nil {
                            shaped.append((block, renderer.shapeBlock(block, on: recorder)))
                        }
                        // Keep the collected text and fonts, drop only the unusual flag.
                        if recorder.unusual {
                            recorder.clearUnusual()
                            continue
                        }
                        if fixed[key] == nil { fixed[key] = content }
                        for (block, shape) in shaped where blocks[block] == nil {
                            blocks[block] = StaticBlock(id: blocks.count, shaped: shape)
                        }
                    }
                }
            }
        }
        return (fixed, blocks)
    }

    /// Whether the word shaper sets every compiled block it takes exactly as pango did.
    private static func wordShapingAgrees(_ renderer: LetterRenderer, _ blocks: [LetterBlock: StaticBlock]) -> Bool {
        var checked = 0
        for (block, known) in blocks {
            guard let shaped = renderer.wordShaper(for: block)?.shape(block) else { continue }
            guard shaped.metrics == known.shaped.metrics, shaped.lines == known.shaped.lines else { return false }
            checked += 1
        }
        return checked > 0
    }

    /// The sender's logo as an image with a soft mask at 300 dpi, drawn where the
    /// reference renderer draws it: its objects, its drawing and the page's resources.
    private static func logo(_ campaign: Campaign, box: LetterBox?)
        throws(LetterError) -> (objects: [(Int, [UInt8])], content: [UInt8], xObjects: String) {
        guard let url = campaign.sender.logo, let box else { return ([], [], "") }
        let picture = try SenderLogo(url: url).raster(for: box, pixelsPerPoint: 300.0 / 72.0)
        let image = FastPDFA.profileObject + 1
        let mask = image + 1
        let size = "/Width \(picture.width) /Height \(picture.height) /BitsPerComponent 8 "
        let objects = [
            (image, FastPDF.stream(number: image, try Flate.compress(picture.rgb),
                                   extra: "/Type /XObject /Subtype /Image \(size)/ColorSpace /DeviceRGB "
                                       + "/SMask \(mask) 0 R /Filter /FlateDecode ")),
            (mask, FastPDF.stream(number: mask, try Flate.compress(picture.alpha),
                                  extra: "/Type /XObject /Subtype /Image \(size)/ColorSpace /DeviceGray "
                                      + "/Filter /FlateDecode ")),
        ]
        var content: [UInt8] = []
        FastPDF.append("q ", to: &content)
        for value in [box.width, 0, 0, box.height, box.x, LetterPage.height - box.maxY] {
            FastPDF.append(value, to: &content)
            content.append(0x20)
        }
        FastPDF.append("cm /Im1 Do Q\n", to: &content)
        return (objects, content, " /XObject << /Im1 \(image) 0 R >>")
    }
}
