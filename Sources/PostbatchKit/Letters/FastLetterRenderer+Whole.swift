/// Letters the compiled page does not fit: a body with personal blocks (such as
/// `Kære {{name}},`) or other blocks than the template's, and letters of more than one page.
///
/// Such a letter is written piece by piece, as the reference renderer draws it (the same
/// ``BodyPlacement``, page breaks, tags and drawing order), into one tagged content stream
/// per page with a structure tree of its own (``LetterStructure``, MCIDs per page), after
/// the template's fonts, ICC profile and logo (``FastLetterTemplates/LetterPrefix``).
///
/// What recurs is made once per worker and kept in ``PagePieces``: each body block shaped
/// and broken into lines, each run of a block's lines where it lands on a page as content
/// and as a compressed piece, and the page's fixed parts (fold marks, sender, footer).
/// Per letter only the personal parts (recipient block, date, blocks with personal values)
/// are shaped, written and compressed; the page's stream is the pieces joined
/// (``FlateJoiner``).
extension FastLetterRenderer {
    /// The letter written whole, or nil when a glyph is outside the template's subsets,
    /// pango needed another font or the recipient block had to be cut.
    func renderWhole(_ content: LetterContent) throws(LetterError) -> [UInt8]? {
        guard let template = templates.template(for: content, sameBody: false) else { return nil }
        pieces.trim()
        var structure = LetterStructure()
        guard let pages = try pageContents(content, template: template, structure: &structure) else { return nil }
        let start = template.letterPrefix
        var pdf: [UInt8] = []
        // Room for the pages and the document's objects (a few KB a page), so that the
        // bytes are not copied as they grow.
        pdf.reserveCapacity(start.prefix.count + 8192 * pages.count + Self.finishCapacity)
        pdf += start.prefix
        var xref = start.xref
        let extensionFont = xref.entries.count
        let usesExtension = pages.contains(where: \.usesExtension)
        if usesExtension {
            for object in start.extensionObjects {
                xref.set(xref.entries.count, offset: pdf.count)
                pdf += object
            }
        }
        let pageNumbers = pages.indices.map { start.firstFree + 2 * $0 }
        for (index, page) in pages.enumerated() {
            xref.set(pageNumbers[index] + 1, offset: pdf.count)
            pdf += page.stream(number: pageNumbers[index] + 1)
        }
        // Letters laid out alike have the same catalog, pages and structure tree: packed once.
        let key = PagePieces.ObjectsKey(template: template.key, extensionFont: usesExtension, structure: structure)
        let packed: FastPDFXref.PackedObjects
        if let kept = pieces.objects[key] {
            packed = kept
        } else {
            let structureFirst = start.firstFree + 2 * pages.count
            var objects = Self.documentObjects(content, pages: pageNumbers, structureFirst: structureFirst,
                                               xObjects: start.xObjects,
                                               extensionFont: usesExtension ? extensionFont : nil)
            objects += structure.objects(first: structureFirst, pages: pageNumbers)
            packed = try FastPDFXref.pack(objects, objectStream: structureFirst + objects.count - pageNumbers.count - 2)
            pieces.objects[key] = packed
        }
        xref.append(packed, to: &pdf)
        return finish(content, pdf: pdf, xref: xref, prefixCount: start.prefix.count, digest: start.digest)
    }

    /// The content stream of each page, or nil when the fast path cannot write the letter.
    private func pageContents(_ content: LetterContent, template: FastLetterTemplates.Compiled,
                              structure: inout LetterStructure) throws(LetterError) -> [PageContent]? {
        let key = template.key
        guard let shapes = shapeIDs(content.blocks, template: template),
              let bullet = shapeID(PagePieces.bullet, template: template)
        else { return nil }
        let placement = BodyPlacement(blocks: content.blocks, metrics: shapes.map { pieces.shapes[$0].metrics })
        let recorder = wholeRecorder(template)
        recorder.reset()
        layout.drawPersonalParts(content, on: recorder)
        guard !recorder.unusual, !recorder.ellipsized, !recorder.missingGlyph else { return nil }

        var pages: [PageContent] = []
        for page in 0..<placement.pageCount {
            if page > 0 { structure.nextPage() }
            var out = PageContent(compress: compressContent)
            guard let prefix = try part(.prefix(key, firstPage: page == 0), template, content, &structure),
                  out.append(prefix) else { return nil }
            if page == 0 {
                let personal = segment(recorder.glyphs, marks: recorder.marks, template, &structure, fixed: false)
                guard out.append(personal),
                      let head = try part(.head(key, mcid: structure.nextMCID), template, content, &structure),
                      out.append(head)
                else { return nil }
            }
            let body = BodyPage(placement: placement, page: page, blocks: content.blocks, shapes: shapes, bullet: bullet)
            guard writeBody(body, template, &structure, into: &out),
                  let footer = try part(.footer(key, page: page, count: placement.pageCount), template, content,
                                        &structure),
                  out.append(footer)
            else { return nil }
            pages.append(out)
        }
        return pages
    }

    /// The shape of each block, shaped on first use; nil when a block needs the reference renderer.
    private func shapeIDs(_ blocks: [LetterBlock], template: FastLetterTemplates.Compiled) -> [Int]? {
        var ids: [Int] = []
        ids.reserveCapacity(blocks.count)
        // The blocks of the template's last letter: a block they share (the same storage,
        // which `==` finds without reading the text) has the same shape.
        let recent = pieces.recent[template.key]
        for (index, block) in blocks.enumerated() {
            if let recent, index < recent.blocks.count, recent.blocks[index] == block {
                pieces.uses[recent.ids[index]] += 1
                ids.append(recent.ids[index])
            } else {
                guard let id = shapeID(block, template: template) else { return nil }
                ids.append(id)
            }
        }
        pieces.recent[template.key] = (blocks, ids)
        return ids
    }

    /// The shape of a block, shaped on first use; nil when the block needs the reference renderer.
    private func shapeID(_ block: LetterBlock, template: FastLetterTemplates.Compiled) -> Int? {
        let key = PagePieces.ShapeKey(template: template.key, block: block)
        if let id = pieces.shapeIDs[key] {
            pieces.uses[id] += 1
            return id
        }
        let fixed = block == PagePieces.bullet || template.fixedBlocks.contains(block)
        // Word by word where the word shaper is exact, else with a pango layout.
        if wordShaperAgrees(template), let shaped = shapeByWords(block, template) {
            return pieces.add(shaped, key: key, fixed: fixed)
        }
        guard let shaped = shapeByLayout(block, template) else { return nil }
        return pieces.add(shaped, key: key, fixed: fixed)
    }

    /// A block set word by word (``PangoWordShaper``), or nil where the word shaper does not model it.
    private func shapeByWords(_ block: LetterBlock, _ template: FastLetterTemplates.Compiled) -> ShapedBlock? {
        layout.wordShaper(for: block)?.shape(block)?.inSubset(template.subsetGlyphs)
    }

    /// A block set by a pango layout, as the reference renderer sets it; nil when pango
    /// needed another font or a glyph is outside the template's subsets.
    private func shapeByLayout(_ block: LetterBlock, _ template: FastLetterTemplates.Compiled) -> ShapedBlock? {
        let recorder = wholeRecorder(template)
        recorder.reset()
        let shaped = layout.shapeBlock(block, on: recorder)
        guard !recorder.unusual, !recorder.ellipsized, !recorder.missingGlyph else { return nil }
        return shaped
    }

    /// Whether the word shaper sets every block of the template that it models exactly as
    /// a pango layout does: checked once per template and worker, before it sets any
    /// personal block; if one block differs, this worker sets the template's blocks with layouts.
    private func wordShaperAgrees(_ template: FastLetterTemplates.Compiled) -> Bool {
        if let agrees = pieces.wordShaperAgrees[template.key] { return agrees }
        let agrees = template.fixed.blocks.allSatisfy { block in
            guard let words = shapeByWords(block, template) else { return true }
            guard let pango = shapeByLayout(block, template) else { return false }
            return words.metrics == pango.metrics && words.lines == pango.lines
        }
        pieces.wordShaperAgrees[template.key] = agrees
        return agrees
    }

    // MARK: - The body

    /// A page of the body and the shapes of its blocks.
    private struct BodyPage {
        let placement: BodyPlacement
        let page: Int
        let blocks: [LetterBlock]
        let shapes: [Int]
        /// The shape of the bullet before a list item.
        let bullet: Int
    }

    /// Lines of one shape in one marked-content sequence, not written yet.
    private struct PendingLines {
        let shape: Int
        let first: Int
        var baselines: [Double]
        let x: Double
        let top: Double
    }

    /// Writes a page's body in the steps of ``BodyPlacement/walk(page:blocks:_:)``: the lines
    /// between two tags are one marked-content sequence, as ``FastPDF/taggedContent`` writes them.
    private func writeBody(_ body: BodyPage, _ template: FastLetterTemplates.Compiled,
                           _ structure: inout LetterStructure, into out: inout PageContent) -> Bool {
        var open: [(tag: StructureTag, mcid: Int?)] = []
        var pending: PendingLines?
        var written = true
        func flush() {
            guard let lines = pending else { return }
            pending = nil
            let leaf = open.last.flatMap { $0.tag == .artifact ? nil : $0 }
            guard let piece = bodySegment(lines, leaf: leaf, template) else { return }
            if !out.append(piece) { written = false }
        }
        body.placement.walk(page: body.page, blocks: body.blocks) { step in
            switch step {
            case .begin(let tag):
                flush()
                open.append((tag, structure.begin(tag)))
            case .end(let tag):
                flush()
                structure.end(tag)
                if !open.isEmpty { open.removeLast() }
            case .bullet(let bullet):
                flush()
                pending = PendingLines(shape: body.bullet, first: 0, baselines: [bullet.baseline], x: bullet.x,
                                       top: bullet.baseline)
            case .line(let line):
                let shape = body.shapes[line.block]
                if let lines = pending, lines.shape == shape, lines.first + lines.baselines.count == line.line,
                   lines.x == line.x, lines.top == line.top {
                    pending?.baselines.append(line.baseline)
                } else {
                    flush()
                    pending = PendingLines(shape: shape, first: line.line, baselines: [line.baseline], x: line.x,
                                           top: line.top)
                }
            }
        }
        flush()
        return written
    }

    /// The marked-content sequence of some lines of a block (nil when they have no glyphs):
    /// kept when the block has been seen before, made afresh for a block of this letter only.
    private func bodySegment(_ lines: PendingLines, leaf: (tag: StructureTag, mcid: Int?)?,
                             _ template: FastLetterTemplates.Compiled) -> PagePieces.Segment? {
        let key = PagePieces.SegmentKey(template: template.key, shape: lines.shape, first: lines.first,
                                        count: lines.baselines.count, x: lines.x, top: lines.top,
                                        tag: leaf?.tag, mcid: leaf?.mcid)
        if let kept = pieces.segments[key] { return kept }
        let shaped = pieces.shapes[lines.shape]
        var glyphs: [PlacedGlyph] = []
        for (offset, baseline) in lines.baselines.enumerated() {
            shaped.glyphs(line: lines.first + offset, x: lines.x, baseline: baseline, into: &glyphs)
        }
        guard !glyphs.isEmpty else { return nil }
        var plain: [UInt8] = []
        FastPDF.beginMarkedContent(leaf?.tag, mcid: leaf?.mcid, to: &plain)
        FastPDF.content(glyphs: glyphs, lines: [], advances: template.advances, into: &plain)
        FastPDF.append("EMC\n", to: &plain)
        let segment = makeSegment(plain, events: [], usesExtension: glyphs.contains { $0.face == .regularExtension },
                                  fixed: pieces.fixed[lines.shape])
        if pieces.uses[lines.shape] > 1 { pieces.segments[key] = segment }
        return segment
    }

    // MARK: - Recorded pieces

    /// Recorded glyphs and tags as tagged content (MCIDs from `structure`, which they join).
    private func segment(_ glyphs: [PlacedGlyph], marks: [StructureMark], _ template: FastLetterTemplates.Compiled,
                         _ structure: inout LetterStructure, fixed: Bool) -> PagePieces.Segment {
        var plain: [UInt8] = []
        FastPDF.taggedContent(glyphs: glyphs, lines: [], marks: marks, structure: &structure,
                              advances: template.advances, into: &plain)
        return makeSegment(plain, events: marks.map { PagePieces.Event(tag: $0.tag, opens: $0.opens) },
                           usesExtension: glyphs.contains { $0.face == .regularExtension }, fixed: fixed)
    }

    /// A page's fixed part, made on first use from the reference renderer's drawing; its
    /// tags join `structure`. Nil when the drawing is not the fast path's to write.
    private func part(_ key: PagePieces.PartKey, _ template: FastLetterTemplates.Compiled, _ content: LetterContent,
                      _ structure: inout LetterStructure) throws(LetterError) -> PagePieces.Segment? {
        if let kept = pieces.parts[key] {
            for event in kept.events {
                if event.opens { _ = structure.begin(event.tag) } else { structure.end(event.tag) }
            }
            return kept
        }
        let recorder = GlyphRecorder(collectFonts: false, subsetGlyphs: template.subsetGlyphs)
        let made: PagePieces.Segment
        switch key {
        case .prefix(_, let firstPage):
            // Fold marks (page 1), the footer rule and the logo: one artifact, first on the page.
            if firstPage { layout.drawHead(content, logo: try layout.logo(for: content), on: recorder) }
            layout.drawFooter(recorder, content, page: 0, of: 1)
            var plain: [UInt8] = []
            var scratch = LetterStructure()
            FastPDF.taggedContent(glyphs: [], lines: recorder.lines, marks: [],
                                  prefix: firstPage ? template.letterPrefix.logoContent : [], structure: &scratch,
                                  advances: template.advances, into: &plain)
            made = makeSegment(plain, events: [], usesExtension: false, fixed: true)
        case .head:
            layout.drawHead(content, logo: try layout.logo(for: content), on: recorder)
            made = segment(recorder.glyphs, marks: recorder.marks, template, &structure, fixed: true)
        case .footer(_, let page, let count):
            layout.drawFooter(recorder, content, page: page, of: count)
            made = segment(recorder.glyphs, marks: recorder.marks, template, &structure, fixed: true)
        }
        guard !recorder.unusual, !recorder.ellipsized, !recorder.missingGlyph else { return nil }
        pieces.parts[key] = made
        return made
    }

    /// A segment of content, compressed when the renderer compresses: smallest when it is
    /// the template's (``FastLetterRenderer/keptDeflater``), fastest when it is personal, or
    /// left plain in a compressed stream when personal content is not compressed.
    private func makeSegment(_ plain: [UInt8], events: [PagePieces.Event], usesExtension: Bool,
                             fixed: Bool) -> PagePieces.Segment {
        let deflated: DeflatedPiece?
        switch (compressContent, fixed, templates.compressPersonalContent) {
        case (false, _, _): deflated = nil
        case (true, true, _): deflated = keptDeflater.piece(plain)
        case (true, false, true): deflated = personalDeflater.piece(plain)
        case (true, false, false): deflated = PieceDeflater.stored(plain)
        }
        return PagePieces.Segment(plain: plain, deflated: deflated, usesExtension: usesExtension, events: events)
    }

    /// The catalog, the page tree and the pages of a letter written whole.
    private static func documentObjects(_ content: LetterContent, pages: [Int], structureFirst: Int,
                                        xObjects: String, extensionFont: Int?) -> [(Int, [UInt8])] {
        let kids = pages.map { "\($0) 0 R" }.joined(separator: " ")
        var objects: [(Int, [UInt8])] = [
            (1, Array(("1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Metadata \(FastPDFA.metadataObject) 0 R "
                       + "\(FastPDFA.outputIntents) /StructTreeRoot \(structureFirst) 0 R "
                       + "\(LetterStructure.catalogEntries(language: content.language))>>\nendobj\n").utf8)),
            (2, Array("2 0 obj\n<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>\nendobj\n".utf8)),
        ]
        let fonts = "/F1 6 0 R /F2 11 0 R" + (extensionFont.map { " /F3 \($0) 0 R" } ?? "")
        for (index, page) in pages.enumerated() {
            objects.append((page, Array(("\(page) 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.276 841.89] "
                                         + "/Resources << /Font << \(fonts) >>\(xObjects) >> /Contents \(page + 1) 0 R "
                                         + "/StructParents \(index) >>\nendobj\n").utf8)))
        }
        return objects
    }
}

/// One page's content stream being written: segments joined, compressed or plain.
struct PageContent {
    private var joiner = FlateJoiner()
    private var plain: [UInt8] = []
    private let compress: Bool
    /// Whether a glyph of the extension font is on the page.
    private(set) var usesExtension = false

    init(compress: Bool) {
        self.compress = compress
    }

    /// Appends a segment; false when it should be compressed and could not be.
    mutating func append(_ segment: PagePieces.Segment) -> Bool {
        usesExtension = usesExtension || segment.usesExtension
        guard compress else {
            plain += segment.plain
            return true
        }
        guard let deflated = segment.deflated else { return false }
        joiner.append(deflated)
        return true
    }

    /// The page's content stream object.
    func stream(number: Int) -> [UInt8] {
        compress ? FastPDF.stream(number: number, joiner.finish(), extra: "/Filter /FlateDecode ")
            : FastPDF.stream(number: number, plain)
    }
}

/// What a fast renderer keeps between the letters it writes whole: shaped blocks, the
/// content of their lines where they land, and the fixed parts of pages.
///
/// Per worker, like its renderer. Shapes are numbered; when there are more than ``limit``,
/// the shapes of blocks with personal values (most are shaped once and never seen again)
/// and what was made of them are forgotten, and the template's blocks renumbered. What is
/// kept never changes a letter's bytes: a piece is compressed at the level of its kind,
/// whether it was kept or made afresh.
final class PagePieces {
    /// A block of a template: the glyph ids depend on the template's bold subset.
    struct ShapeKey: Hashable {
        let template: TemplateVariant
        let block: LetterBlock
    }

    /// Lines of a shape on a page, in a marked-content sequence of a tag and MCID.
    struct SegmentKey: Hashable {
        let template: TemplateVariant
        let shape: Int
        let first: Int
        let count: Int
        let x: Double
        let top: Double
        let tag: StructureTag?
        let mcid: Int?
    }

    /// A fixed part of a page: its first artifact, page 1's head, a footer.
    enum PartKey: Hashable {
        case prefix(TemplateVariant, firstPage: Bool)
        case head(TemplateVariant, mcid: Int)
        case footer(TemplateVariant, page: Int, count: Int)
    }

    /// What a letter's catalog, pages and structure tree depend on (the page count is the structure's).
    struct ObjectsKey: Hashable {
        let template: TemplateVariant
        let extensionFont: Bool
        let structure: LetterStructure
    }

    /// A tag a segment opens or closes, replayed into a letter's structure.
    struct Event {
        let tag: StructureTag
        let opens: Bool
    }

    /// Content for a page: plain, compressed as a piece, and the tags it holds.
    struct Segment {
        let plain: [UInt8]
        let deflated: DeflatedPiece?
        let usesExtension: Bool
        let events: [Event]
    }

    /// The bullet of a list item, shaped as a block.
    static let bullet = LetterBlock.paragraph([LetterRun("•")])
    /// How many shapes are kept, by default, before those of personal blocks are forgotten.
    static let defaultLimit = 2048
    /// How many shapes are kept before those of personal blocks are forgotten.
    let limit: Int

    private(set) var shapes: [ShapedBlock] = []
    var shapeIDs: [ShapeKey: Int] = [:]
    /// How many letters used each shape: a shape used once is a person's, not kept as content.
    var uses: [Int] = []
    /// Whether each shape is a block of the template (or the bullet), not one with personal values.
    private(set) var fixed: [Bool] = []
    var segments: [SegmentKey: Segment] = [:]
    var parts: [PartKey: Segment] = [:]
    /// Each template's last blocks and their shapes.
    var recent: [TemplateVariant: (blocks: [LetterBlock], ids: [Int])] = [:]
    /// Whether the word shaper sets each template's blocks as pango's layouts do.
    var wordShaperAgrees: [TemplateVariant: Bool] = [:]
    /// Catalog, pages and structure tree, packed in an object stream.
    var objects: [ObjectsKey: FastPDFXref.PackedObjects] = [:]

    init(limit: Int = PagePieces.defaultLimit) {
        self.limit = limit
    }

    /// Keeps a new shape; returns its number.
    func add(_ shape: ShapedBlock, key: ShapeKey, fixed: Bool) -> Int {
        shapes.append(shape)
        uses.append(1)
        self.fixed.append(fixed)
        shapeIDs[key] = shapes.count - 1
        return shapes.count - 1
    }

    /// Forgets the shapes of blocks with personal values, and what was made of them, when
    /// there are too many (between letters only); the template's blocks and their content
    /// stay, renumbered.
    func trim() {
        guard shapes.count > limit || segments.count > 4 * limit || objects.count > limit else { return }
        var renumbered: [Int: Int] = [:]
        var keptShapes: [ShapedBlock] = []
        var keptIDs: [ShapeKey: Int] = [:]
        for (key, id) in shapeIDs where fixed[id] {
            renumbered[id] = keptShapes.count
            keptIDs[key] = keptShapes.count
            keptShapes.append(shapes[id])
        }
        var keptSegments: [SegmentKey: Segment] = [:]
        for (key, segment) in segments {
            guard let shape = renumbered[key.shape] else { continue }
            keptSegments[SegmentKey(template: key.template, shape: shape, first: key.first, count: key.count, x: key.x,
                                    top: key.top, tag: key.tag, mcid: key.mcid)] = segment
        }
        shapes = keptShapes
        shapeIDs = keptIDs
        recent.removeAll()
        uses = Array(repeating: 2, count: keptShapes.count)
        fixed = Array(repeating: true, count: keptShapes.count)
        segments = keptSegments.count > 2 * limit ? [:] : keptSegments
        if objects.count > limit { objects.removeAll(keepingCapacity: true) }
    }
}
