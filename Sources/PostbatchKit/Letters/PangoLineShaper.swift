internal import CPangoCairo

/// Sets a line of one font as a pango layout sets it, from the shapes of its characters
/// alone and side by side: the fast path's way to set the lines that differ in every letter
/// (the recipient block, the letter's reference) without HarfBuzz shaping each of them.
///
/// A pango layout shapes a line of one font as one item: HarfBuzz gives each glyph the
/// font's advance, plus the kerning of the pair the glyph starts, and pango rounds each
/// glyph's advance to whole units. So where two characters shape to their own two glyphs,
/// the first moved by the kerning and the second as wide as alone, a line's glyphs are its
/// characters' glyphs, each as wide as it is in the pair with the next character. Each
/// character and pair is shaped with `pango_shape_item` (pango's shaping, with its
/// rounding) on first use and kept; names and references draw on a few dozen characters.
///
/// Anything the shaper does not model returns nil and the caller lays the line out with
/// pango: a character outside the repertoire of names (``PangoWordShaper/allowed(_:)``), a
/// glyph the font lacks, a pair that shapes otherwise (a ligature, kerning that moves the
/// second glyph). ``LetterRenderer`` also compares the first lines of each shaper with
/// pango's layout and stops using a shaper that ever differs.
final class PangoLineShaper {
    /// A shaped line: its glyphs, and their advances summed (pango units).
    struct Line {
        let glyphs: [PangoGlyphInfo]
        let width: Int32
    }

    /// A line's logical height and the distance from its top to its baseline, in pango units.
    let lineHeight: Int32
    let baseline: Int32

    private let shaper: PangoItemShaper
    /// Each character's glyph alone; nil where it does not shape to one glyph of the font.
    private var singles: [UInt32: PangoGlyphInfo?] = [:]
    /// The first glyph's advance where two characters shape to their own two glyphs; nil where not.
    private var pairs: [UInt64: Int32?] = [:]
    /// Pairs kept at most; emptied past it (the repertoire has about 250 characters).
    private static let pairLimit = 100_000

    /// Makes a shaper from a laid-out probe of the font: one line of plain Latin text.
    init?(probe: OpaquePointer) {
        guard pango_layout_get_line_count(probe) == 1, let line = pango_layout_get_line_readonly(probe, 0),
              line.pointee.runs?.pointee.next == nil, let shaper = PangoItemShaper(line: line) else { return nil }
        var logical = PangoRectangle()
        pango_layout_get_extents(probe, nil, &logical)
        guard logical.y == 0 else { return nil }
        lineHeight = logical.height
        baseline = pango_layout_get_baseline(probe)
        self.shaper = shaper
    }

    /// The face and size of the font's glyphs, as ``GlyphRecorder`` records them.
    var face: FastFontFace { shaper.face }
    var size: Double { shaper.size }

    /// The line's glyphs as a pango layout of the font shapes it, or nil (see the type's discussion).
    func line(_ text: String) -> Line? {
        var scalars = text.unicodeScalars.makeIterator()
        guard var current = scalars.next() else { return nil }
        var glyphs: [PangoGlyphInfo] = []
        glyphs.reserveCapacity(text.utf8.count)
        var width: Int32 = 0
        while true {
            guard PangoWordShaper.allowed(current), var glyph = single(current) else { return nil }
            let next = scalars.next()
            if let next {
                guard let advance = pair(current, next) else { return nil }
                glyph.geometry.width = advance
            }
            glyphs.append(glyph)
            width += glyph.geometry.width
            guard let next else { return Line(glyphs: glyphs, width: width) }
            current = next
        }
    }

    /// A character's glyph alone, kept.
    private func single(_ scalar: Unicode.Scalar) -> PangoGlyphInfo? {
        if let known = singles[scalar.value] { return known }
        let shaped = shape(String(Character(scalar)))
        let glyph = shaped.count == 1 && Self.isPlain(shaped[0]) ? shaped[0] : nil
        singles[scalar.value] = .some(glyph)
        return glyph
    }

    /// The advance of the first of two characters' glyphs side by side, kept; nil where the
    /// two do not shape to their own glyphs with the second as wide as alone.
    private func pair(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> Int32? {
        let key = UInt64(first.value) << 32 | UInt64(second.value)
        if let known = pairs[key] { return known }
        var advance: Int32?
        if let one = single(first), let two = single(second) {
            let shaped = shape(String(Character(first)) + String(Character(second)))
            if shaped.count == 2, shaped[0].glyph == one.glyph, shaped[1].glyph == two.glyph,
               Self.isPlain(shaped[0]), Self.isPlain(shaped[1]), shaped[1].geometry.width == two.geometry.width {
                advance = shaped[0].geometry.width
            }
        }
        if pairs.count >= Self.pairLimit { pairs.removeAll(keepingCapacity: true) }
        pairs[key] = .some(advance)
        return advance
    }

    /// A glyph of the font, not moved off the pen.
    private static func isPlain(_ glyph: PangoGlyphInfo) -> Bool {
        glyph.glyph & 0x1000_0000 == 0 && glyph.glyph != 0x0FFF_FFFF && glyph.glyph != 0  // unknown, empty, .notdef
            && glyph.geometry.x_offset == 0 && glyph.geometry.y_offset == 0
    }

    /// Shapes a text as one item with pango's shaper and rounding.
    private func shape(_ text: String) -> [PangoGlyphInfo] {
        shaper.shape(text) { _ in shaper.glyphs }
    }
}
