internal import Crypto

/// Renders letters fast from compiled templates: only the personal parts are shaped.
///
/// What letters share (fonts, ICC profile, logo, and every body block of the compiled
/// templates, shaped and broken into lines) comes from ``FastLetterTemplates``. Per
/// letter the renderer lays out the recipient block (wrapped and shrunk into the envelope
/// window exactly as ``LetterRenderer`` does, with the same pango code), the date, and
/// every body block the templates do not hold: a block with a personal value, such as
/// `Kære {{name}},`, is shaped and broken for this letter with the reference renderer's
/// own layout. All blocks are then placed with the reference's ``BodyPlacement``, so
/// what follows a personal block moves down the page, and onto the next page, exactly
/// as in the reference renderer.
///
/// Each page has two content streams: the page's shared parts (furniture and the static
/// blocks' lines), compressed once for each place they fall and kept, and the personal
/// parts, written per letter. The renderer appends the Info dictionary, the XMP metadata
/// (PDF/A-2b), cross-reference table and trailer. The same content always gives the
/// same bytes; the document `/ID` is a hash of them.
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
    private let layout: LetterRenderer
    private let recorder = GlyphRecorder(collectFonts: false)
    /// The shared content of pages made so far, by template, page and where its static lines fall.
    private var pages: [PageKey: PageStream] = [:]
    /// More distinct pages than the letters of a campaign make: the cache is emptied past it.
    private static let pageLimit = 1024
    /// The last letter's static blocks by template: a block of the same composed body is
    /// found here by identity, without hashing its text.
    private var recent: [FastLetterTemplates.Key: [(block: LetterBlock, part: BodyPart)]] = [:]
    /// The personal glyphs of each page of the letter being made.
    private var personal: [[PlacedGlyph]] = []
    private var scratch: [UInt8] = []
    /// The Info dictionary's `/Creator` and the XMP's `xmp:CreatorTool`.
    static let creator = "postbatch"
    /// The Info dictionary's `/Producer` and the XMP's `pdf:Producer`.
    static let producer = "postbatch fast path"

    /// The shared content of one page: its template, number, the letter's page count, and
    /// where each static line falls.
    private struct PageKey: Hashable {
        let key: FastLetterTemplates.Key
        let page: Int
        let count: Int
        let lines: [StaticLine]
    }

    /// A line of a static block (line -1: its bullet) at its place.
    private struct StaticLine: Hashable {
        let block: Int
        let line: Int
        let x: Double
        let baseline: Double
    }

    /// A page's shared content stream.
    private struct PageStream {
        let data: [UInt8]
        let digest: [UInt8]
    }

    /// A body block of the letter: shaped at compile (with its id) or for this letter.
    private struct BodyPart {
        let shaped: ShapedBlock
        let id: Int?
    }

    /// Creates a renderer that shares compiled templates.
    ///
    /// - Throws: ``LetterError`` with code `letter_pdf` if pango cannot make a context.
    package init(templates: FastLetterTemplates) throws(LetterError) {
        self.templates = templates
        self.layout = try LetterRenderer()
        scratch.reserveCapacity(4096)
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
    /// - Returns: an A4 PDF that rasterises like ``LetterRenderer/render(_:)``'s, page
    ///   for page, or nil when the letter needs the reference renderer: a character
    ///   outside the embedded subsets (for example CJK) in the recipient block or a
    ///   personal block, a recipient block that must be cut with an ellipsis, or a
    ///   sender, title or logo other than the compiled ones. Render those with
    ///   ``LetterRenderer``.
    /// - Throws: ``LetterError`` `letter_pdf` when zlib fails on a page's shared content.
    package func render(_ content: LetterContent) throws(LetterError) -> [UInt8]? {
        guard let key = templates.key(for: content), let body = shapeBody(content.blocks, key: key) else {
            return nil
        }
        let placement = BodyPlacement(blocks: content.blocks, metrics: body.map(\.shaped.metrics))
        guard placePersonal(content, body: body, placement: placement) else { return nil }
        var streams: [PageStream] = []
        for page in 0..<placement.pageCount {
            guard let stream = try pageStream(key: key, page: page, body: body, placement: placement) else {
                return nil
            }
            streams.append(stream)
        }
        return assemble(content, pages: streams)
    }

    // MARK: - Layout

    /// Each block's lines: the compiled shape of a static block, or the block shaped now;
    /// nil when pango needs a font other than DejaVu Sans.
    private func shapeBody(_ blocks: [LetterBlock], key: FastLetterTemplates.Key) -> [BodyPart]? {
        let previous = recent[key] ?? []
        var parts: [BodyPart] = []
        parts.reserveCapacity(blocks.count)
        for (index, block) in blocks.enumerated() {
            // Blocks of a shared body are the same strings as last time: compared in O(1).
            if index < previous.count, previous[index].part.id != nil, previous[index].block == block {
                parts.append(previous[index].part)
            } else if let known = templates.blocks[block] {
                parts.append(BodyPart(shaped: known.shaped, id: known.id))
            } else {
                recorder.reset()
                let shaped = layout.shapeBlock(block, on: recorder, words: templates.wordShaping)
                guard !recorder.unusual else { return nil }
                parts.append(BodyPart(shaped: shaped, id: nil))
            }
        }
        recent[key] = Array(zip(blocks, parts))
        return parts
    }

    /// Collects each page's personal glyphs: the recipient block and the date on page 1,
    /// and the lines of the blocks shaped for this letter. False when one is outside the
    /// embedded subsets or the recipient block had to be cut.
    private func placePersonal(_ content: LetterContent, body: [BodyPart], placement: BodyPlacement) -> Bool {
        while personal.count < placement.pageCount { personal.append([]) }
        for page in personal.indices { personal[page].removeAll(keepingCapacity: true) }
        recorder.reset()
        layout.drawPersonalParts(content, on: recorder)
        guard !recorder.unusual, !recorder.ellipsized else { return false }
        personal[0].append(contentsOf: recorder.glyphs)
        for line in placement.lines where body[line.block].id == nil {
            body[line.block].shaped.glyphs(line: line.line, x: line.x, baseline: line.baseline,
                                           into: &personal[line.page])
        }
        for bullet in placement.bullets where body[bullet.block].id == nil {
            ShapedBlock.place(templates.bullet, x: bullet.x, baseline: bullet.baseline, into: &personal[bullet.page])
        }
        return personal[0..<placement.pageCount].allSatisfy { embedded($0) }
    }

    /// Whether the subsets hold every glyph.
    private func embedded(_ glyphs: [PlacedGlyph]) -> Bool {
        glyphs.allSatisfy { templates.personalGlyphs[$0.face]?.contains($0.glyph) == true }
    }

    /// The shared content of a page: furniture and static lines, made and compressed the
    /// first time they fall in these places. Nil when a glyph is outside the subsets.
    private func pageStream(key: FastLetterTemplates.Key, page: Int, body: [BodyPart],
                            placement: BodyPlacement) throws(LetterError) -> PageStream? {
        var lines: [StaticLine] = []
        for line in placement.lines where line.page == page {
            if let id = body[line.block].id {
                lines.append(StaticLine(block: id, line: line.line, x: line.x, baseline: line.baseline))
            }
        }
        for bullet in placement.bullets where bullet.page == page {
            if let id = body[bullet.block].id {
                lines.append(StaticLine(block: id, line: -1, x: bullet.x, baseline: bullet.baseline))
            }
        }
        let pageKey = PageKey(key: key, page: page, count: placement.pageCount, lines: lines)
        if let stream = pages[pageKey] { return stream }
        guard let fixed = templates.fixed[key] else { return nil }
        recorder.reset()
        try layout.drawFurniture(fixed, page: page, of: placement.pageCount, on: recorder)
        var glyphs = recorder.glyphs
        for line in placement.lines where line.page == page && body[line.block].id != nil {
            body[line.block].shaped.glyphs(line: line.line, x: line.x, baseline: line.baseline, into: &glyphs)
        }
        for bullet in placement.bullets where bullet.page == page && body[bullet.block].id != nil {
            ShapedBlock.place(templates.bullet, x: bullet.x, baseline: bullet.baseline, into: &glyphs)
        }
        guard !recorder.unusual, embedded(glyphs) else { return nil }
        var data = page == 0 ? templates.logoContent : []
        FastPDF.content(glyphs: glyphs, lines: recorder.lines, advances: templates.advances, into: &data)
        if templates.compressContent { data = try Flate.compress(data) }
        let stream = PageStream(data: data, digest: Array(SHA256.hash(data: data)))
        if pages.count >= Self.pageLimit { pages.removeAll(keepingCapacity: true) }
        pages[pageKey] = stream
        return stream
    }

    // MARK: - Writing

    /// Object numbers of a page: the page, its shared and its personal content. Page 1 has
    /// 3, 4 and 5; later pages follow the templates' objects.
    private func objectNumbers(_ page: Int) -> (page: Int, shared: Int, personal: Int) {
        guard page > 0 else { return (3, 4, 5) }
        let first = templates.offsets.count + 3 * (page - 1)
        return (first, first + 1, first + 2)
    }

    /// The whole PDF: the templates' prefix, catalog, pages, Info, XMP, xref and trailer.
    private func assemble(_ content: LetterContent, pages streams: [PageStream]) -> [UInt8] {
        var pdf = templates.prefix
        pdf.reserveCapacity(pdf.count + streams.reduce(0) { $0 + $1.data.count } + 6144)
        var offsets = templates.offsets + [Int](repeating: 0, count: 3 * (streams.count - 1))
        var id = IdentityHash(templates.digest, from: pdf.count)
        offsets[1] = pdf.count
        FastPDF.append("1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Metadata \(FastPDFA.metadataObject) 0 R "
                       + "\(FastPDFA.outputIntents) >>\nendobj\n", to: &pdf)
        offsets[2] = pdf.count
        let kids = streams.indices.map { "\(objectNumbers($0).page) 0 R" }.joined(separator: " ")
        FastPDF.append("2 0 obj\n<< /Type /Pages /Kids [\(kids)] /Count \(streams.count) >>\nendobj\n", to: &pdf)
        for (page, stream) in streams.enumerated() {
            let numbers = objectNumbers(page)
            offsets[numbers.page] = pdf.count
            FastPDF.append("\(numbers.page) 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.276 841.89] "
                           + "/Resources << /Font << /F1 6 0 R /F2 11 0 R >>\(templates.xObjects) >> "
                           + "/Contents [\(numbers.shared) 0 R \(numbers.personal) 0 R] >>\nendobj\n", to: &pdf)
            offsets[numbers.shared] = pdf.count
            FastPDF.append("\(numbers.shared) 0 obj\n<< \(templates.compressContent ? "/Filter /FlateDecode " : "")"
                           + "/Length \(stream.data.count) >>\nstream\n", to: &pdf)
            id.update(&pdf, shared: stream)
            FastPDF.append("\nendstream\nendobj\n", to: &pdf)
            offsets[numbers.personal] = pdf.count
            scratch.removeAll(keepingCapacity: true)
            FastPDF.content(glyphs: personal[page], lines: [], advances: templates.advances, into: &scratch)
            pdf += FastPDF.stream(number: numbers.personal, scratch)
        }
        appendMetadata(content, to: &pdf, offsets: &offsets)
        let digest = id.finalize(pdf)
        appendTrailer(to: &pdf, offsets: offsets, id: digest)
        return pdf
    }

    /// The Info dictionary (object 16) and, for PDF/A-2b, the XMP packet saying the same (17).
    private func appendMetadata(_ content: LetterContent, to pdf: inout [UInt8], offsets: inout [Int]) {
        offsets[16] = pdf.count
        let date = "D:\(content.date.iso.filter(\.isNumber))000000Z"
        FastPDF.append("16 0 obj\n<< /Title ", to: &pdf)
        FastPDF.appendTextString(content.title, to: &pdf)
        FastPDF.append(" /Author ", to: &pdf)
        FastPDF.appendTextString(content.senderName, to: &pdf)
        FastPDF.append(" /Subject ", to: &pdf)
        FastPDF.appendTextString(content.subject, to: &pdf)
        FastPDF.append(" /Creator (\(Self.creator)) /Producer (\(Self.producer)) /CreationDate (\(date)) "
                       + "/ModDate (\(date)) >>\nendobj\n", to: &pdf)
        offsets[FastPDFA.metadataObject] = pdf.count
        FastPDFA.appendMetadata(title: content.title, author: content.senderName, subject: content.subject,
                                date: content.date.iso, creator: Self.creator, producer: Self.producer, to: &pdf)
    }

    /// The cross-reference table and the trailer with the document ID.
    private func appendTrailer(to pdf: inout [UInt8], offsets: [Int], id: [UInt8]) {
        let xref = pdf.count
        FastPDF.append("xref\n0 \(offsets.count)\n0000000000 65535 f \n", to: &pdf)
        for number in 1..<offsets.count {
            FastPDF.append(DecimalText.padded(offsets[number], width: 10) + " 00000 n \n", to: &pdf)
        }
        FastPDF.append("trailer\n<< /Size \(offsets.count) /Root 1 0 R /Info 16 0 R /ID [<", to: &pdf)
        FastPDF.appendHex(id, to: &pdf)
        FastPDF.append("> <", to: &pdf)
        FastPDF.appendHex(id, to: &pdf)
        FastPDF.append("> ] >>\nstartxref\n\(xref)\n%%EOF\n", to: &pdf)
    }

    /// The document ID: a hash of the letter's bytes, where shared parts count by their digests.
    private struct IdentityHash {
        private var hash = SHA256()
        private var hashed: Int

        /// Starts from the digest of the bytes before `start` (the templates' prefix).
        init(_ digest: [UInt8], from start: Int) {
            hash.update(data: digest)
            hashed = start
        }

        /// Appends a shared stream's data, hashing what came before it and the stream's digest.
        mutating func update(_ pdf: inout [UInt8], shared stream: PageStream) {
            hashTail(pdf)
            hash.update(data: stream.digest)
            pdf += stream.data
            hashed = pdf.count
        }

        /// The first 16 bytes of the hash of everything up to the end of `pdf`.
        mutating func finalize(_ pdf: [UInt8]) -> [UInt8] {
            hashTail(pdf)
            return Array(hash.finalize().prefix(16))
        }

        private mutating func hashTail(_ pdf: [UInt8]) {
            let start = hashed
            pdf.withUnsafeBufferPointer {
                hash.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0[start...])))
            }
            hashed = pdf.count
        }
    }
}

// MARK: - Not Sendable

/// A fast renderer lays out the personal parts with its own pango context:
/// make one per worker and share its ``FastLetterTemplates`` instead.
@available(*, unavailable)
extension FastLetterRenderer: Sendable {}
