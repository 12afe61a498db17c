internal import CHarfBuzz

/// A font file cut down with HarfBuzz `hb-subset` to the glyphs a run needs, renumbered.
///
/// Made once per run by ``FastLetterTemplates``: the glyphs are those of the fixed
/// text plus the repertoire of names and addresses. The subset numbers its glyphs
/// 0, 1, 2, … without gaps (no `retain-gids`: no empty slots in `loca` and `hmtx`),
/// and the PDF uses those numbers as CIDs (`/CIDToGIDMap /Identity`); pango's glyph
/// ids are translated with ``subsetGlyphs``. Hinting and every table a PDF viewer does
/// not read (layout, `cmap`, device metrics) are dropped.
///
/// Given a *layout size*, the widths the subset declares are those its glyphs have in the
/// reference renderer's PDFs at that size: pango rounds each advance to whole points, and
/// cairo's viewer positions lag by what cairo cuts off its `/W` widths (``GlyphAdvance``).
/// At the size most of a letter's text has, a `TJ` then needs no adjustment between glyphs
/// but for kerning. The font program's `hmtx` says the same as the PDF's `/W`, as PDF/A
/// wants (ISO 19005-2, 6.2.11.5).
///
/// This is the only file that talks to HarfBuzz's subsetter: it owns every pointer
/// and frees it in a `defer`.
struct FontSubset: Sendable {
    /// The subset font file (TrueType): outlines and metrics, no hinting, no layout tables.
    let data: [UInt8]
    /// The subset's glyph ids (the PDF's CIDs): 0 (`.notdef`) up to the number kept minus one.
    let glyphs: Set<UInt32>
    /// The subset glyph id of each kept glyph of the original font (pango's glyph ids).
    let subsetGlyphs: [UInt32: UInt32]
    /// The subset glyph each requested character maps to.
    let characterGlyphs: [UInt32: UInt32]
    /// The advance of each subset glyph: the PDF's `/W` and the font's own.
    let advances: [UInt32: GlyphAdvance]
    /// The PostScript name, `DejaVuSans-Bold`.
    let postScriptName: String
    /// Font bounding box, ascender, descender and cap height in 1/1000 em.
    let boundingBox: [Int]
    let ascender: Int
    let descender: Int
    let capHeight: Int

    /// Tables no PDF viewer reads from an embedded CIDFontType2 font: pango did the
    /// shaping (layout and math tables), the CIDs index the glyphs directly (`cmap`), the
    /// outlines are drawn unhinted (device metrics, `gasp`), and the PDF names the font
    /// (`name`; the font descriptor has its PostScript name).
    private static let droppedTables = ["GSUB", "GPOS", "GDEF", "kern", "hdmx", "VDMX", "LTSH", "DSIG", "gasp",
                                        "FFTM", "MATH", "cmap", "name"]

    /// Subsets a font file.
    ///
    /// - Parameters:
    ///   - font: the font file's bytes.
    ///   - glyphs: glyph ids of the font to keep.
    ///   - characters: Unicode scalars whose glyphs to keep as well.
    ///   - layoutSize: the size in points whose advances the subset declares (see above);
    ///     nil for the font's own, cut to whole thousandths as cairo writes them.
    /// - Throws: ``LetterError`` with code `letter_pdf` if HarfBuzz cannot read or subset the font.
    init(font: [UInt8], glyphs: Set<UInt32>, characters: [UInt32], layoutSize: Double? = nil) throws(LetterError) {
        let blob = font.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    hb_blob_create_or_fail($0, UInt32(buffer.count), HB_MEMORY_MODE_DUPLICATE, nil, nil)
                }
            }
        }
        guard let blob else { throw Self.failure("HarfBuzz could not read the font file") }
        defer { hb_blob_destroy(blob) }
        guard let face = hb_face_create(blob, 0), hb_face_get_glyph_count(face) > 0 else {
            throw Self.failure("HarfBuzz found no glyphs in the font file")
        }
        defer { hb_face_destroy(face) }
        let subset = try Self.subset(face, glyphs: glyphs, characters: characters)
        subsetGlyphs = subset.subsetGlyphs
        self.glyphs = Set(subset.subsetGlyphs.values)
        characterGlyphs = subset.characterGlyphs

        guard let hbFont = hb_font_create(face) else { throw Self.failure("HarfBuzz could not open the font") }
        defer { hb_font_destroy(hbFont) }
        let unitsPerEm = Double(max(hb_face_get_upem(face), 1))
        func thousandths(_ value: Int32) -> Double { Double(value) * 1000 / unitsPerEm }
        var natural: [UInt32: Double] = [:]
        for (glyph, subsetGlyph) in subsetGlyphs {
            natural[subsetGlyph] = thousandths(hb_font_get_glyph_h_advance(hbFont, glyph))
        }
        if let layoutSize, let fitted = Self.fitted(subset.data, size: layoutSize, unitsPerEm: unitsPerEm,
                                                    natural: natural) {
            data = fitted.data
            advances = fitted.advances
        } else {
            data = subset.data
            advances = natural.mapValues(GlyphAdvance.asCairoWrites)
        }
        var extents = hb_font_extents_t()
        hb_font_get_h_extents(hbFont, &extents)
        ascender = Int(thousandths(extents.ascender).rounded())
        descender = Int(thousandths(extents.descender).rounded())
        var cap: hb_position_t = 0
        capHeight = hb_ot_metrics_get_position(hbFont, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap) != 0
            ? Int(thousandths(cap).rounded()) : ascender
        boundingBox = Self.boundingBox(face).map { Int(thousandths($0).rounded()) }
        postScriptName = Self.postScriptName(face)
    }

    private static func failure(_ detail: String) -> LetterError {
        LetterError(code: .pdf, file: "font", detail: detail)
    }

    /// Plans and writes the subset: its bytes, the glyph renumbering and the characters' glyphs.
    private static func subset(_ face: OpaquePointer, glyphs: Set<UInt32>, characters: [UInt32]) throws(LetterError)
        -> (data: [UInt8], subsetGlyphs: [UInt32: UInt32], characterGlyphs: [UInt32: UInt32]) {
        guard let input = hb_subset_input_create_or_fail() else { throw failure("HarfBuzz could not start a subset") }
        defer { hb_subset_input_destroy(input) }
        let glyphSet = hb_subset_input_glyph_set(input)
        for glyph in glyphs { hb_set_add(glyphSet, glyph) }
        let unicodeSet = hb_subset_input_unicode_set(input)
        for character in characters { hb_set_add(unicodeSet, character) }
        hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING.rawValue)
        let drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG)
        for tag in droppedTables { hb_set_add(drop, Self.tag(tag)) }
        guard let plan = hb_subset_plan_create_or_fail(face, input) else {
            throw failure("HarfBuzz could not plan the font subset")
        }
        defer { hb_subset_plan_destroy(plan) }
        var subsetGlyphs: [UInt32: UInt32] = [:]
        if let map = hb_subset_plan_old_to_new_glyph_mapping(plan) {
            for glyph in 0..<hb_face_get_glyph_count(face) where hb_map_has(map, glyph) != 0 {
                subsetGlyphs[glyph] = hb_map_get(map, glyph)
            }
        }
        var characterGlyphs: [UInt32: UInt32] = [:]
        if let map = hb_subset_plan_unicode_to_old_glyph_mapping(plan) {
            for character in characters where hb_map_has(map, character) != 0 {
                characterGlyphs[character] = subsetGlyphs[hb_map_get(map, character)]
            }
        }
        guard let subset = hb_subset_plan_execute_or_fail(plan) else { throw failure("HarfBuzz could not subset the font") }
        defer { hb_face_destroy(subset) }
        guard let subsetBlob = hb_face_reference_blob(subset) else { throw failure("HarfBuzz wrote no subset") }
        defer { hb_blob_destroy(subsetBlob) }
        var length: UInt32 = 0
        guard let bytes = hb_blob_get_data(subsetBlob, &length), length > 0 else {
            throw failure("HarfBuzz wrote an empty subset")
        }
        return (Array(UnsafeRawBufferPointer(start: bytes, count: Int(length))), subsetGlyphs, characterGlyphs)
    }

    /// The subset declaring the advances its glyphs have in the reference renderer's PDFs
    /// at `size` (``GlyphAdvance/fitted(_:size:)``), in `/W` and in the `hmtx` table, whose
    /// checksum and the font's are made anew. Nil when the tables are not as expected: the
    /// font's own advances serve then.
    ///
    /// - Parameter natural: the font's advance of each subset glyph in 1/1000 em.
    static func fitted(_ font: [UInt8], size: Double, unitsPerEm: Double, natural: [UInt32: Double])
        -> (data: [UInt8], advances: [UInt32: GlyphAdvance])? {
        guard size > 0, var file = OpenTypeFile(font),
              let hhea = file.table("hhea"), hhea.length >= 36, let hmtx = file.table("hmtx") else { return nil }
        let longMetrics = Int(file.uint16(at: hhea.offset + 34))
        guard longMetrics > 0, hmtx.length >= 4 * longMetrics else { return nil }
        let advances = natural.mapValues { GlyphAdvance.fitted($0, size: size) }
        let units = advances.mapValues { UInt16(clamping: Int(($0.written * unitsPerEm / 1000).rounded())) }
        // Glyphs past the long metrics share the last one's advance; theirs was the same.
        for (glyph, value) in units where Int(glyph) >= longMetrics {
            guard units[UInt32(longMetrics - 1)] == value else { return nil }
        }
        for glyph in 0..<longMetrics {
            guard let value = units[UInt32(glyph)] else { return nil }
            file.setUInt16(value, at: hmtx.offset + 4 * glyph)
        }
        file.updateChecksums(of: "hmtx")
        return (file.bytes, advances)
    }

    /// A table tag from its four letters (`HB_TAG`).
    private static func tag(_ name: String) -> UInt32 {
        name.utf8.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// xMin, yMin, xMax, yMax from the `head` table, in font units.
    private static func boundingBox(_ face: OpaquePointer) -> [Int32] {
        guard let table = hb_face_reference_table(face, tag("head")) else { return [0, 0, 0, 0] }
        defer { hb_blob_destroy(table) }
        var length: UInt32 = 0
        guard let data = hb_blob_get_data(table, &length), length >= 44 else { return [0, 0, 0, 0] }
        let bytes = UnsafeRawBufferPointer(start: data, count: Int(length))
        return (0..<4).map { index in
            Int32(Int16(bitPattern: UInt16(bytes[36 + 2 * index]) << 8 | UInt16(bytes[37 + 2 * index])))
        }
    }

    /// The font's PostScript name (name id 6), without spaces.
    private static func postScriptName(_ face: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        var size = UInt32(buffer.count)
        let length = hb_ot_name_get_utf8(face, hb_ot_name_id_t(HB_OT_NAME_ID_POSTSCRIPT_NAME), nil, &size, &buffer)
        let name = length > 0 ? String(decoding: buffer.prefix(Int(size)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let clean = name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        return clean.isEmpty ? "DejaVuSans" : clean
    }
}

/// A glyph's advance in 1/1000 em: what the PDF's `/W` says, and the font's own.
///
/// The reference renderer's PDFs (cairo) move glyphs by the font's own advance and write
/// `TJ` adjustments where pango's whole-point positions differ from it, but declare the
/// advance cut to whole thousandths; so a viewer puts each glyph a little left of pango's
/// place, by what was cut off the advances before it on the line. ``FastPDF/TextWriter``
/// puts glyphs where cairo's PDFs have them.
struct GlyphAdvance: Hashable, Sendable {
    /// The width in `/W` (and the subset's `hmtx`), at most three decimals.
    let written: Double
    /// The font's own advance, unrounded.
    let natural: Double

    /// What cairo's `/W` says: the natural advance cut to whole thousandths.
    var cut: Double { Self.cutToThousandths(natural) }

    private static func cutToThousandths(_ natural: Double) -> Double { natural.rounded(.towardZero) }

    /// The font's own advance declared as cairo declares it, cut to whole thousandths.
    static func asCairoWrites(_ natural: Double) -> GlyphAdvance {
        GlyphAdvance(written: cutToThousandths(natural), natural: natural)
    }

    /// The advance a glyph has in cairo's PDFs of text set at `size`: pango's (the natural
    /// advance rounded to whole points) less what cairo cuts off, to a tenth of a thousandth
    /// (finer costs bytes in `/W` and moves no glyph by a pixel).
    static func fitted(_ natural: Double, size: Double) -> GlyphAdvance {
        let pango = (natural * size / 1000).rounded() * 1000 / size
        return GlyphAdvance(written: ((pango - (natural - cutToThousandths(natural))) * 10).rounded() / 10,
                            natural: natural)
    }
}
