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
    /// Advance width of each subset glyph, in 1/1000 em.
    let advances: [UInt32: Double]
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
    /// - Throws: ``LetterError`` with code `letter_pdf` if HarfBuzz cannot read or subset the font.
    init(font: [UInt8], glyphs: Set<UInt32>, characters: [UInt32]) throws(LetterError) {
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
        data = subset.data
        subsetGlyphs = subset.subsetGlyphs
        self.glyphs = Set(subset.subsetGlyphs.values)
        characterGlyphs = subset.characterGlyphs

        guard let hbFont = hb_font_create(face) else { throw Self.failure("HarfBuzz could not open the font") }
        defer { hb_font_destroy(hbFont) }
        let unitsPerEm = Double(max(hb_face_get_upem(face), 1))
        func thousandths(_ value: Int32) -> Double { Double(value) * 1000 / unitsPerEm }
        var advances: [UInt32: Double] = [:]
        for (glyph, subsetGlyph) in subsetGlyphs {
            advances[subsetGlyph] = thousandths(hb_font_get_glyph_h_advance(hbFont, glyph))
        }
        self.advances = advances
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
