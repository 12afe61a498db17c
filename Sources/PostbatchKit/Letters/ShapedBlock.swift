/// A body block shaped and broken into lines as the reference renderer breaks it.
///
/// Each line's glyphs have x from the line's left end and y from its baseline, so the
/// block can be set wherever ``BodyPlacement`` puts it.
struct ShapedBlock: Sendable {
    /// The lines' metrics, from the top of the block.
    let metrics: [BodyLineMetrics]
    /// The glyphs of each line.
    let lines: [[PlacedGlyph]]

    /// The glyphs of one line, set with its baseline's left end at (`x`, `baseline`).
    func glyphs(line: Int, x: Double, baseline: Double, into out: inout [PlacedGlyph]) {
        Self.place(lines[line], x: x, baseline: baseline, into: &out)
    }

    /// Glyphs recorded from (0, 0), set with that point at (`x`, `baseline`).
    static func place(_ glyphs: [PlacedGlyph], x: Double, baseline: Double, into out: inout [PlacedGlyph]) {
        for glyph in glyphs {
            out.append(PlacedGlyph(glyph: glyph.glyph, face: glyph.face, size: glyph.size, x: x + glyph.x,
                                   y: baseline + glyph.y, gray: glyph.gray))
        }
    }

    /// The block with its glyphs numbered as in the embedded subsets (a regular glyph the
    /// regular subset lacks from the extension subset), or nil when a subset lacks one.
    func inSubset(_ subsetGlyphs: GlyphTable<UInt32>) -> ShapedBlock? {
        var mapped: [[PlacedGlyph]] = []
        mapped.reserveCapacity(lines.count)
        for line in lines {
            var out: [PlacedGlyph] = []
            out.reserveCapacity(line.count)
            for glyph in line {
                guard let (id, face) = PlacedGlyph.subsetGlyph(glyph.glyph, face: glyph.face, in: subsetGlyphs) else {
                    return nil
                }
                out.append(PlacedGlyph(glyph: id, face: face, size: glyph.size, x: glyph.x, y: glyph.y, gray: glyph.gray))
            }
            mapped.append(out)
        }
        return ShapedBlock(metrics: metrics, lines: mapped)
    }
}
