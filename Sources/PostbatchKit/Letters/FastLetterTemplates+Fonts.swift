internal import Crypto

/// The embedded fonts of the compiled templates: one subset per face for the whole run.
///
/// The regular face holds the glyphs of the fixed text and of the characters most names
/// and addresses use (``commonCharacters``); the rest of the name repertoire is a third
/// subset, the *extension* (`/F3`), embedded only in the letters whose personal parts use
/// it. So a typical letter carries no glyph it does not need but a few letters.
extension FastLetterTemplates {
    /// Characters of names and addresses kept in the regular subset every letter embeds:
    /// the Latin letters and digits, the punctuation of names and addresses, and the
    /// Danish, Swedish and German letters.
    static let commonCharacters: Set<UInt32> = Set(
        (Array(UInt32(0x30)...0x39) + Array(UInt32(0x41)...0x5A) + Array(UInt32(0x61)...0x7A))
            + " .,-'/()&:;\"ÆØÅæøåÄÖÜäöüÉé".unicodeScalars.map(\.value))

    /// The subsets, their ToUnicode maps and PDF objects.
    struct Fonts {
        var subsets: [FastFontFace: FontSubset] = [:]
        var toUnicode: [FastFontFace: [UInt32: String]] = [:]
        /// Objects 6–10: Type0 font, CIDFont, descriptor, font file and ToUnicode of the regular face.
        var objects: [[UInt8]] = []
        /// The compressed font files, by face.
        var files: [FastFontFace: [UInt8]] = [:]
    }

    /// Subsets the recorded regular face to the glyphs `used` (font glyph ids) and the
    /// common characters, and the extension to the rest of ``repertoire``: one subset each
    /// for the run. The bold face is subset per template (``Fonts/bold(_:used:)``).
    ///
    /// - Parameter layoutSize: the size most regular text is set in (``layoutSize(of:)``):
    ///   the regular subset declares the advances its glyphs have at it. The extension keeps
    ///   the font's own: its few glyphs are in names, at the recipient block's sizes too,
    ///   and its `/W` is written plain in the letters that embed it.
    static func fonts(_ recorder: GlyphRecorder, used: Set<UInt32>, layoutSize: Double?) throws(LetterError) -> Fonts {
        var fonts = Fonts()
        try fonts.add(.regular, from: recorder, glyphs: used, characters: repertoire.filter(commonCharacters.contains),
                      layoutSize: layoutSize)
        try fonts.add(.regularExtension, from: recorder, glyphs: [],
                      characters: repertoire.filter { !commonCharacters.contains($0) }, layoutSize: nil)
        fonts.objects = try fonts.objects(.regular, first: 6)
        return fonts
    }

    /// The size most of these glyphs are set in (the smaller of two as common), nil for none.
    ///
    /// A subset takes pango's whole-point advances at this size (``FontSubset``): there its
    /// text needs no adjustments in the content stream, which is what makes it small.
    static func layoutSize(of glyphs: some Sequence<PlacedGlyph>) -> Double? {
        var counts: [Double: Int] = [:]
        for glyph in glyphs { counts[glyph.size, default: 0] += 1 }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
    }
}

extension FastLetterTemplates.Fonts {
    /// Subsets one face of the recorded fonts (the extension is cut from the regular font).
    mutating func add(_ face: FastFontFace, from recorder: GlyphRecorder, glyphs: Set<UInt32>,
                      characters: [UInt32], layoutSize: Double?) throws(LetterError) {
        let source = face == .regularExtension ? FastFontFace.regular : face
        guard let file = recorder.fontFiles[source] else { return }
        let subset = try FontSubset(font: file, glyphs: glyphs, characters: characters, layoutSize: layoutSize)
        var map: [UInt32: String] = [:]
        for (glyph, text) in recorder.glyphText[source] ?? [:] {
            if let subsetGlyph = subset.subsetGlyphs[glyph] { map[subsetGlyph] = text }
        }
        for (character, glyph) in subset.characterGlyphs.sorted(by: { $0.key < $1.key }) where map[glyph] == nil {
            if let scalar = Unicode.Scalar(character) { map[glyph] = String(Character(scalar)) }
        }
        subsets[face] = subset
        toUnicode[face] = map
        files[face] = try Flate.compress(subset.data)
    }

    /// The run's fonts with the bold face subset to one template's bold glyphs (font glyph
    /// ids) and fitted to the size most of them have, and the objects 6–15 of both faces.
    func bold(_ recorder: GlyphRecorder, used: [PlacedGlyph]) throws(LetterError) -> (fonts: Self, objects: [[UInt8]]) {
        var fonts = self
        try fonts.add(.bold, from: recorder, glyphs: Set(used.map(\.glyph)), characters: [],
                      layoutSize: FastLetterTemplates.layoutSize(of: used))
        guard fonts.subsets[.bold] != nil else {
            // An unused face still needs its objects: an empty Type0 font is never referenced.
            return (fonts, objects + (11..<16).map { Array("\($0) 0 obj\nnull\nendobj\n".utf8) })
        }
        return (fonts, objects + (try fonts.objects(.bold, first: 11)))
    }

    /// The five objects of one face, numbered from `first`.
    func objects(_ face: FastFontFace, first: Int) throws(LetterError) -> [[UInt8]] {
        guard let subset = subsets[face], let file = files[face] else { return [] }
        let hash = SHA256.hash(data: subset.data)
        let tag = String(hash.prefix(6).map { Character(Unicode.Scalar(UInt8(ascii: "A") + $0 % 26)) })
        return try FastPDF.fontObjects(first: first, subset: subset, compressedFile: file,
                                       toUnicode: toUnicode[face] ?? [:], tag: tag)
    }
}
