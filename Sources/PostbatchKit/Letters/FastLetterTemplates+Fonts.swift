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
        /// Objects 6–15: Type0 font, CIDFont, descriptor, font file and ToUnicode of each face.
        var objects: [[UInt8]] = []
        /// The compressed font files, by face.
        var files: [FastFontFace: [UInt8]] = [:]

        /// The compressed size of the regular and bold files.
        var bytes: Int { files.filter { $0.key != .regularExtension }.values.map(\.count).reduce(0, +) }
    }

    /// Subsets the recorded fonts: each face to the glyphs `used` (font glyph ids) and,
    /// for the regular face, the common characters; the extension to the rest of ``repertoire``.
    static func fonts(_ recorder: GlyphRecorder, used: [FastFontFace: Set<UInt32>]) throws(LetterError) -> Fonts {
        var fonts = Fonts()
        let rare = repertoire.filter { !commonCharacters.contains($0) }
        let faces: [(FastFontFace, FastFontFace, [UInt32])] = [
            (.regular, .regular, repertoire.filter(commonCharacters.contains)), (.bold, .bold, []),
            (.regularExtension, .regular, rare),
        ]
        for (face, source, characters) in faces {
            guard let file = recorder.fontFiles[source] else { continue }
            let subset = try FontSubset(font: file, glyphs: face == .regularExtension ? [] : used[face] ?? [],
                                        characters: characters)
            var map: [UInt32: String] = [:]
            for (glyph, text) in recorder.glyphText[source] ?? [:] {
                if let subsetGlyph = subset.subsetGlyphs[glyph] { map[subsetGlyph] = text }
            }
            for (character, glyph) in subset.characterGlyphs.sorted(by: { $0.key < $1.key }) where map[glyph] == nil {
                if let scalar = Unicode.Scalar(character) { map[glyph] = String(Character(scalar)) }
            }
            fonts.subsets[face] = subset
            fonts.toUnicode[face] = map
            fonts.files[face] = try Flate.compress(subset.data)
        }
        for face in [FastFontFace.regular, .bold] {
            let first = 6 + 5 * face.rawValue
            guard fonts.subsets[face] != nil else {
                // An unused face still needs its objects: an empty Type0 font is never referenced.
                for number in first..<(first + 5) {
                    fonts.objects.append(Array("\(number) 0 obj\nnull\nendobj\n".utf8))
                }
                continue
            }
            fonts.objects += try fonts.objects(face, first: first)
        }
        return fonts
    }
}

extension FastLetterTemplates.Fonts {
    /// The five objects of one face, numbered from `first`.
    func objects(_ face: FastFontFace, first: Int) throws(LetterError) -> [[UInt8]] {
        guard let subset = subsets[face], let file = files[face] else { return [] }
        let hash = SHA256.hash(data: subset.data)
        let tag = String(hash.prefix(6).map { Character(Unicode.Scalar(UInt8(ascii: "A") + $0 % 26)) })
        return try FastPDF.fontObjects(first: first, subset: subset, compressedFile: file,
                                       toUnicode: toUnicode[face] ?? [:], tag: tag)
    }
}
