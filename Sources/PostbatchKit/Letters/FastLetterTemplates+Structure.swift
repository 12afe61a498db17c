internal import Crypto

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
                       logo: [UInt8], advances: GlyphTable<GlyphAdvance>, first: Int, renderer: LetterRenderer)
        -> (content: [UInt8], objects: [(Int, [UInt8])], personalTags: [StructureTag]) {
        let personal = GlyphRecorder(collectFonts: false)
        renderer.drawPersonalParts(probe, on: personal)
        var structure = LetterStructure()
        var scratch: [UInt8] = []
        FastPDF.taggedContent(glyphs: personal.glyphs, lines: [], marks: personal.marks, structure: &structure,
                              advances: GlyphTable(), into: &scratch)
        var content: [UInt8] = []
        FastPDF.taggedContent(glyphs: glyphs, lines: lines, marks: marks, prefix: logo, structure: &structure,
                              advances: advances, into: &content)
        return (content, structure.objects(first: first, page: 3), personal.marks.filter(\.opens).map(\.tag))
    }
}

extension FastLetterTemplates {
    /// The start of a letter written whole: the header, fonts 6–15, the ICC profile (18) and
    /// the logo (19–20), the font dictionaries in an object stream after them.
    ///
    /// - Parameters:
    ///   - fonts: the run's fonts, for the extension font's objects.
    ///   - objects: the objects 6–15 of the template's fonts.
    ///   - profile: the ICC profile's stream.
    ///   - logo: the logo's objects, its drawing and the page resources that name it.
    static func letterPrefix(fonts: Fonts, objects: [[UInt8]], profile: [UInt8],
                             logo: (objects: [(Int, [UInt8])], content: [UInt8], xObjects: String))
        throws(LetterError) -> LetterPrefix {
        var prefix: [UInt8] = Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var all = objects.enumerated().map { (6 + $0.offset, $0.element) }
        all.append((FastPDFA.profileObject, profile))
        all += logo.objects
        let xref = try FastPDFXref(objects: all, objectStream: FastPDFA.profileObject + 1 + logo.objects.count,
                                   appendingTo: &prefix)
        let extensionObjects = try fonts.objects(.regularExtension, first: xref.entries.count)
        return LetterPrefix(prefix: prefix, xref: xref, digest: Array(SHA256.hash(data: prefix)),
                            extensionObjects: extensionObjects, firstFree: xref.entries.count + extensionObjects.count,
                            logoContent: logo.content, xObjects: logo.xObjects)
    }
}

extension FastLetterTemplates {
    /// The sender's logo as an image with a soft mask at 300 dpi, drawn where the
    /// reference renderer draws it: its objects, its drawing and the page resources that name it.
    static func logo(_ campaign: Campaign, box: LetterBox?)
        throws(LetterError) -> (objects: [(Int, [UInt8])], content: [UInt8], xObjects: String) {
        guard let url = campaign.sender.logo, let box else { return ([], [], "") }
        let picture = try SenderLogo(url: url).raster(for: box, pixelsPerPoint: 300.0 / 72.0)
        let image = FastPDFA.profileObject + 1
        let mask = image + 1
        let size = "/Width \(picture.width) /Height \(picture.height) /BitsPerComponent 8 "
        let objects = [
            (image, FastPDF.stream(number: image, try Flate.compress(picture.rgb),
                                   extra: "/Type /XObject /Subtype /Image \(size)/ColorSpace /DeviceRGB "
                                       + "/SMask \(mask) 0 R /Filter /FlateDecode ")),
            (mask, FastPDF.stream(number: mask, try Flate.compress(picture.alpha),
                                  extra: "/Type /XObject /Subtype /Image \(size)/ColorSpace /DeviceGray "
                                      + "/Filter /FlateDecode ")),
        ]
        var content: [UInt8] = []
        FastPDF.append("q ", to: &content)
        for value in [box.width, 0, 0, box.height, box.x, LetterPage.height - box.maxY] {
            FastPDF.append(value, to: &content)
            content.append(0x20)
        }
        FastPDF.append("cm /Im1 Do Q\n", to: &content)
        return (objects, content, " /XObject << /Im1 \(image) 0 R >>")
    }
}
