internal import CPangoCairo

/// pango's shaping of one font outside a layout, for the fast path's shapers
/// (``PangoWordShaper``, ``PangoLineShaper``): an item with the analysis (font, language,
/// script) of a probe line's first run, and the glyph string it shapes into. It owns both.
final class PangoItemShaper {
    let item: UnsafeMutablePointer<PangoItem>
    let glyphString: UnsafeMutablePointer<PangoGlyphString>
    /// The face and size of the probe's glyphs, as ``GlyphRecorder`` records them.
    let face: FastFontFace
    let size: Double

    /// Takes the analysis of the first run of a laid-out probe line; nil when the line has
    /// no run, or glyphs ``GlyphRecorder`` finds unusual (another font, a missing glyph).
    init?(line: UnsafeMutablePointer<PangoLayoutLine>) {
        guard let runs = line.pointee.runs, let data = runs.pointee.data else { return nil }
        let run = data.assumingMemoryBound(to: PangoGlyphItem.self)
        guard let source = run.pointee.item, let font = source.pointee.analysis.font else { return nil }
        let recorder = GlyphRecorder(collectFonts: false)
        recorder.showLayoutLine(line, x: 0, baseline: 0)
        guard !recorder.unusual, let first = recorder.glyphs.first else { return nil }
        face = first.face
        size = first.size
        // GLib aborts when out of memory: these constructors never return NULL.
        item = pango_item_new()!
        item.pointee.analysis = source.pointee.analysis
        item.pointee.analysis.extra_attrs = nil
        g_object_ref(UnsafeMutableRawPointer(font))
        glyphString = pango_glyph_string_new()!
    }

    deinit {
        pango_item_free(item)  // unrefs the font
        pango_glyph_string_free(glyphString)
    }

    /// Shapes a text as the item with pango's shaper and rounding into ``glyphString``, and
    /// returns what `body` makes of it, given the text's bytes.
    func shape<Result>(_ text: String, _ body: (UnsafeBufferPointer<CChar>) -> Result) -> Result {
        var copy = text
        return copy.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                item.pointee.offset = 0
                item.pointee.length = Int32(chars.count)
                item.pointee.num_chars = Int32(text.unicodeScalars.count)
                pango_shape_item(item, chars.baseAddress, Int32(chars.count), nil, glyphString,
                                 PANGO_SHAPE_ROUND_POSITIONS)
                return body(chars)
            }
        }
    }

    /// The glyphs of the last text shaped.
    var glyphs: [PangoGlyphInfo] {
        let count = Int(glyphString.pointee.num_glyphs)
        return count > 0 ? Array(UnsafeBufferPointer(start: glyphString.pointee.glyphs, count: count)) : []
    }
}
