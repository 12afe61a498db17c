internal import CPangoCairo

/// The two faces the letters use.
enum FastFontFace: Int, Hashable, Sendable, CaseIterable {
    /// DejaVu Sans.
    case regular = 0
    /// DejaVu Sans Bold.
    case bold = 1
    /// DejaVu Sans glyphs of rare characters of names and addresses, a subset of their own
    /// that only the letters using them embed (see ``FastLetterTemplates/fonts(_:used:)``).
    case regularExtension = 2
}

/// One glyph where pango put it, in PDF points from the page's top-left corner.
struct PlacedGlyph: Hashable, Sendable {
    /// The glyph id in the font file pango used.
    let glyph: UInt32
    let face: FastFontFace
    /// Font size in points.
    let size: Double
    /// The glyph origin: left edge and baseline.
    let x: Double
    let y: Double
    /// Grey level, 0 black.
    let gray: Double
}

extension PlacedGlyph {
    /// A font glyph's id and face in the embedded subsets: its face's subset, or for a
    /// regular glyph that subset lacks, the extension subset; nil when neither has it.
    static func subsetGlyph(_ glyph: UInt32, face: FastFontFace,
                            in subsetGlyphs: GlyphTable<UInt32>) -> (glyph: UInt32, face: FastFontFace)? {
        if let id = subsetGlyphs[face, glyph] { return (id, face) }
        if face == .regular, let id = subsetGlyphs[.regularExtension, glyph] { return (id, .regularExtension) }
        return nil
    }

    /// The same glyph numbered as in the embedded subset (``FontSubset/subsetGlyphs``).
    func inSubset(_ subsetGlyphs: GlyphTable<UInt32>) -> PlacedGlyph {
        PlacedGlyph(glyph: subsetGlyphs[face, glyph] ?? 0, face: face, size: size, x: x, y: y, gray: gray)
    }
}

/// A stroked straight line.
struct StrokedLine: Hashable, Sendable {
    let x1: Double, y1: Double, x2: Double, y2: Double
    let width: Double
    let gray: Double
}

/// A ``LetterCanvas`` that keeps glyph ids and positions instead of drawing.
///
/// It walks each pango layout the way `pango_cairo_show_layout` does (lines by
/// `PangoLayoutIter`, runs as `PangoGlyphItem`s, positions summed in pango units),
/// so the glyphs land exactly where the reference renderer draws them.
///
/// With ``LetterRenderer`` and ``PangoWordShaper`` the only file that talks to pango; it keeps
/// no pango pointer beyond a call.
final class GlyphRecorder: LetterCanvas {
    /// The glyphs, in drawing order.
    private(set) var glyphs: [PlacedGlyph] = []
    /// The stroked lines, in drawing order.
    private(set) var lines: [StrokedLine] = []
    /// Where structure tags open and close among the glyphs.
    private(set) var marks: [StructureMark] = []
    /// The text each glyph stands for, from pango's clusters (only when asked for).
    private(set) var glyphText: [FastFontFace: [UInt32: String]] = [:]
    /// The bytes of the font file of each face used (only when asked for).
    private(set) var fontFiles: [FastFontFace: [UInt8]] = [:]
    /// Set when pango used another font, a missing glyph or an unexpected style.
    private(set) var unusual = false
    /// Where the sender's logo was drawn, if it was.
    private(set) var logoBox: LetterBox?
    /// Set when no installed font has a glyph for a character: pango would draw a box.
    private(set) var missingGlyph = false
    /// Set when a layout was cut with an ellipsis.
    private(set) var ellipsized = false

    private let collect: Bool
    /// Whether the recorder keeps each glyph's text and the font files (it compiles templates).
    var collectsFonts: Bool { collect }
    private var spaceGlyphs: [FastFontFace: UInt32] = [:]
    /// Font glyph id to subset glyph id, per face; nil to record the font's glyph ids.
    private let subsetGlyphs: GlyphTable<UInt32>?
    private var gray = 0.0
    /// Glyphs recorded for a text that is drawn again and again where it was (a day's date),
    /// with the grey they leave set and the box they took (``keep(_:from:box:)``).
    private var kept: [String: (glyphs: [PlacedGlyph], gray: Double, box: LetterBox)] = [:]
    /// Texts kept at most; the store is emptied past it.
    private static let keptLimit = 64
    private var lineWidth = 2.0
    private var pathStart: (x: Double, y: Double)?
    private var segments: [(Double, Double, Double, Double)] = []

    /// Pango's "no glyph" value (`PANGO_GLYPH_EMPTY`), e.g. for a line break.
    private static let emptyGlyph: UInt32 = 0x0FFF_FFFF
    /// Pango's flag for a character no font has (`PANGO_GLYPH_UNKNOWN_FLAG`).
    private static let unknownFlag: UInt32 = 0x1000_0000

    /// Creates an empty recorder.
    ///
    /// - Parameters:
    ///   - collectFonts: also keep each glyph's text and the font files
    ///     (for compiling templates; slower).
    ///   - subsetGlyphs: record glyphs with their ids in these subsets; a glyph a subset
    ///     lacks sets ``unusual``.
    init(collectFonts: Bool, subsetGlyphs: GlyphTable<UInt32>? = nil) {
        collect = collectFonts
        self.subsetGlyphs = subsetGlyphs
        glyphs.reserveCapacity(128)
    }

    /// Forgets everything recorded, to record the next letter.
    func reset() {
        glyphs.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
        marks.removeAll(keepingCapacity: true)
        unusual = false
        missingGlyph = false
        ellipsized = false
        gray = 0
        lineWidth = 2
        pathStart = nil
        segments.removeAll(keepingCapacity: true)
    }

    /// Keeps the glyphs recorded since `start` for `text`, to be handed out again by
    /// ``replay(_:)``; not when they set a flag, nor when the recorder collects fonts.
    func keep(_ text: String, from start: Int, box: LetterBox) {
        guard !collect, !unusual, !missingGlyph, !ellipsized, start <= glyphs.count else { return }
        if kept.count >= Self.keptLimit { kept.removeAll(keepingCapacity: true) }
        kept[text] = (Array(glyphs[start...]), gray, box)
    }

    /// Records again the glyphs kept for `text`, as they were recorded; the box they took,
    /// or nil when none are kept.
    func replay(_ text: String) -> LetterBox? {
        guard let recorded = kept[text] else { return nil }
        glyphs += recorded.glyphs
        gray = recorded.gray
        return recorded.box
    }

    /// Clears ``unusual`` and ``ellipsized``, keeping what was recorded.
    func clearUnusual() {
        unusual = false
        missingGlyph = false
        ellipsized = false
    }

    // MARK: - LetterCanvas

    func setGray(_ gray: Double) { self.gray = gray }
    func setLineWidth(_ width: Double) { lineWidth = width }
    func moveTo(_ x: Double, _ y: Double) { pathStart = (x, y) }

    func lineTo(_ x: Double, _ y: Double) {
        if let start = pathStart { segments.append((start.x, start.y, x, y)) }
        pathStart = (x, y)
    }

    func stroke() {
        for (x1, y1, x2, y2) in segments {
            lines.append(StrokedLine(x1: x1, y1: y1, x2: x2, y2: y2, width: lineWidth, gray: gray))
        }
        segments.removeAll(keepingCapacity: true)
        pathStart = nil
    }

    func drawLogo(_ logo: SenderLogo, in box: LetterBox) {
        logoBox = box
    }

    func beginTag(_ tag: StructureTag) {
        marks.append(StructureMark(tag: tag, opens: true, glyph: glyphs.count))
    }

    func endTag(_ tag: StructureTag) {
        marks.append(StructureMark(tag: tag, opens: false, glyph: glyphs.count))
    }

    func showLayout(_ layout: OpaquePointer, x: Double, y: Double) {
        noteEllipsis(of: layout)
        let walked = forEachLine(of: layout) { line, logical, baseline in
            showLayoutLine(line, x: x + Self.points(logical.x), baseline: y + Self.points(baseline))
        }
        if !walked { unusual = true }
    }

    /// Sets ``ellipsized`` when pango cut the layout: for a layout drawn line by line.
    func noteEllipsis(of layout: OpaquePointer) {
        if pango_layout_is_ellipsized(layout) != 0 { ellipsized = true }
    }

    func showLayoutLine(_ line: UnsafeMutablePointer<PangoLayoutLine>, x: Double, baseline: Double) {
        let text = collect ? pango_layout_get_text(line.pointee.layout) : nil
        var offset: Int32 = 0  // pango units from x, summed as pango's renderer does
        var node = line.pointee.runs
        while let current = node {
            node = current.pointee.next
            guard let data = current.pointee.data else { continue }
            let run = data.assumingMemoryBound(to: PangoGlyphItem.self)
            offset += walk(run, x: x, baseline: baseline, offset: offset, text: text)
        }
    }

    /// Records a line ``PangoLineShaper`` shaped, with the left end of its baseline at
    /// (`x`, `baseline`), as ``showLayoutLine(_:x:baseline:)`` records a run of the same glyphs.
    func showLine(_ line: PangoLineShaper.Line, of shaper: PangoLineShaper, x: Double, baseline: Double) {
        var position: Int32 = 0
        for info in line.glyphs {
            record(info, face: shaper.face, size: shaper.size, x: x, baseline: baseline, position: position)
            position += info.geometry.width
        }
    }

    /// Records a glyph of a face `position` pango units along a baseline, numbered as in the
    /// subsets when the recorder maps them; false (and ``unusual`` set) when a subset lacks it.
    @discardableResult
    private func record(_ info: PangoGlyphInfo, face: FastFontFace, size: Double, x: Double, baseline: Double,
                        position: Int32) -> Bool {
        var (glyph, face) = (info.glyph, face)
        if let subsetGlyphs {
            guard let mapped = PlacedGlyph.subsetGlyph(glyph, face: face, in: subsetGlyphs) else {
                unusual = true
                return false
            }
            (glyph, face) = mapped
        }
        glyphs.append(PlacedGlyph(glyph: glyph, face: face, size: size,
                                  x: x + Self.points(position + info.geometry.x_offset),
                                  y: baseline + Self.points(info.geometry.y_offset), gray: gray))
        return true
    }

    // MARK: - Glyph runs

    private static func points(_ units: Int32) -> Double { Double(units) / Double(PANGO_SCALE) }

    /// The space glyph of a face's font, looked up once.
    private func spaceGlyph(_ face: FastFontFace, _ font: UnsafeMutablePointer<PangoFont>?) -> UInt32? {
        if let glyph = spaceGlyphs[face] { return glyph }
        guard let font, let hbFont = pango_font_get_hb_font(font) else { return nil }
        var glyph: hb_codepoint_t = 0
        guard hb_font_get_nominal_glyph(hbFont, 0x20, &glyph) != 0 else { return nil }
        spaceGlyphs[face] = glyph
        return glyph
    }

    /// Which face and size a run's font is, or nil for anything but DejaVu Sans upright.
    private func face(of font: UnsafeMutablePointer<PangoFont>?) -> (face: FastFontFace, size: Double)? {
        guard let font, let description = pango_font_describe_with_absolute_size(font) else { return nil }
        defer { pango_font_description_free(description) }
        guard let family = pango_font_description_get_family(description),
              String(cString: family) == "DejaVu Sans",
              pango_font_description_get_style(description) == PANGO_STYLE_NORMAL
        else { return nil }
        let size = Self.points(pango_font_description_get_size(description))
        switch pango_font_description_get_weight(description) {
        case PANGO_WEIGHT_NORMAL: return (.regular, size)
        case PANGO_WEIGHT_BOLD: return (.bold, size)
        default: return nil
        }
    }

    /// Records one run's glyphs; returns the run's width in pango units.
    private func walk(_ run: UnsafeMutablePointer<PangoGlyphItem>, x: Double, baseline: Double, offset: Int32,
                      text: UnsafePointer<CChar>?) -> Int32 {
        guard let item = run.pointee.item, let string = run.pointee.glyphs else {
            unusual = true
            return 0
        }
        let count = Int(string.pointee.num_glyphs)
        guard count > 0, let infos = string.pointee.glyphs else { return 0 }
        let font = face(of: item.pointee.analysis.font)
        if font == nil { unusual = true }
        if collect, let font, fontFiles[font.face] == nil {
            fontFiles[font.face] = Self.fontFile(item.pointee.analysis.font)
        }
        var position = offset
        for index in 0..<count {
            var info = infos[index]
            defer { position += info.geometry.width }
            if info.glyph == Self.emptyGlyph {
                // A space pango does not draw (where a line wraps): an invisible space glyph,
                // so the text reads "word word", not "wordword".
                guard let font, let space = spaceGlyph(font.face, item.pointee.analysis.font) else { continue }
                info.glyph = space
            }
            if info.glyph & Self.unknownFlag != 0 { missingGlyph = true }
            guard let font, info.glyph & Self.unknownFlag == 0 else {
                unusual = true
                continue
            }
            guard record(info, face: font.face, size: font.size, x: x, baseline: baseline, position: position)
            else { continue }
            if collect, infos[index].glyph != Self.emptyGlyph, let text, let clusters = string.pointee.log_clusters {
                collectText(glyph: info.glyph, face: font.face, index: index, count: count,
                            clusters: clusters, item: item.pointee, text: text)
            }
        }
        return position - offset
    }

    /// Keeps the text of the glyph's cluster, for the ToUnicode map (first text seen wins).
    private func collectText(glyph: UInt32, face: FastFontFace, index: Int, count: Int,
                             clusters: UnsafeMutablePointer<Int32>, item: PangoItem, text: UnsafePointer<CChar>) {
        if glyphText[face]?[glyph] != nil { return }
        let start = Int(clusters[index])
        // The first glyph of a cluster stands for it; the others for nothing.
        if index > 0 && Int(clusters[index - 1]) == start { return }
        var end = Int(item.length)
        for other in 0..<count where Int(clusters[other]) > start { end = min(end, Int(clusters[other])) }
        guard end > start else { return }
        let bytes = UnsafeRawBufferPointer(start: text + Int(item.offset) + start, count: end - start)
        glyphText[face, default: [:]][glyph] = String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes of the font file behind a pango font, read through its HarfBuzz face.
    private static func fontFile(_ font: UnsafeMutablePointer<PangoFont>?) -> [UInt8]? {
        guard let font, let hbFont = pango_font_get_hb_font(font), let face = hb_font_get_face(hbFont),
              let blob = hb_face_reference_blob(face)
        else { return nil }
        defer { hb_blob_destroy(blob) }
        var length: UInt32 = 0
        guard let data = hb_blob_get_data(blob, &length), length > 0 else { return nil }
        return Array(UnsafeRawBufferPointer(start: data, count: Int(length)))
    }
}

/// Calls `body` with each line of a layout, the line's logical box and its baseline (pango
/// units from the layout's top-left corner), in order: where pango's renderer draws it.
/// False when pango gives no iterator.
func forEachLine(of layout: OpaquePointer,
                 _ body: (UnsafeMutablePointer<PangoLayoutLine>, PangoRectangle, Int32) -> Void) -> Bool {
    guard let iterator = pango_layout_get_iter(layout) else { return false }
    defer { pango_layout_iter_free(iterator) }
    repeat {
        var logical = PangoRectangle()
        pango_layout_iter_get_line_extents(iterator, nil, &logical)
        if let line = pango_layout_iter_get_line_readonly(iterator) {
            body(line, logical, pango_layout_iter_get_baseline(iterator))
        }
    } while pango_layout_iter_next_line(iterator) != 0
    return true
}
