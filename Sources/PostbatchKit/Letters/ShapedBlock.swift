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
}
