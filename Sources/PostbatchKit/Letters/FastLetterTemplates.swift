internal import Crypto

/// Every letter's fixed parts, laid out, shaped and serialised once per run.
///
/// For each group, language and channel the templates hold the PDF's first bytes:
/// header, catalog, page, the page content that is the same in every letter
/// (sender, return line, body, footer, fold marks), the two embedded fonts and
/// the sRGB ICC profile of the PDF/A-2b output intent.
/// ``FastLetterRenderer`` appends only the personal parts to them.
///
/// The layout comes from the reference ``LetterRenderer`` itself (same fonts,
/// sizes, breaks and positions); the glyphs are read from pango's glyph runs.
/// DejaVu Sans and DejaVu Sans Bold are embedded as CIDFontType2 subsets made with
/// HarfBuzz, renumbered without gaps (the subset's glyph ids are the CIDs), with `/W`
/// widths and a ToUnicode map. The
/// regular face also holds the repertoire of names and addresses: Basic Latin,
/// Latin-1, Latin Extended-A and common punctuation.
///
/// The value is immutable and `Sendable`: compile it once and share it between
/// workers, each with its own ``FastLetterRenderer``.
package struct FastLetterTemplates: Sendable {
    /// What the fixed parts depend on.
    typealias Key = TemplateVariant

    /// One compiled template: a class, so that handing it to each letter retains it once
    /// rather than each of its two dozen arrays and strings.
    final class Compiled: Sendable {
        /// The content it was compiled from; a letter must match it outside the personal parts.
        let fixed: LetterContent
        /// The blocks of ``fixed``: a block of a letter that is not among them holds personal values.
        let fixedBlocks: Set<LetterBlock>
        /// Header and objects 1–4, 6–15 and 18 (the ICC profile), 19–20 (the logo and its
        /// soft mask) when the campaign has a logo, then the structure tree: the streams as
        /// objects, the dictionaries packed in one object stream (``FastPDFXref``).
        let prefix: [UInt8]
        /// Where each object of ``prefix`` is (5, 16 and 17 are written per letter).
        let xref: FastPDFXref
        /// SHA-256 of ``prefix``, part of the document `/ID`.
        let digest: [UInt8]
        /// The structure tags the personal parts open, in order: their MCIDs come first.
        let personalTags: [StructureTag]
        /// The page (object 3) of a letter that uses the extension font, which is `/F3`.
        let extensionPage: [UInt8]
        /// The extension font's objects, numbered from `xref.entries.count`, for the letters that use it.
        let extensionObjects: [[UInt8]]
        /// Font glyph id to subset glyph id per face, with this template's bold subset.
        let subsetGlyphs: GlyphTable<UInt32>
        /// Advance widths in 1/1000 em per face and subset glyph, with this template's bold subset.
        let advances: GlyphTable<GlyphAdvance>
        /// What a letter whose body is not the compiled one starts with (``LetterPrefix``).
        let letterPrefix: LetterPrefix
        /// Whether the compiled page is the whole letter; if not, every letter is written whole.
        let onePage: Bool

        init(fixed: LetterContent, fixedBlocks: Set<LetterBlock>, prefix: [UInt8], xref: FastPDFXref, digest: [UInt8],
             personalTags: [StructureTag], extensionPage: [UInt8], extensionObjects: [[UInt8]],
             subsetGlyphs: GlyphTable<UInt32>, advances: GlyphTable<GlyphAdvance>, letterPrefix: LetterPrefix,
             onePage: Bool) {
            self.fixed = fixed
            self.fixedBlocks = fixedBlocks
            self.prefix = prefix
            self.xref = xref
            self.digest = digest
            self.personalTags = personalTags
            self.extensionPage = extensionPage
            self.extensionObjects = extensionObjects
            self.subsetGlyphs = subsetGlyphs
            self.advances = advances
            self.letterPrefix = letterPrefix
            self.onePage = onePage
        }

        /// The template's group, language, channel and destination.
        var key: Key {
            Key(group: fixed.group, language: fixed.language, channel: fixed.channel, abroad: fixed.abroad)
        }
    }

    /// The start of a letter that is written whole (a body with personal blocks, or more
    /// than one page): header, fonts, ICC profile and logo, the font dictionaries in an
    /// object stream; the letter's pages, content and structure tree follow per letter.
    struct LetterPrefix: Sendable {
        let prefix: [UInt8]
        let xref: FastPDFXref
        /// SHA-256 of ``prefix``, part of the document `/ID`.
        let digest: [UInt8]
        /// The extension font's objects, numbered from `xref.entries.count`.
        let extensionObjects: [[UInt8]]
        /// The first object number free for the letter's own objects.
        let firstFree: Int
        /// The logo's drawing (an artifact on page 1) and the page resources that name it.
        let logoContent: [UInt8]
        let xObjects: String
    }

    let compiled: [Key: Compiled]
    /// Whether page content is Flate-compressed: the fixed content here, and (with
    /// ``compressPersonalContent``) the content ``FastLetterRenderer`` writes per letter.
    let compressContent: Bool
    /// Whether the content written per letter is compressed too.
    let compressPersonalContent: Bool
    /// Every body block of the compiled templates; a letter with another block is written whole.
    let blocks: Set<LetterBlock>
    /// Subset glyphs a personal part may use, per face: kept in the subset and in the ToUnicode map.
    let personalGlyphs: GlyphTable<Bool>
    /// The subset glyph id (the PDF's CID) of each font glyph id pango may give, per face.
    let subsetGlyphs: GlyphTable<UInt32>
    /// Advance widths in 1/1000 em, per face and subset glyph.
    let advances: GlyphTable<GlyphAdvance>

    /// The characters every name and address may use without a fallback.
    static let repertoire: [UInt32] = {
        var scalars = Array(UInt32(0x20)...0x7E) + Array(UInt32(0xA0)...0x17F)
        scalars += [0x2010, 0x2011, 0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E,
                    0x2022, 0x2026, 0x2032, 0x2033, 0x20AC, 0x2122, 0x0218, 0x0219, 0x021A, 0x021B]
        return scalars
    }()

    /// Compiles the fixed parts of every group, language and channel.
    ///
    /// - Parameters:
    ///   - composer: the composer the letters come from; its templates and campaign
    ///     give the fixed text.
    ///   - compressFixedContent: Flate-compress the page content, fixed and personal (off:
    ///     none is compressed).
    ///   - compressPersonalContent: Flate-compress the content written per letter too (off by
    ///     default). Its few hundred bytes per piece cost zlib more time than they save bytes
    ///     (each piece is a block with its own Huffman trees): plain, a static letter is 224
    ///     bytes bigger and a fifth faster to make. In containers, a letter's own deflated
    ///     bytes are noise to LZMA as well (both measured in `docs/performance.md`).
    ///   - iccProfile: a file with the sRGB ICC profile embedded as the PDF/A output
    ///     intent, read once; nil (the default) for the built-in ``SRGBProfile``.
    /// - Throws: ``LetterError`` with code `letter_pdf` if pango, HarfBuzz or zlib fail,
    ///   or if a named ICC profile is missing or not an RGB profile (the error names the
    ///   file), or a template error from composing the
    ///   probe letters. A template the fast path cannot handle (more than one page, a
    ///   font other than DejaVu Sans) is not an error: its letters make
    ///   ``FastLetterRenderer/render(_:)`` return nil.
    package init(composer: LetterComposer, compressFixedContent: Bool = true, compressPersonalContent: Bool = false,
                iccProfile: String? = nil) throws(LetterError) {
        // PDF/A-2b needs the output intent: fail before any work when its profile is missing.
        let profileStream = try FastPDFA.profileStream(FastPDFA.loadProfile(at: iccProfile))
        let renderer = try LetterRenderer()
        let recorder = GlyphRecorder(collectFonts: true)
        let recorded = try Self.probe(composer, renderer: renderer, recorder: recorder)

        // One regular subset for the whole run, one bold subset per template.
        let regular = recorded.values.flatMap { record in record.glyphs.filter { $0.face == .regular } }
        let fonts = try Self.fonts(recorder, used: Set(regular.map(\.glyph)), layoutSize: Self.layoutSize(of: regular))
        let logo = try Self.logo(composer.campaign, box: recorder.logoBox)
        var compiled: [Key: Compiled] = [:]
        for (key, record) in recorded {
            compiled[key] = try Self.compile(record, key: key, fonts: fonts, recorder: recorder, logo: logo,
                                             profileStream: profileStream, compress: compressFixedContent,
                                             renderer: renderer)
        }
        self.compiled = compiled
        compressContent = compressFixedContent
        self.compressPersonalContent = compressFixedContent && compressPersonalContent
        blocks = Set(compiled.values.flatMap(\.fixed.blocks))
        // Personal parts are regular: their glyphs are the run's regular and extension subsets'.
        self.personalGlyphs = GlyphTable(fonts.toUnicode.mapValues { $0.mapValues { _ in true } })
        self.subsetGlyphs = GlyphTable(fonts.subsets.mapValues(\.subsetGlyphs))
        self.advances = GlyphTable(fonts.subsets.mapValues(\.advances))
    }

    /// What drawing a template's fixed parts recorded: its content, glyphs, lines and tags.
    struct Recording {
        let content: LetterContent
        let glyphs: [PlacedGlyph]
        let lines: [StrokedLine]
        let marks: [StructureMark]
        let onePage: Bool
    }

    /// Draws a probe letter of every group, language and channel onto `recorder`, which
    /// collects the text and fonts of all; templates drawn with unusual text are left out.
    private static func probe(_ composer: LetterComposer, renderer: LetterRenderer,
                              recorder: GlyphRecorder) throws(LetterError) -> [Key: Recording] {
        guard case .success(let cpr) = CPR.parse(Array("0707077077".utf8)) else {
            throw LetterError(code: .pdf, file: "letter", detail: "the probe CPR number does not parse")
        }
        var recorded: [Key: Recording] = [:]
        for variant in TemplateVariant.all {
            let address = variant.abroad
                ? PostalAddress(street: "Probe 1", postalCode: "10115", city: "Berlin", countryCode: "DE")
                : PostalAddress(street: "Probe 1", postalCode: "1000", city: "By", countryCode: "DK")
            let recipient = Recipient(cpr: cpr, name: "Probe", coName: nil, address: address, addressProtected: false,
                                      language: variant.language)
            let letter = Letter(sequence: 0, line: 0, recipient: recipient, group: variant.group,
                                channel: variant.channel, date: composer.campaign.firstDay)
            let content = try composer.compose(letter)
            let before = (recorder.glyphs.count, recorder.lines.count, recorder.marks.count)
            let pages = try renderer.drawFixedParts(content, on: recorder)
            // Keep the collected text and fonts of an unusual template, drop only its flag.
            guard !recorder.unusual else { recorder.clearUnusual(); continue }
            let marks = recorder.marks[before.2...].map {
                StructureMark(tag: $0.tag, opens: $0.opens, glyph: $0.glyph - before.0)
            }
            recorded[variant] = Recording(content: content, glyphs: Array(recorder.glyphs[before.0...]),
                                          lines: Array(recorder.lines[before.1...]), marks: marks,
                                          onePage: pages == 1)
        }
        return recorded
    }

    /// One template compiled: its tagged fixed page, fonts, profile and logo as PDF objects.
    private static func compile(_ record: Recording, key: Key, fonts: Fonts, recorder: GlyphRecorder,
                                logo: (objects: [(Int, [UInt8])], content: [UInt8], xObjects: String),
                                profileStream: [UInt8], compress: Bool,
                                renderer: LetterRenderer) throws(LetterError) -> Compiled {
        let (keyFonts, fontObjects) = try fonts.bold(recorder, used: record.glyphs.filter { $0.face == .bold })
        let subsetGlyphs = GlyphTable(keyFonts.subsets.mapValues(\.subsetGlyphs))
        let advances = GlyphTable(keyFonts.subsets.mapValues(\.advances))
        // Tagged: the personal parts (stream 5, first in reading order), then the fixed parts.
        let structureFirst = FastPDFA.profileObject + 1 + logo.objects.count
        let tagged = Self.tagged(record.content, glyphs: record.glyphs.map { $0.inSubset(subsetGlyphs) },
                                 lines: record.lines, marks: record.marks, logo: logo.content,
                                 advances: advances, first: structureFirst,
                                 renderer: renderer)
        let stream = compress
            ? FastPDF.stream(number: 4, try Flate.compress(tagged.content), extra: "/Filter /FlateDecode ")
            : FastPDF.stream(number: 4, tagged.content)
        var prefix: [UInt8] = Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var objects: [(Int, [UInt8])] = [
            (1, Array(("1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Metadata \(FastPDFA.metadataObject) 0 R "
                       + "\(FastPDFA.outputIntents) /StructTreeRoot \(structureFirst) 0 R "
                       + "\(LetterStructure.catalogEntries(language: key.language))>>\nendobj\n").utf8)),
            (2, Array("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n".utf8)),
            (3, Self.page(xObjects: logo.xObjects, extensionFont: nil)),
            (4, stream),
        ]
        for (index, object) in fontObjects.enumerated() { objects.append((6 + index, object)) }
        objects.append((FastPDFA.profileObject, profileStream))
        objects += logo.objects
        objects += tagged.objects
        let xref = try FastPDFXref(objects: objects, objectStream: structureFirst + tagged.objects.count,
                                   appendingTo: &prefix)
        let extensionFirst = xref.entries.count
        let letterPrefix = try Self.letterPrefix(fonts: fonts, objects: fontObjects, profile: profileStream,
                                                 logo: (logo.objects, logo.content, logo.xObjects))
        return Compiled(fixed: record.content, fixedBlocks: Set(record.content.blocks), prefix: prefix,
                        xref: xref, digest: Array(SHA256.hash(data: prefix)), personalTags: tagged.personalTags,
                        extensionPage: Self.page(xObjects: logo.xObjects, extensionFont: extensionFirst),
                        extensionObjects: try fonts.objects(.regularExtension, first: extensionFirst),
                        subsetGlyphs: subsetGlyphs, advances: advances,
                        letterPrefix: letterPrefix, onePage: record.onePage)
    }

    /// The page object: A4, the fonts (and the extension font, when given its first object
    /// number), the logo, the personal content first, the structure's parent tree key 0.
    static func page(xObjects: String, extensionFont: Int?) -> [UInt8] {
        let extensionFont = extensionFont.map { " /F3 \($0) 0 R" } ?? ""
        return Array(("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.276 841.89] "
                      + "/Resources << /Font << /F1 6 0 R /F2 11 0 R\(extensionFont) >>\(xObjects) >> "
                      + "/Contents [5 0 R 4 0 R] /StructParents 0 >>\nendobj\n").utf8)
    }

    /// The compiled template for a letter, if the letter's fixed parts are the template's.
    ///
    /// - Parameter sameBody: the letter's body must be the compiled one too; false for a
    ///   letter written whole (``LetterPrefix``).
    func template(for content: LetterContent, sameBody: Bool = true) -> Compiled? {
        guard let template = compiled[Key(group: content.group, language: content.language, channel: content.channel,
                                          abroad: content.abroad)]
        else { return nil }
        let fixed = template.fixed
        guard content.title == fixed.title, content.senderName == fixed.senderName,
              content.senderAddressLines == fixed.senderAddressLines, content.senderContact == fixed.senderContact,
              !sameBody || (template.onePage && content.blocks == fixed.blocks), content.senderLogo == fixed.senderLogo,
              content.returnLine == fixed.returnLine
        else { return nil }
        return template
    }
}
