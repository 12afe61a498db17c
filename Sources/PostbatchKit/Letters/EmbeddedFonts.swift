internal import Crypto

/// The two embedded font subsets of a run, made from the glyphs the compiled letters use
/// (and, in the regular face, the repertoire of names and addresses).
struct EmbeddedFonts {
    /// Objects 6–10 (regular) and 11–15 (bold).
    private(set) var objects: [(Int, [UInt8])] = []
    /// The text of each glyph in the subsets, per face.
    private(set) var toUnicode: [FastFontFace: [UInt32: String]] = [:]
    /// Advance widths in 1/1000 em, per face and glyph.
    private(set) var advances: [FastFontFace: [UInt32: Double]] = [:]
    /// The size of the compressed font files.
    private(set) var bytes = 0

    /// - Throws: ``LetterError`` `letter_pdf` when HarfBuzz or zlib fail.
    init(_ recorder: GlyphRecorder) throws(LetterError) {
        for face in FastFontFace.allCases {
            let first = 6 + 5 * face.rawValue
            guard let file = recorder.fontFiles[face] else {
                // An unused face still needs its objects: an empty Type0 font is never referenced.
                for number in first..<(first + 5) {
                    objects.append((number, Array("\(number) 0 obj\nnull\nendobj\n".utf8)))
                }
                continue
            }
            let used = Set(recorder.glyphs.lazy.filter { $0.face == face }.map(\.glyph))
            let subset = try FontSubset(font: file, glyphs: used,
                                        characters: face == .regular ? FastLetterTemplates.repertoire : [])
            var map = recorder.glyphText[face] ?? [:]
            for (character, glyph) in subset.characterGlyphs.sorted(by: { $0.key < $1.key }) where map[glyph] == nil {
                if let scalar = Unicode.Scalar(character) { map[glyph] = String(Character(scalar)) }
            }
            toUnicode[face] = map.filter { subset.glyphs.contains($0.key) }
            advances[face] = subset.advances
            let compressed = try Flate.compress(subset.data)
            bytes += compressed.count
            let hash = SHA256.hash(data: subset.data)
            let tag = String(hash.prefix(6).map { Character(Unicode.Scalar(UInt8(ascii: "A") + $0 % 26)) })
            let made = try FastPDF.fontObjects(first: first, subset: subset, compressedFile: compressed,
                                               toUnicode: toUnicode[face] ?? [:], tag: tag)
            for (index, object) in made.enumerated() { objects.append((first + index, object)) }
        }
    }
}
