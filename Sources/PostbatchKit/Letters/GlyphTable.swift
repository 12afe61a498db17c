/// Values of glyphs by face and glyph id, found by index.
///
/// A letter looks up every glyph it writes: its id in the embedded subset, then its advance.
/// With a dictionary per face that was two hashed look-ups per glyph, about a twentieth of the
/// time of a letter written whole (`perf`, `docs/performance.md`); here it is an index into
/// one array. Glyph ids are small (a font's few thousand glyphs, a subset's few hundred), so
/// the array is too.
struct GlyphTable<Value: Sendable>: Sendable {
    /// Every face's values, one after the other, each face's indexed by glyph id.
    private let values: [Value?]
    /// Where each face's values start in ``values``, by ``FastFontFace/rawValue``, and where the last ends.
    private let starts: [Int]

    /// A table of the values given, per face and glyph id.
    init(_ faces: [FastFontFace: [UInt32: Value]] = [:]) {
        var values: [Value?] = []
        var starts = [0]
        for face in FastFontFace.allCases {
            let glyphs = faces[face] ?? [:]
            let count = glyphs.keys.max().map { Int($0) + 1 } ?? 0
            let start = values.count
            values += repeatElement(nil, count: count)
            for (glyph, value) in glyphs { values[start + Int(glyph)] = value }
            starts.append(values.count)
        }
        self.values = values
        self.starts = starts
    }

    /// The value of a glyph of a face, or nil when the table has none.
    subscript(face: FastFontFace, glyph: UInt32) -> Value? {
        let index = starts[face.rawValue] + Int(glyph)
        return index < starts[face.rawValue + 1] ? values[index] : nil
    }
}
