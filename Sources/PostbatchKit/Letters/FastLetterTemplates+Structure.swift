/// The tagged-PDF parts of a compiled template (see ``LetterStructure``).
extension FastLetterTemplates {
    /// The fixed parts as tagged page content, and the structure tree of the whole letter.
    ///
    /// The personal parts (recipient block and date, stream 5) come first in the page's
    /// `/Contents` and in reading order, so their MCIDs are 0, 1, …; the fixed parts follow.
    /// The tree is the same for every letter of the template: ``FastLetterRenderer`` checks
    /// that a letter's personal parts open the same tags (``Compiled/personalTags``).
    ///
    /// - Parameters:
    ///   - probe: a letter of the template, whose personal parts give the personal tags.
    ///   - glyphs, lines, marks: the fixed parts as recorded.
    ///   - logo: the logo's content (an artifact), or nothing.
    ///   - first: the object number of the StructTreeRoot; the tree's objects follow it.
    static func tagged(_ probe: LetterContent, glyphs: [PlacedGlyph], lines: [StrokedLine], marks: [StructureMark],
                       logo: [UInt8], advances: [FastFontFace: [UInt32: Double]], first: Int, renderer: LetterRenderer)
        -> (content: [UInt8], objects: [(Int, [UInt8])], personalTags: [StructureTag]) {
        let personal = GlyphRecorder(collectFonts: false)
        renderer.drawPersonalParts(probe, on: personal)
        var structure = LetterStructure()
        var scratch: [UInt8] = []
        FastPDF.taggedContent(glyphs: personal.glyphs, lines: [], marks: personal.marks, structure: &structure,
                              advances: [:], into: &scratch)
        var content: [UInt8] = []
        FastPDF.taggedContent(glyphs: glyphs, lines: lines, marks: marks, prefix: logo, structure: &structure,
                              advances: advances, into: &content)
        return (content, structure.objects(first: first, page: 3), personal.marks.filter(\.opens).map(\.tag))
    }
}
