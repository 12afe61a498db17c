/// Tagged page content for the fast path: the glyphs of each structure element in its own
/// marked-content sequence, in drawing order (which is reading order).
extension FastPDF {
    /// Opens the marked-content sequence of some glyphs: `/Tag << /MCID n >> BDC` for an
    /// element that holds content (it has an MCID), `/Artifact BMC` for anything else.
    static func beginMarkedContent(_ tag: StructureTag?, mcid: Int?, to out: inout [UInt8]) {
        guard let tag, tag != .artifact, let mcid else { return append("/Artifact BMC\n", to: &out) }
        out.append(UInt8(ascii: "/"))
        append(tag.rawValue, to: &out)
        append(" << /MCID ", to: &out)
        appendInteger(mcid, to: &out)
        append(" >> BDC\n", to: &out)
    }

    /// Writes lines and glyphs as tagged page content.
    ///
    /// The lines (fold marks, the footer rule) and every glyph outside a tag that holds
    /// content are artifacts (`/Artifact BMC … EMC`); the glyphs of an element that holds
    /// content are one `/Tag << /MCID n >> BDC … EMC`, its MCID taken from `structure`.
    ///
    /// - Parameters:
    ///   - glyphs: the glyphs in drawing order.
    ///   - lines: stroked lines, all artifacts.
    ///   - marks: where tags open and close, from ``GlyphRecorder/marks``.
    ///   - prefix: content before the lines (the logo), an artifact as well.
    ///   - structure: the tree the elements join.
    ///   - advances: advance widths per face and glyph.
    ///   - out: the content stream to append to.
    static func taggedContent(glyphs: [PlacedGlyph], lines: [StrokedLine], marks: [StructureMark], prefix: [UInt8] = [],
                              structure: inout LetterStructure, advances: GlyphTable<GlyphAdvance>,
                              into out: inout [UInt8]) {
        if !prefix.isEmpty || !lines.isEmpty {
            append("/Artifact BMC\n", to: &out)
            out += prefix
            content(glyphs: [], lines: lines, advances: advances, into: &out)
            append("EMC\n", to: &out)
        }
        var open: [(tag: StructureTag, mcid: Int?)] = []
        var start = 0
        func flush(until end: Int) {
            guard end > start else { return }
            let segment = Array(glyphs[start..<end])
            start = end
            beginMarkedContent(open.last?.tag, mcid: open.last?.mcid, to: &out)
            content(glyphs: segment, lines: [], advances: advances, into: &out)
            append("EMC\n", to: &out)
        }
        for mark in marks {
            flush(until: min(mark.glyph, glyphs.count))
            if mark.opens {
                open.append((mark.tag, structure.begin(mark.tag)))
            } else {
                structure.end(mark.tag)
                if !open.isEmpty { open.removeLast() }
            }
        }
        flush(until: glyphs.count)
    }
}
