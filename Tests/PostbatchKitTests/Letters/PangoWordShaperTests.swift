import Testing
@testable import PostbatchKit
import PostbatchTesting

/// The word shaper sets a paragraph exactly as a pango layout does: same lines, glyphs and positions.
struct PangoWordShaperTests {
    /// Paragraphs of words from the generator's names and the letters' own words, of many
    /// lengths, so that lines break before and after names, hyphens and punctuation.
    static func paragraphs(count: Int, seed: UInt64) -> [String] {
        let words = ["Søren", "Ærøskøbing", "Åberg", "Holm-Åkesson", "O'Brien", "Zoë", "Ülkü", "c/o", "Birgitte",
                     "Østergård,", "Brevet", "er", "til", "Vi", "har", "dit", "navn", "og", "din", "adresse", "fra",
                     "CPR-registret;", "kommune.", "(CPR)", "6.", "oktober", "2021", "H.C.", "Andersens", "Boulevard",
                     "Kristensen-Østergaard", "—", "“citat”", "Hans\u{00A0}Christian", "1–2", "MitID.dk", "T.", "AVE"]
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let length = 1 + Int(random.next() % 90)
            return (0..<length).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
        }
    }

    @Test("paragraphs and bullets break and shape as pango's layout does", arguments: [0, 1, 2, 3] as [UInt64])
    func sameAsPango(seed: UInt64) throws {
        let renderer = try LetterRenderer()
        var shaped = 0
        let texts = Self.paragraphs(count: 60, seed: seed)
        for (index, text) in texts.enumerated() {
            let block: LetterBlock = index % 3 == 0 ? .bullet([LetterRun(text)]) : .paragraph([LetterRun(text)])
            let expected = renderer.shapeBlock(block, on: GlyphRecorder(collectFonts: false))
            guard let fast = renderer.wordShaper(for: block)?.shape(block) else { continue }
            shaped += 1
            #expect(fast.metrics == expected.metrics, "lines of \"\(text)\"")
            #expect(fast.lines == expected.lines, "\(Self.difference(fast.lines, expected.lines)) in \"\(text)\"")
        }
        #expect(shaped >= texts.count * 9 / 10, "only \(shaped) of \(texts.count) shaped word by word")
    }

    /// Where two shapes first differ, briefly.
    static func difference(_ fast: [[PlacedGlyph]], _ pango: [[PlacedGlyph]]) -> String {
        let counts = "\(fast.map(\.count)) against pango's \(pango.map(\.count)) glyphs per line"
        for (line, (a, b)) in zip(fast, pango).enumerated() where a != b {
            for (index, (x, y)) in zip(a, b).enumerated() where x != y {
                return "\(counts); line \(line), glyph \(index): \(x.glyph) at \(x.x) against \(y.glyph) at \(y.x)"
            }
            return "\(counts); line \(line)"
        }
        return counts
    }

    @Test("bold runs, and characters outside the repertoire, are left to pango's layout")
    func declines() throws {
        let renderer = try LetterRenderer()
        let mixed = LetterBlock.paragraph([LetterRun("Kære "), LetterRun("Søren", bold: true)])
        #expect(renderer.wordShaper(for: mixed)?.shape(mixed) == nil)
        let cjk = LetterBlock.paragraph([LetterRun("Kære 王小明,")])
        #expect(renderer.wordShaper(for: cjk)?.shape(cjk) == nil)
        let plain = LetterBlock.paragraph([LetterRun("Kære Søren,")])
        #expect(renderer.wordShaper(for: plain)?.shape(plain) != nil)
    }
}
