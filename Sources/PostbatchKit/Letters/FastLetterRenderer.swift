internal import Crypto

/// Renders letters fast from compiled templates: only the personal parts are shaped.
///
/// The fixed parts of a letter (sender, body, footer, fonts) come as bytes from
/// ``FastLetterTemplates``; per letter the renderer lays out the recipient block
/// (wrapped and shrunk into the envelope window exactly as ``LetterRenderer`` does,
/// with the same pango code) and the date, writes them as a small tagged content stream
/// (the first of the page, as they are the first in reading order), and appends the Info
/// dictionary, the XMP metadata (PDF/A-2b), the extension font when a name needs it, and
/// the cross-reference stream (``FastPDFXref``). The same content always gives the same
/// bytes; the document `/ID` is a hash of them.
///
/// It is **not thread-safe**: like ``LetterRenderer`` it owns a pango context, so
/// make one per worker and share the ``FastLetterTemplates``:
///
/// ```swift
/// let templates = try FastLetterTemplates(composer: composer)   // once
/// let fast = FastLetterRenderer(templates: templates)           // per worker
/// let reference = try LetterRenderer()                          // per worker
/// let content = try composer.compose(letter)
/// let pdf = try fast.render(content) ?? reference.render(content)  // count the fallbacks
/// ```
package final class FastLetterRenderer {
    /// The compiled templates this renderer appends to.
    package let templates: FastLetterTemplates
    let layout: LetterRenderer
    private let recorder: GlyphRecorder
    private var personal: [UInt8] = []
    /// Info dictionaries and XMP packets made so far (``documentInformation(_:)``).
    private var information: [KeptInformation] = []
    /// What an Info dictionary and XMP packet say, and their bytes.
    private struct KeptInformation {
        let date: CalendarDate
        let group: LetterGroup
        let language: Language
        let title: String
        let sender: String
        let info: [UInt8]
        let metadata: [UInt8]
    }
    let deflater = Deflater()
    /// Compress the pieces of letters written whole: those of the template's own blocks and
    /// of the page's fixed parts once and smallest, the others fastest. Which is which
    /// depends on the template only, so a letter's bytes never depend on the letters before it.
    let keptDeflater = PieceDeflater.kept()
    let personalDeflater = PieceDeflater.personal()
    /// What letters written whole share (``renderWhole(_:)``).
    let pieces: PagePieces
    /// Whether page content is compressed (``FastLetterTemplates/compressContent``).
    var compressContent: Bool { templates.compressContent }
    /// A recorder per template for letters written whole: numbered as in its subsets.
    private var wholeRecorders: [FastLetterTemplates.Key: GlyphRecorder] = [:]
    /// The Info dictionary's `/Creator` and the XMP's `xmp:CreatorTool`.
    static let creator = "postbatch"
    /// The Info dictionary's `/Producer` and the XMP's `pdf:Producer`.
    static let producer = "postbatch fast path"

    /// Creates a renderer that shares compiled templates.
    ///
    /// - Throws: ``LetterError`` with code `letter_pdf` if pango cannot make a context.
    ///
    /// - Parameter pieceLimit: how many shaped blocks to keep before those with personal
    ///   values are forgotten (``PagePieces``).
    package init(templates: FastLetterTemplates, pieceLimit: Int = PagePieces.defaultLimit) throws(LetterError) {
        self.templates = templates
        pieces = PagePieces(limit: pieceLimit)
        self.layout = try LetterRenderer()
        recorder = GlyphRecorder(collectFonts: false, subsetGlyphs: templates.subsetGlyphs)
        personal.reserveCapacity(4096)
    }

    /// Compiles the templates of a composer and creates a renderer for them.
    ///
    /// - Throws: ``LetterError`` as ``FastLetterTemplates/init(composer:compressFixedContent:iccProfile:)``.
    package convenience init(composer: LetterComposer) throws(LetterError) {
        try self.init(templates: FastLetterTemplates(composer: composer))
    }

    /// Renders a letter as PDF bytes, or returns nil when the fast path cannot.
    ///
    /// - Parameter content: the content from ``LetterComposer/compose(_:redactProtectedAddress:)``.
    /// - Returns: an A4 PDF that rasterises like ``LetterRenderer/render(_:)``'s, page for
    ///   page, or nil when the letter needs the reference renderer: a character outside
    ///   the embedded subsets (for example CJK), a recipient block that must be cut with an
    ///   ellipsis, or a sender, title, logo or return line other than the compiled ones.
    ///   A letter whose body is the compiled one appends its personal parts to the compiled
    ///   page; any other body (personal blocks, more pages) is written whole
    ///   (``renderWhole(_:)``). Render the nil ones with ``LetterRenderer``.
    /// - Throws: ``LetterError`` `letter_pdf` when zlib fails or the logo cannot be read.
    package func render(_ content: LetterContent) throws(LetterError) -> [UInt8]? {
        guard let template = templates.template(for: content) else { return try renderWhole(content) }
        recorder.reset()
        layout.drawPersonalParts(content, on: recorder)
        guard !recorder.unusual, !recorder.ellipsized else { return nil }
        for glyph in recorder.glyphs where templates.personalGlyphs[glyph.face, glyph.glyph] != true {
            return nil
        }
        guard recorder.marks.lazy.filter(\.opens).map(\.tag).elementsEqual(template.personalTags) else { return nil }
        personal.removeAll(keepingCapacity: true)
        var structure = LetterStructure()
        FastPDF.taggedContent(glyphs: recorder.glyphs, lines: [], marks: recorder.marks, structure: &structure,
                              advances: templates.advances, into: &personal)

        var pdf = template.prefix
        pdf.reserveCapacity(pdf.count + personal.count + Self.finishCapacity)
        var xref = template.xref
        xref.set(5, offset: pdf.count)
        if templates.compressPersonalContent, let compressed = deflater.compress(personal) {
            pdf += FastPDF.stream(number: 5, compressed, extra: "/Filter /FlateDecode ")
        } else {
            pdf += FastPDF.stream(number: 5, personal)
        }
        // Rare characters of a name: the page that names the extension font, and the font.
        let extended = recorder.glyphs.contains(where: { $0.face == .regularExtension })
        return finish(content, pdf: pdf, xref: xref, prefixCount: template.prefix.count, digest: template.digest,
                      extensionPage: extended ? template.extensionPage : [],
                      extensionObjects: extended ? template.extensionObjects : [])
    }

    /// Room to leave in a letter's bytes for what ``finish`` appends (Info, XMP, cross-reference
    /// stream: about 1.6 KB), so that the bytes are not copied to grow.
    static let finishCapacity = 4096

    /// Appends the Info dictionary (16), the XMP metadata (17), the extension font's page and
    /// objects when given, and the cross-reference stream with the document `/ID`: a hash of
    /// the template's `digest` and every byte after its `prefixCount`.
    func finish(_ content: LetterContent, pdf written: consuming [UInt8], xref table: FastPDFXref, prefixCount: Int,
                digest: [UInt8], extensionPage: [UInt8] = [], extensionObjects: [[UInt8]] = []) -> [UInt8] {
        var pdf = written
        var xref = table
        let information = documentInformation(content)
        xref.set(16, offset: pdf.count)
        pdf += information.info
        xref.set(FastPDFA.metadataObject, offset: pdf.count)
        pdf += information.metadata

        if !extensionPage.isEmpty {
            xref.set(3, offset: pdf.count)
            pdf += extensionPage
            for object in extensionObjects {
                xref.set(xref.entries.count, offset: pdf.count)
                pdf += object
            }
        }

        var hash = SHA256()
        hash.update(data: digest)
        pdf.withUnsafeBufferPointer {
            hash.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0[prefixCount...])))
        }
        let id = Array(hash.finalize().prefix(16))

        xref.append(to: &pdf, root: 1, info: 16, id: id)
        return pdf
    }

    /// The Info dictionary (16) and the XMP metadata (17) of a letter, which say what its
    /// template says on its date (PDF/A-2b: the XMP says what the Info dictionary says): made
    /// once for the letters of a template and date, not per letter.
    func documentInformation(_ content: LetterContent) -> (info: [UInt8], metadata: [UInt8]) {
        if let kept = information.first(where: {
            $0.date == content.date && $0.group == content.group && $0.language == content.language
                && $0.title == content.title && $0.sender == content.senderName
        }) {
            return (kept.info, kept.metadata)
        }
        var info: [UInt8] = []
        FastPDFA.appendInfo(content, producer: Self.producer, number: 16, to: &info)
        var metadata: [UInt8] = []
        FastPDFA.appendMetadata(title: content.title, author: content.senderName, subject: content.subject,
                                date: content.date.iso, creator: Self.creator, producer: Self.producer,
                                to: &metadata)
        // A run has a few dates and ten templates; a title with a personal value would differ per letter.
        if information.count >= 64 { information.removeAll(keepingCapacity: true) }
        information.append(KeptInformation(date: content.date, group: content.group, language: content.language,
                                           title: content.title, sender: content.senderName, info: info,
                                           metadata: metadata))
        return (info, metadata)
    }

    /// The recorder of a template's letters written whole.
    func wholeRecorder(_ template: FastLetterTemplates.Compiled) -> GlyphRecorder {
        let key = template.key
        if let recorder = wholeRecorders[key] { return recorder }
        let recorder = GlyphRecorder(collectFonts: false, subsetGlyphs: template.subsetGlyphs)
        wholeRecorders[key] = recorder
        return recorder
    }
}

// MARK: - Not Sendable

/// A fast renderer lays out the personal parts with its own pango context:
/// make one per worker and share its ``FastLetterTemplates`` instead.
@available(*, unavailable)
extension FastLetterRenderer: Sendable {}
