internal import Crypto

/// Letters the compiled page does not fit: a body with personal blocks (such as
/// `Kære {{name}},`) or other blocks than the template's, and letters of more than one page.
///
/// The whole letter is drawn by the reference renderer's own drawing code
/// (``LetterRenderer/drawLetter(_:on:pageDone:)``: the same layout, ``BodyPlacement``, page
/// breaks and structure tags) into a ``GlyphRecorder`` that numbers glyphs as in the
/// template's subsets, and written as one tagged content stream per page with a structure
/// tree of its own (``LetterStructure``, MCIDs per page), after the template's fonts, ICC
/// profile and logo (``FastLetterTemplates/LetterPrefix``).
extension FastLetterRenderer {
    /// One recorded page: its glyphs, lines and tags.
    struct RecordedPage {
        let glyphs: [PlacedGlyph]
        let lines: [StrokedLine]
        let marks: [StructureMark]
    }

    /// The letter written whole, or nil when a glyph is outside the template's subsets,
    /// pango needed another font or the recipient block had to be cut.
    func renderWhole(_ content: LetterContent) throws(LetterError) -> [UInt8]? {
        guard let template = templates.template(for: content, sameBody: false) else { return nil }
        guard let pages = try record(content, template: template) else { return nil }
        let start = template.letterPrefix
        var pdf = start.prefix
        var xref = start.xref
        let extensionFont = xref.entries.count
        let usesExtension = pages.contains { $0.glyphs.contains { $0.face == .regularExtension } }
        if usesExtension {
            for object in start.extensionObjects {
                xref.set(xref.entries.count, offset: pdf.count)
                pdf += object
            }
        }
        let pageNumbers = pages.indices.map { start.firstFree + 2 * $0 }
        var structure = LetterStructure()
        for (index, page) in pages.enumerated() {
            if index > 0 { structure.nextPage() }
            wholeContent.removeAll(keepingCapacity: true)
            FastPDF.taggedContent(glyphs: page.glyphs, lines: page.lines, marks: page.marks,
                                  prefix: index == 0 ? start.logoContent : [], structure: &structure,
                                  advances: template.advances, into: &wholeContent)
            xref.set(pageNumbers[index] + 1, offset: pdf.count)
            if let compressed = deflater.compress(wholeContent) {
                pdf += FastPDF.stream(number: pageNumbers[index] + 1, compressed, extra: "/Filter /FlateDecode ")
            } else {
                pdf += FastPDF.stream(number: pageNumbers[index] + 1, wholeContent)
            }
        }
        let structureFirst = start.firstFree + 2 * pages.count
        var objects = Self.documentObjects(content, pages: pageNumbers, structureFirst: structureFirst,
                                           xObjects: start.xObjects, extensionFont: usesExtension ? extensionFont : nil)
        objects += structure.objects(first: structureFirst, pages: pageNumbers)
        try xref.append(objects: objects, objectStream: structureFirst + objects.count - pageNumbers.count - 2,
                        to: &pdf)
        return finish(content, pdf: pdf, xref: xref, prefixCount: start.prefix.count, digest: start.digest)
    }

    /// Draws the letter page by page into the template's recorder; nil when the fast path cannot write it.
    private func record(_ content: LetterContent,
                        template: FastLetterTemplates.Compiled) throws(LetterError) -> [RecordedPage]? {
        let recorder = wholeRecorder(template)
        recorder.reset()
        var pages: [RecordedPage] = []
        var start = (glyphs: 0, lines: 0, marks: 0)
        _ = try layout.drawLetter(content, on: recorder) { _ in
            let first = start.glyphs
            pages.append(RecordedPage(glyphs: Array(recorder.glyphs[first...]), lines: Array(recorder.lines[start.lines...]),
                                      marks: recorder.marks[start.marks...].map {
                                          StructureMark(tag: $0.tag, opens: $0.opens, glyph: $0.glyph - first)
                                      }))
            start = (recorder.glyphs.count, recorder.lines.count, recorder.marks.count)
        }
        guard !recorder.unusual, !recorder.ellipsized, !recorder.missingGlyph else { return nil }
        return pages
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
