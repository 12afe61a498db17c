internal import CPangoCairo
internal import Foundation

/// A rendered letter: the PDF and what the layout measured.
public struct RenderedLetter: Sendable {
    /// The PDF file's bytes.
    public let pdf: [UInt8]
    /// The number of pages.
    public let pageCount: Int
    /// The box the window text (return line, name, c/o, address) actually takes on page 1.
    ///
    /// On paper, the address block at the normal text size, never wrapped or cut (SPEC §2
    /// limits it to 6 lines of 34 characters). In a digital letter, long names wrap,
    /// then the font shrinks, and only as a last resort the block is cut with an ellipsis.
    package let windowText: LetterBox
    /// The font size, in points, the recipient block was set in.
    public let recipientFontSize: Double
}

/// Draws letters as A4 PDF files with pango and cairo.
///
/// The renderer holds the font map, the pango context, the fonts and a pool of
/// layouts, and reuses them for every letter: make one and render many letters
/// with it. It is **not thread-safe**: the pipeline creates one renderer per worker
/// task and never shares it. It is not `Sendable` for that reason.
///
/// Fonts are DejaVu Sans, found by fontconfig and embedded as subsets. The PDF's
/// creation and modification dates are the letter's date, so the same content
/// always gives the same bytes.
///
/// ```swift
/// let renderer = try LetterRenderer()
/// for letter in letters {
///     let pdf = try renderer.render(try composer.compose(letter))
/// }
/// ```
///
/// With ``GlyphRecorder`` (`PangoGlyphRuns.swift`, the fast path's glyph runs),
/// ``PangoWordShaper`` (the fast path's word-by-word shaping) and ``PangoLineShaper`` (its
/// lines set from characters and pairs) the only file that talks to pango, and the only one
/// that talks to cairo: it owns every pointer and frees it in `deinit` or a `defer`.
public final class LetterRenderer {
    private let fontMap: UnsafeMutablePointer<PangoFontMap>
    private let context: OpaquePointer
    private var layouts: [OpaquePointer] = []
    /// Shaped body blocks by content; emptied when it grows past ``bodyLayoutLimit``.
    private var bodyLayouts: [LetterBlock: BodyLayout] = [:]
    /// Shaped dates by text (every letter of a day has the same); emptied past ``bodyLayoutLimit``.
    private var dateLayouts: [String: OpaquePointer] = [:]
    /// The fast path's word shapers by block kind and weight (nil where the probe failed).
    private var wordShapers: [Int: PangoWordShaper?] = [:]
    /// The fast path's line shapers by font and size (nil where the probe failed or a line
    /// differed from pango's), each with how many of its lines were checked against pango.
    private var lineShapers: [LineShaperKey: (shaper: PangoLineShaper?, checked: Int)] = [:]
    /// One space in a font at a size (``LineShaperKey``), drawn where a line ends (``showLines``).
    private var spaceLayouts: [LineShaperKey: OpaquePointer] = [:]
    /// Lines of each line shaper laid out with pango too, and compared.
    private static let lineChecksPerShaper = 16
    /// Whether the fast path sets short lines with line shapers (``showShapedLines``); off,
    /// it lays them out with pango as the reference renderer does (for comparing the two).
    var shapesLines = true
    /// Texts set by line shapers so far (a recipient block counts once).
    private(set) var shapedLineCount = 0
    /// Sender logos read so far, by file.
    private var logos: [URL: SenderLogo] = [:]
    /// Enough for every block of the ten letters, with room for blocks that hold a name.
    private static let bodyLayoutLimit = 600
    private let fonts: Fonts

    /// A font description (by address: the renderer's own, made once) at a size.
    private struct LineShaperKey: Hashable {
        let font: Int
        let size: Int32

        init(_ font: OpaquePointer) {
            self.font = Int(bitPattern: UnsafeRawPointer(font))
            size = pango_font_description_get_size(font)
        }
    }

    /// The font descriptions, made once.
    private struct Fonts {
        let body: OpaquePointer
        let title: OpaquePointer
        let heading: OpaquePointer
        let senderName: OpaquePointer
        let sender: OpaquePointer
        let small: OpaquePointer
        let footer: OpaquePointer
        /// The recipient block, resized while fitting it into the window.
        let recipient: OpaquePointer

        var all: [OpaquePointer] { [body, title, heading, senderName, sender, small, footer, recipient] }
    }

    /// The Info dictionary's `/Producer` and the XMP's `pdf:Producer`.
    static let producer = "postbatch reference renderer (cairo \(String(cString: cairo_version_string())))"

    /// Body text size in points.
    static let bodySize = 10.0
    /// The recipient block's largest and smallest font sizes (digital letters: name and c/o).
    static let recipientSizes = (largest: 10.5, smallest: 6.5)
    /// The size of a paper letter's address block: the letter's normal text size, for every
    /// block (SPEC §2: 6 lines of 34 characters fit the window at this size).
    static let addressSize = bodySize

    /// Creates a renderer with its own font map and pango context.
    ///
    /// - Throws: ``LetterError`` with code `letter_pdf` if pango cannot make a context.
    public init() throws(LetterError) {
        guard let map = pango_cairo_font_map_new() else {
            throw LetterError(code: .pdf, file: "letter", detail: "pango could not create a font map")
        }
        guard let context = pango_font_map_create_context(map) else {
            g_object_unref(UnsafeMutableRawPointer(map))
            throw LetterError(code: .pdf, file: "letter", detail: "pango could not create a context")
        }
        self.fontMap = map
        self.context = context
        // Points, not pixels: pango-cairo assumes 96 dpi unless told.
        pango_cairo_context_set_resolution(context, 72)
        // Metrics that do not depend on a device, so layout is the same everywhere.
        if let options = cairo_font_options_create() {
            cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
            cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
            pango_cairo_context_set_font_options(context, options)
            cairo_font_options_destroy(options)
        }
        pango_context_set_language(context, pango_language_from_string("da"))
        func font(_ size: Double, bold: Bool = false) -> OpaquePointer {
            // GLib aborts when out of memory, so these constructors never return NULL.
            let description = pango_font_description_new()!
            pango_font_description_set_family(description, "DejaVu Sans")
            pango_font_description_set_weight(description, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
            pango_font_description_set_absolute_size(description, size * Double(PANGO_SCALE))
            return description
        }
        self.fonts = Fonts(
            body: font(Self.bodySize), title: font(14, bold: true), heading: font(11, bold: true),
            senderName: font(11, bold: true), sender: font(8.5), small: font(6.5), footer: font(7.5),
            recipient: font(Self.recipientSizes.largest))
    }

    deinit {
        for layout in layouts { g_object_unref(UnsafeMutableRawPointer(layout)) }
        for body in bodyLayouts.values { g_object_unref(UnsafeMutableRawPointer(body.layout)) }
        for layout in dateLayouts.values { g_object_unref(UnsafeMutableRawPointer(layout)) }
        for layout in spaceLayouts.values { g_object_unref(UnsafeMutableRawPointer(layout)) }
        for description in fonts.all { pango_font_description_free(description) }
        g_object_unref(UnsafeMutableRawPointer(context))
        g_object_unref(UnsafeMutableRawPointer(fontMap))
    }

    /// Renders a letter as PDF bytes.
    ///
    /// - Parameter letter: the content from ``LetterComposer/compose(_:redactProtectedAddress:)``.
    /// - Returns: an A4 PDF/A-2b, tagged (``LetterStructure``); one page when the text
    ///   allows, else as many as needed, each numbered `Side n af N` / `Page n of N`.
    /// - Throws: ``LetterError`` with code `letter_pdf` when cairo reports a failure.
    ///   A long name in a digital letter is not an error: it is wrapped or set smaller.
    package func render(_ letter: LetterContent) throws(LetterError) -> [UInt8] {
        try renderDetailed(letter).pdf
    }

    /// Renders a letter and reports what the layout measured.
    ///
    /// - Throws: ``LetterError`` with code `letter_pdf` when cairo reports a failure.
    package func renderDetailed(_ letter: LetterContent) throws(LetterError) -> RenderedLetter {
        try requirePrintable(letter)
        let logo = try self.logo(for: letter)
        let placement = place(letter.blocks)
        let sink = ByteSink()
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        guard let surface = cairo_pdf_surface_create_for_stream(
            { closure, data, length in
                guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                return CAIRO_STATUS_SUCCESS
            },
            unmanaged.toOpaque(), LetterPage.width, LetterPage.height)
        else {
            throw LetterError(code: .pdf, file: "letter", detail: "cairo could not create a PDF surface")
        }
        defer { cairo_surface_destroy(surface) }
        setMetadata(surface, letter)
        guard let cr = cairo_create(surface) else {
            throw LetterError(code: .pdf, file: "letter", detail: "cairo could not create a drawing context")
        }
        defer { cairo_destroy(cr) }
        let canvas = CairoCanvas(cr)

        var windowText = LetterBox(x: LetterPage.recipientBox.x, y: LetterPage.recipientBox.y, width: 0, height: 0)
        var recipientSize = Self.recipientSizes.largest
        // Drawn in reading order, each part inside its structure tags: the content stream
        // reads as the letter does (recipient, date, sender, then the body).
        canvas.beginTag(.document)
        for page in 0..<placement.pageCount {
            if page == 0 {
                let fitted = drawRecipient(canvas, letter)
                recipientSize = fitted.size
                drawDate(canvas, letter)
                drawFoldMarks(canvas)
                drawSender(canvas, letter, logo: logo)
                windowText = drawReturnLine(canvas, letter).union(fitted.box)
            }
            drawBody(canvas, placement, page: page)
            drawFooter(canvas, letter, page: page, of: placement.pageCount)
            if page + 1 == placement.pageCount { canvas.endTag(.document) }
            cairo_show_page(cr)
        }
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            let reason = cairo_status_to_string(status).map { String(cString: $0) } ?? "unknown"
            throw LetterError(code: .pdf, file: "letter", detail: "cairo failed to write the PDF: \(reason)")
        }
        return RenderedLetter(pdf: try Self.conforming(sink.bytes, letter), pageCount: placement.pageCount,
                              windowText: windowText,
                              recipientFontSize: recipientSize)
    }

    /// Fails when a character of the personal parts (name, c/o, address) has no glyph in any
    /// installed font, so that no letter ever shows a box for it.
    ///
    /// pango falls back from DejaVu Sans to any font fontconfig knows (the Debian packages
    /// `fonts-noto-core`, `fonts-noto-cjk` and `fonts-symbola` cover Arabic, Hebrew, Indic,
    /// CJK and emoji); cairo embeds the fallback fonts as subsets like DejaVu.
    private func requirePrintable(_ letter: LetterContent) throws(LetterError) {
        let recorder = GlyphRecorder(collectFonts: false)
        drawPersonalParts(letter, on: recorder)
        guard recorder.missingGlyph else { return }
        let missing = letter.recipientLines.joined().unicodeScalars.filter { !Self.canDraw($0, context: context) }
        let codes = missing.prefix(5).map { "U+" + String($0.value, radix: 16, uppercase: true) }
        throw LetterError(code: .unprintableText, file: "letter",
                          detail: "the recipient's name or address holds characters no installed font can draw "
                              + "(\(codes.joined(separator: ", "))); install a font that has them (fonts-noto-core, "
                              + "fonts-noto-cjk, fonts-symbola) or correct the record")
    }

    /// Whether pango finds a font with a glyph for the character.
    private static func canDraw(_ scalar: Unicode.Scalar, context: OpaquePointer) -> Bool {
        if scalar.properties.isWhitespace || scalar.properties.generalCategory == .format
            || scalar.properties.generalCategory == .control { return true }
        guard let layout = pango_layout_new(context) else { return true }
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let text = String(Character(scalar))
        pango_layout_set_text(layout, text, Int32(text.utf8.count))
        return pango_layout_get_unknown_glyphs_count(layout) == 0
    }

    // MARK: - Output

    /// Collects the PDF bytes cairo writes; passed to cairo as its closure pointer.
    private final class ByteSink {
        var bytes: [UInt8] = []

        init() { bytes.reserveCapacity(32 * 1024) }
    }

    /// cairo's PDF made PDF/A-2b and tagged like the fast path's letters: one conformance
    /// for every letter of a run. What cairo drew outside the structure tags becomes an artifact.
    private static func conforming(_ cairoPDF: [UInt8], _ letter: LetterContent) throws(LetterError) -> [UInt8] {
        var pdf = cairoPDF
        let artifacts = try CairoArtifacts.markedContentStreams(in: pdf)
        try PDFAUpdate.append(to: &pdf, letter: letter, producer: producer,
                              catalogEntries: LetterStructure.catalogEntries(language: letter.language, marked: false),
                              objects: artifacts)
        return pdf
    }

    private func setMetadata(_ surface: OpaquePointer, _ letter: LetterContent) {
        // The letter's date, so the same content always gives the same bytes.
        let date = "\(letter.date.iso)T00:00:00Z"
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, letter.title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, letter.senderName)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, letter.subject)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "postbatch")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date)
    }

    // MARK: - Layouts

    /// The `index`-th layout of the pool, made on first use and reset for reuse.
    private func layout(_ index: Int) -> OpaquePointer {
        while layouts.count <= index {
            // GLib aborts when out of memory: pango_layout_new never returns NULL.
            layouts.append(pango_layout_new(context)!)
        }
        let layout = layouts[index]
        reset(layout)
        return layout
    }

    /// Sets a layout back to what ``drawText`` starts from: no text attributes, no width,
    /// height or ellipsis, left-aligned, wrapped at words (at characters within a long word).
    private func reset(_ layout: OpaquePointer) {
        pango_layout_set_attributes(layout, nil)
        pango_layout_set_width(layout, -1)
        pango_layout_set_height(layout, -1)
        pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_NONE)
        pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_spacing(layout, 0)
    }

    /// Sets runs of text with bold ranges as attributes (no markup parsing).
    private func setRuns(_ layout: OpaquePointer, _ runs: [LetterRun]) {
        var text = ""
        var bold: [(start: Int, end: Int)] = []
        for run in runs {
            let start = text.utf8.count
            text += run.text
            if run.bold { bold.append((start, text.utf8.count)) }
        }
        pango_layout_set_text(layout, text, Int32(text.utf8.count))
        guard !bold.isEmpty, let list = pango_attr_list_new() else { return }
        defer { pango_attr_list_unref(list) }
        for range in bold {
            guard let attribute = pango_attr_weight_new(PANGO_WEIGHT_BOLD) else { continue }
            attribute.pointee.start_index = UInt32(range.start)
            attribute.pointee.end_index = UInt32(range.end)
            pango_attr_list_insert(list, attribute)  // the list owns it now
        }
        pango_layout_set_attributes(layout, list)
    }

    private static func points(_ units: Int32) -> Double { Double(units) / Double(PANGO_SCALE) }
    private static func units(_ points: Double) -> Int32 { Int32((points * Double(PANGO_SCALE)).rounded()) }

    /// The logical size of a layout in points.
    private func size(_ layout: OpaquePointer) -> (width: Double, height: Double) {
        var width: Int32 = 0, height: Int32 = 0
        pango_layout_get_size(layout, &width, &height)
        return (Self.points(width), Self.points(height))
    }

    // MARK: - Body placement

    /// The body laid out on pages: where each line goes, and the layout it comes from (one per block).
    private struct Placement {
        let blocks: [LetterBlock]
        let lines: BodyPlacement
        let layouts: [OpaquePointer]
        var pageCount: Int { lines.pageCount }
    }

    /// A body block shaped and broken into lines, kept for the next letters.
    private struct BodyLayout {
        let layout: OpaquePointer
        let lines: [BodyLineMetrics]
    }

    /// Makes the layout of a body block and measures its lines; the caller owns the layout.
    private func bodyLayout(_ block: LetterBlock) -> BodyLayout {
        let layout = newBodyLayout(block)
        setRuns(layout, block.runs)
        return BodyLayout(layout: layout, lines: Self.lineMetrics(layout))
    }

    /// The top, height and baseline of each line of a layout, in points from its top.
    static func lineMetrics(_ layout: OpaquePointer) -> [BodyLineMetrics] {
        var lines: [BodyLineMetrics] = []
        if let iterator = pango_layout_get_iter(layout) {
            defer { pango_layout_iter_free(iterator) }
            repeat {
                var logical = PangoRectangle()
                pango_layout_iter_get_line_extents(iterator, nil, &logical)
                lines.append(BodyLineMetrics(top: points(logical.y), height: points(logical.height),
                                             baseline: points(pango_layout_iter_get_baseline(iterator))))
            } while pango_layout_iter_next_line(iterator) != 0
        }
        return lines
    }

    /// A new layout with the font, width and spacing of a body block, without text.
    private func newBodyLayout(_ block: LetterBlock) -> OpaquePointer {
        // GLib aborts when out of memory: pango_layout_new never returns NULL.
        let layout = pango_layout_new(context)!
        let font: OpaquePointer
        switch block {
        case .title: font = fonts.title
        case .heading: font = fonts.heading
        case .paragraph, .bullet: font = fonts.body
        }
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_font_description(layout, font)
        pango_layout_set_width(layout, Self.units(Self.bodyWidth(block)))
        pango_layout_set_spacing(layout, Self.units(block.isHeading ? 1 : 2.8))
        return layout
    }

    /// The width a body block is set in.
    private static func bodyWidth(_ block: LetterBlock) -> Double {
        LetterPage.bodyRight - LetterPage.bodyLeft - (block.isBullet ? BodyPlacement.bulletIndent : 0)
    }

    /// Lays out every block (or takes its kept layout) and assigns its lines to pages.
    private func place(_ blocks: [LetterBlock]) -> Placement {
        // Measure first: the heights decide where pages break. Most blocks are the
        // same in every letter of a group, so their shaped layouts are kept.
        if bodyLayouts.count > Self.bodyLayoutLimit {
            for body in bodyLayouts.values { g_object_unref(UnsafeMutableRawPointer(body.layout)) }
            bodyLayouts.removeAll(keepingCapacity: true)
        }
        var measured: [BodyLayout] = []
        measured.reserveCapacity(blocks.count)
        for block in blocks {
            if let body = bodyLayouts[block] {
                measured.append(body)
            } else {
                let body = bodyLayout(block)
                bodyLayouts[block] = body
                measured.append(body)
            }
        }
        return Placement(blocks: blocks, lines: BodyPlacement(blocks: blocks, metrics: measured.map(\.lines)),
                         layouts: measured.map(\.layout))
    }

    // MARK: - Drawing

    /// Draws the body lines of one page, in the steps of ``BodyPlacement/walk(page:blocks:_:)``.
    private func drawBody(_ canvas: some LetterCanvas, _ placement: Placement, page: Int) {
        canvas.setGray(0)
        let bulletLayout = self.layout(0)
        pango_layout_set_font_description(bulletLayout, fonts.body)
        setRuns(bulletLayout, [LetterRun("•")])
        placement.lines.walk(page: page, blocks: placement.blocks) { step in
            switch step {
            case .begin(let tag): canvas.beginTag(tag)
            case .end(let tag): canvas.endTag(tag)
            case .bullet(let bullet):
                if let first = pango_layout_get_line_readonly(bulletLayout, 0) {
                    canvas.showLayoutLine(first, x: bullet.x, baseline: bullet.baseline)
                }
            case .line(let line):
                if let layoutLine = pango_layout_get_line_readonly(placement.layouts[line.block], Int32(line.line)) {
                    canvas.showLayoutLine(layoutLine, x: line.x, baseline: line.baseline)
                }
            }
        }
    }

    /// Draws one piece of text in a box; returns the box the text takes.
    @discardableResult
    private func drawText(_ canvas: some LetterCanvas, _ text: String, font: OpaquePointer, in box: LetterBox,
                          align: PangoAlignment = PANGO_ALIGN_LEFT, ellipsize: Bool = false,
                          gray: Double = 0, lineEnds: Bool = false) -> LetterBox {
        if !ellipsize, let recorder = canvas as? GlyphRecorder,
           let shown = showShapedLines(recorder, [text], font: font, in: box, width: Self.units(box.width),
                                       align: align, gray: gray, lineEnds: lineEnds, pango: { pango in
                                           let layout = self.layout(0)
                                           self.setText(layout, text, font: font, in: box, align: align)
                                           return self.show(pango, layout, at: box, gray: gray,
                                                            lineEnds: lineEnds ? font : nil)
                                       }) {
            return shown
        }
        let layout = self.layout(0)
        setText(layout, text, font: font, in: box, align: align, ellipsize: ellipsize)
        return show(canvas, layout, at: box, gray: gray, lineEnds: lineEnds ? font : nil)
    }

    /// The fast path's way to draw short lines of one font, each its own paragraph: set by a
    /// ``PangoLineShaper`` where it sets every line and each fits `width` (pango units; nil
    /// for no width, as a layout without one), or nil to lay them out with pango. The box is
    /// what ``show(_:_:at:gray:)`` returns for them; nil too when it is higher than `height`.
    /// With a `tag`, the lines are that structure element; with `lineEnds`, each is followed
    /// by a space as ``showLines`` draws it. Each shaper's first lines are also laid out
    /// with pango by `pango` and compared; a shaper that ever differs is not used again.
    private func showShapedLines(_ recorder: GlyphRecorder, _ texts: [String], font: OpaquePointer, in box: LetterBox,
                                 width: Int32?, align: PangoAlignment, gray: Double, height: Double? = nil,
                                 tag: StructureTag? = nil, lineEnds: Bool = false,
                                 pango: (GlyphRecorder) -> LetterBox) -> LetterBox? {
        // No lines at all: a layout of no text is one empty line high; pango sets that.
        guard shapesLines, !recorder.collectsFonts, !texts.isEmpty,
              align == PANGO_ALIGN_LEFT || (align == PANGO_ALIGN_RIGHT && width != nil) else { return nil }
        let key = LineShaperKey(font)
        if lineShapers[key] == nil { lineShapers[key] = (lineShaper(font), 0) }
        guard let (made, checked) = lineShapers[key], let shaper = made else { return nil }
        let space = lineEnds ? shaper.line(" ") : nil
        if lineEnds && space == nil { return nil }
        var lines: [(line: PangoLineShaper.Line, offset: Int32, spaced: Bool)] = []
        lines.reserveCapacity(texts.count)
        for text in texts {
            guard let line = shaper.line(text), line.width <= width ?? .max else { return nil }
            let spaced = lineEnds && !Self.endsInSpace(text)
            lines.append((line, align == PANGO_ALIGN_RIGHT ? (width ?? 0) - line.width : 0, spaced))
        }
        let left = lines.map(\.offset).min() ?? 0
        let right = lines.map { $0.offset + $0.line.width }.max() ?? 0
        let shown = LetterBox(x: box.x + Self.points(left), y: box.y, width: Self.points(right - left),
                              height: Self.points(shaper.lineHeight * Int32(lines.count)))
        guard shown.height <= height ?? .infinity else { return nil }
        func draw(on canvas: GlyphRecorder) {
            if let tag { canvas.beginTag(tag) }
            canvas.setGray(gray)
            for (index, line) in lines.enumerated() {
                let baseline = box.y + Self.points(shaper.baseline + shaper.lineHeight * Int32(index))
                canvas.showLine(line.line, of: shaper, x: box.x + Self.points(line.offset), baseline: baseline)
                if line.spaced, let space {
                    canvas.showLine(space, of: shaper, x: box.x + Self.points(line.offset + line.line.width),
                                    baseline: baseline)
                }
            }
            if let tag { canvas.endTag(tag) }
        }
        if checked < Self.lineChecksPerShaper {
            let theirs = GlyphRecorder(collectFonts: false)
            let expected = pango(theirs)
            let ours = GlyphRecorder(collectFonts: false)
            draw(on: ours)
            guard expected == shown, theirs.glyphs == ours.glyphs, !theirs.unusual else {
                lineShapers[key] = (nil, checked)
                return nil
            }
            lineShapers[key] = (shaper, checked + 1)
        }
        draw(on: recorder)
        shapedLineCount += 1
        return shown
    }

    /// A line shaper of a font at its size, made from a probe; nil where the probe shows
    /// the shaper cannot be exact.
    private func lineShaper(_ font: OpaquePointer) -> PangoLineShaper? {
        let layout = self.layout(0)
        pango_layout_set_font_description(layout, font)
        setRuns(layout, [LetterRun("Probe")])
        return PangoLineShaper(probe: layout)
    }

    /// Sets one piece of text into a reset layout, in a box's width (and height, when ellipsized).
    private func setText(_ layout: OpaquePointer, _ text: String, font: OpaquePointer, in box: LetterBox,
                         align: PangoAlignment, ellipsize: Bool = false) {
        pango_layout_set_font_description(layout, font)
        pango_layout_set_width(layout, Self.units(box.width))
        pango_layout_set_alignment(layout, align)
        if ellipsize {
            pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END)
            pango_layout_set_height(layout, Self.units(box.height))
        }
        setRuns(layout, [LetterRun(text)])
    }

    /// The date set as ``drawText`` sets it, shaped once per text and kept.
    private func dateLayout(_ text: String) -> OpaquePointer {
        if let layout = dateLayouts[text] { return layout }
        if dateLayouts.count > Self.bodyLayoutLimit {
            for layout in dateLayouts.values { g_object_unref(UnsafeMutableRawPointer(layout)) }
            dateLayouts.removeAll(keepingCapacity: true)
        }
        // GLib aborts when out of memory: pango_layout_new never returns NULL.
        let layout = pango_layout_new(context)!
        reset(layout)
        setText(layout, text, font: fonts.sender, in: LetterPage.dateBox, align: PANGO_ALIGN_RIGHT)
        dateLayouts[text] = layout
        return layout
    }

    /// Shows a layout with its top-left at the box's corner; returns the ink-free logical box
    /// it takes. With `lineEnds`, the layout's font, each line is followed by a space (``showLines``).
    private func show(_ canvas: some LetterCanvas, _ layout: OpaquePointer, at box: LetterBox,
                      gray: Double = 0, lineEnds font: OpaquePointer? = nil) -> LetterBox {
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, nil, &logical)
        canvas.setGray(gray)
        if let font {
            showLines(canvas, layout, font: font, at: box)
        } else {
            canvas.showLayout(layout, x: box.x, y: box.y)
        }
        return LetterBox(x: box.x + Self.points(logical.x), y: box.y + Self.points(logical.y),
                         width: Self.points(logical.width), height: Self.points(logical.height))
    }

    /// Shows a layout line by line, each followed by a space where it ends unless it ends in
    /// one: nothing to see, but the text of the structure, which a screen reader reads, keeps
    /// the last word of a line apart from the first of the next (in tagged PDF a word break
    /// is a space character, ISO 32000-1, 14.8.2.5). The recipient, date and sender blocks
    /// are set line by line, without the spaces a wrapped paragraph has.
    private func showLines(_ canvas: some LetterCanvas, _ layout: OpaquePointer, font: OpaquePointer,
                           at box: LetterBox) {
        guard let text = pango_layout_get_text(layout), let space = spaceLine(font) else {
            return canvas.showLayout(layout, x: box.x, y: box.y)
        }
        (canvas as? GlyphRecorder)?.noteEllipsis(of: layout)
        let walked = forEachLine(of: layout) { line, logical, baseline in
            let baseline = box.y + Self.points(baseline)
            canvas.showLayoutLine(line, x: box.x + Self.points(logical.x), baseline: baseline)
            let end = Int(line.pointee.start_index + line.pointee.length)
            guard line.pointee.length > 0, !Self.isSpace(UInt8(bitPattern: text[end - 1])) else { return }
            canvas.showLayoutLine(space, x: box.x + Self.points(logical.x + logical.width), baseline: baseline)
        }
        if !walked { canvas.showLayout(layout, x: box.x, y: box.y) }
    }

    /// The line of one space in a font at its size, laid out once.
    private func spaceLine(_ font: OpaquePointer) -> UnsafeMutablePointer<PangoLayoutLine>? {
        let key = LineShaperKey(font)
        if let layout = spaceLayouts[key] { return pango_layout_get_line_readonly(layout, 0) }
        // GLib aborts when out of memory: pango_layout_new never returns NULL.
        let layout = pango_layout_new(context)!
        reset(layout)
        pango_layout_set_font_description(layout, font)
        setRuns(layout, [LetterRun(" ")])
        spaceLayouts[key] = layout
        return pango_layout_get_line_readonly(layout, 0)
    }

    /// Whether a text's last character is a space or tab (pango keeps it on the line).
    private static func endsInSpace(_ text: String) -> Bool {
        text.utf8.last.map(isSpace) ?? true
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// The letter's logo, read on first use.
    ///
    /// - Throws: ``LetterError`` `letter_pdf` when the file is not a readable PNG or SVG.
    func logo(for letter: LetterContent) throws(LetterError) -> SenderLogo? {
        guard let url = letter.senderLogo else { return nil }
        if let logo = logos[url] { return logo }
        let logo = try SenderLogo(url: url)
        logos[url] = logo
        return logo
    }

    /// The sender block: the logo if there is one, then name, address and contact below it.
    private func drawSender(_ canvas: some LetterCanvas, _ letter: LetterContent, logo: SenderLogo?) {
        var box = LetterPage.senderBox
        if let logo {
            let logoBox = logo.box(in: box)
            canvas.drawLogo(logo, in: logoBox)
            let top = logoBox.maxY + LetterPage.mm(3)
            box = LetterBox(x: box.x, y: top, width: box.width, height: max(0, box.maxY - top))
        }
        canvas.beginTag(.paragraph)
        let name = drawText(canvas, letter.senderName, font: fonts.senderName, in: box, lineEnds: true)
        let address = ([""] + letter.senderAddressLines + ["", letter.senderContact]).joined(separator: "\n")
        let rest = LetterBox(x: box.x, y: name.maxY, width: box.width, height: max(0, box.maxY - name.maxY))
        drawText(canvas, address, font: fonts.sender, in: rest, gray: 0.15, lineEnds: true)
        canvas.endTag(.paragraph)
    }

    /// Sets the recipient lines in the window.
    ///
    /// A paper letter's lines are its ``AddressBlock``: at most 6 lines of 34 characters,
    /// set as they are at ``addressSize``, never wrapped, shrunk or cut, so the window
    /// shows exactly what the fjernprint envelope says. Other letters show the name and
    /// c/o line: wrapped, then shrunk, then cut with an ellipsis as a last resort.
    private func drawRecipient(_ canvas: some LetterCanvas, _ letter: LetterContent) -> (box: LetterBox, size: Double) {
        // The fast path: the lines as they are at the largest size, where they fit the window.
        if let recorder = canvas as? GlyphRecorder {
            let box = LetterPage.recipientBox
            let print = letter.channel == .print
            let size = print ? Self.addressSize : Self.recipientSizes.largest
            pango_font_description_set_absolute_size(fonts.recipient, size * Double(PANGO_SCALE))
            if let shown = showShapedLines(recorder, letter.recipientLines, font: fonts.recipient, in: box,
                                           width: print ? nil : Self.units(box.width), align: PANGO_ALIGN_LEFT,
                                           gray: 0, height: print ? nil : box.height, tag: .paragraph,
                                           lineEnds: true, pango: { layOutRecipient($0, letter).box }) {
                return (shown, size)
            }
        }
        return layOutRecipient(canvas, letter)
    }

    /// The recipient block laid out with pango: ``drawRecipient(_:_:)`` without the fast path.
    private func layOutRecipient(_ canvas: some LetterCanvas, _ letter: LetterContent) -> (box: LetterBox, size: Double) {
        let box = LetterPage.recipientBox
        let layout = self.layout(0)
        let lines = letter.recipientLines
        if letter.channel == .print {
            pango_font_description_set_absolute_size(fonts.recipient, Self.addressSize * Double(PANGO_SCALE))
            pango_layout_set_font_description(layout, fonts.recipient)
            setRuns(layout, [LetterRun(lines.joined(separator: "\n"))])
            return (showParagraph(canvas, layout, at: box, font: fonts.recipient), Self.addressSize)
        }
        pango_layout_set_width(layout, Self.units(box.width))
        setRuns(layout, [LetterRun(lines.joined(separator: "\n"))])
        var size = Self.recipientSizes.largest
        while true {
            pango_font_description_set_absolute_size(fonts.recipient, size * Double(PANGO_SCALE))
            pango_layout_set_font_description(layout, fonts.recipient)
            if self.size(layout).height <= box.height { break }
            if size <= Self.recipientSizes.smallest {
                // Last resort: cut each long line (name, c/o, street) to fewer wrapped
                // lines with "…", so the postcode, city and country stay whole.
                pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END)
                for lines in [3, 2, 1] as [Int32] {
                    pango_layout_set_height(layout, -lines)
                    if self.size(layout).height <= box.height { break }
                }
                if self.size(layout).height > box.height {
                    pango_layout_set_height(layout, Self.units(box.height))
                }
                break
            }
            size -= 0.5
        }
        return (showParagraph(canvas, layout, at: box, font: fonts.recipient), size)
    }

    /// Shows a layout of lines in a font as one paragraph of the structure, a space after each line.
    private func showParagraph(_ canvas: some LetterCanvas, _ layout: OpaquePointer, at box: LetterBox,
                               font: OpaquePointer) -> LetterBox {
        canvas.beginTag(.paragraph)
        defer { canvas.endTag(.paragraph) }
        return show(canvas, layout, at: box, lineEnds: font)
    }

    /// The sender's return address above the recipient in the window: an artifact (the
    /// sender block says it to a reader). Returns the box it takes.
    @discardableResult
    private func drawReturnLine(_ canvas: some LetterCanvas, _ letter: LetterContent) -> LetterBox {
        canvas.beginTag(.artifact)
        defer { canvas.endTag(.artifact) }
        return drawText(canvas, letter.returnLine, font: fonts.small, in: LetterPage.returnLine, ellipsize: true,
                        gray: 0.25)
    }

    /// Short marks in the left margin: where to fold for a DL envelope, and the punch mark.
    private func drawFoldMarks(_ canvas: some LetterCanvas) {
        canvas.setGray(0.6)
        canvas.setLineWidth(0.4)
        for (y, length) in LetterPage.foldMarks {
            canvas.moveTo(LetterPage.mm(4), y)
            canvas.lineTo(LetterPage.mm(4) + length, y)
        }
        canvas.stroke()
    }

    /// The letter's date, right-aligned at the bottom of the right column, and its reference below.
    private func drawDate(_ canvas: some LetterCanvas, _ letter: LetterContent) {
        canvas.beginTag(.paragraph)
        defer { canvas.endTag(.paragraph) }
        let date = showDate(canvas, letter.dateText)
        // The letter's reference under the date, for the citizen to quote to support staff.
        var top = date.maxY + 1
        let box = LetterPage.dateBox
        if let reference = letter.referenceText {
            top = drawText(canvas, reference, font: fonts.small, in: LetterBox(x: box.x, y: top, width: box.width, height: 8),
                           align: PANGO_ALIGN_RIGHT, gray: 0.25, lineEnds: true).maxY
        }
        // A name the window shows shortened, in full: the letter names the person as written.
        if let fullName = letter.fullNameText {
            drawText(canvas, fullName, font: fonts.small, in: LetterBox(x: box.x, y: top, width: box.width, height: 24),
                     align: PANGO_ALIGN_RIGHT, gray: 0.25, lineEnds: true)
        }
    }

    /// The date line, as ``show(_:_:at:gray:lineEnds:)`` shows it. A recorder (the fast path)
    /// records a day's date once and is handed the same glyphs for the day's other letters.
    private func showDate(_ canvas: some LetterCanvas, _ text: String) -> LetterBox {
        let recorder = canvas as? GlyphRecorder
        if let recorder, let box = recorder.replay(text) { return box }
        let start = recorder?.glyphs.count ?? 0
        let box = show(canvas, dateLayout(text), at: LetterPage.dateBox, lineEnds: fonts.sender)
        recorder?.keep(text, from: start, box: box)
        return box
    }

    /// The rule, the footer line and the page number: artifacts.
    func drawFooter(_ canvas: some LetterCanvas, _ letter: LetterContent, page: Int, of count: Int) {
        canvas.beginTag(.artifact)
        defer { canvas.endTag(.artifact) }
        canvas.setGray(0.6)
        canvas.setLineWidth(0.5)
        canvas.moveTo(LetterPage.bodyLeft, LetterPage.footerRule)
        canvas.lineTo(LetterPage.bodyRight, LetterPage.footerRule)
        canvas.stroke()
        let labelWidth = LetterPage.mm(25)
        let width = LetterPage.bodyRight - LetterPage.bodyLeft
        drawText(canvas, letter.footerText, font: fonts.footer,
                 in: LetterBox(x: LetterPage.bodyLeft, y: LetterPage.footerTop, width: width - labelWidth, height: 10),
                 ellipsize: true, gray: 0.3)
        drawText(canvas, letter.pageLabel(page + 1, of: count), font: fonts.footer,
                 in: LetterBox(x: LetterPage.bodyRight - labelWidth, y: LetterPage.footerTop, width: labelWidth, height: 10),
                 align: PANGO_ALIGN_RIGHT, gray: 0.3)
    }
}

// MARK: - Fast path

extension LetterRenderer {
    /// Draws the parts of page 1 that are the same in every letter of a group,
    /// language and channel: fold marks, sender, return line, body and footer.
    ///
    /// - Returns: the number of pages the letter needs. The body of later pages is drawn
    ///   too, over page 1 (the glyphs it needs); the compiled page is used only for
    ///   one-page letters.
    func drawFixedParts(_ letter: LetterContent, on canvas: some LetterCanvas) throws(LetterError) -> Int {
        let placement = place(letter.blocks)
        drawFoldMarks(canvas)
        drawSender(canvas, letter, logo: try logo(for: letter))
        drawReturnLine(canvas, letter)
        for page in 0..<placement.pageCount { drawBody(canvas, placement, page: page) }
        drawFooter(canvas, letter, page: 0, of: placement.pageCount)
        return placement.pageCount
    }

    /// Shapes a body block as ``renderDetailed(_:)`` does and records each line's glyphs
    /// with x from the line's left end and y from its baseline (``wordShaper(for:)`` sets
    /// the same lines without a pango layout where it can).
    func shapeBlock(_ block: LetterBlock, on recorder: GlyphRecorder) -> ShapedBlock {
        let body = bodyLayout(block)
        defer { g_object_unref(UnsafeMutableRawPointer(body.layout)) }
        recorder.setGray(0)
        var lines: [[PlacedGlyph]] = []
        lines.reserveCapacity(body.lines.count)
        for index in body.lines.indices {
            let start = recorder.glyphs.count
            if let line = pango_layout_get_line_readonly(body.layout, Int32(index)) {
                recorder.showLayoutLine(line, x: 0, baseline: 0)
            }
            lines.append(Array(recorder.glyphs[start...]))
        }
        return ShapedBlock(metrics: body.lines, lines: lines)
    }

    /// The word shaper of a block's kind and weight, made from a probe on first use; nil
    /// for a block of several runs or where the probe shows the shaper cannot be exact.
    func wordShaper(for block: LetterBlock) -> PangoWordShaper? {
        guard block.runs.count == 1, let run = block.runs.first else { return nil }
        let kind: Int
        switch block {
        case .title: kind = 0
        case .heading: kind = 1
        case .paragraph: kind = 2
        case .bullet: kind = 3
        }
        let key = kind * 2 + (run.bold ? 1 : 0)
        if let shaper = wordShapers[key] { return shaper }
        let layout = newBodyLayout(block)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        setRuns(layout, [LetterRun(String(repeating: "Probe ", count: 80) + "Probe", bold: run.bold)])
        let shaper = PangoWordShaper(probe: layout, width: Self.units(Self.bodyWidth(block)))
        wordShapers[key] = .some(shaper)
        return shaper
    }

    /// Draws what page 1 has after its personal parts and before the body, the same in
    /// every letter of a template: fold marks, the sender block (with `logo`) and the return line.
    func drawHead(_ letter: LetterContent, logo: SenderLogo?, on canvas: some LetterCanvas) {
        drawFoldMarks(canvas)
        drawSender(canvas, letter, logo: logo)
        drawReturnLine(canvas, letter)
    }

    /// Draws the personal parts of page 1: the recipient block, fitted into the
    /// window as ``renderDetailed(_:)`` fits it, and the date.
    ///
    /// - Returns: the font size the recipient block was set in.
    @discardableResult
    func drawPersonalParts(_ letter: LetterContent, on canvas: some LetterCanvas) -> Double {
        let fitted = drawRecipient(canvas, letter)
        drawDate(canvas, letter)
        return fitted.size
    }
}

/// Where the renderer's drawing goes: a cairo PDF page, or the fast path's glyph recorder.
///
/// Coordinates are PDF points from the page's top-left corner, as cairo's.
protocol LetterCanvas: AnyObject {
    /// Sets the grey level (0 black, 1 white) of the text and lines that follow.
    func setGray(_ gray: Double)
    /// Sets the width of the lines that follow.
    func setLineWidth(_ width: Double)
    /// Starts a line segment.
    func moveTo(_ x: Double, _ y: Double)
    /// Ends a line segment.
    func lineTo(_ x: Double, _ y: Double)
    /// Strokes the segments since the last stroke.
    func stroke()
    /// Shows a whole layout with its top-left corner at (`x`, `y`).
    func showLayout(_ layout: OpaquePointer, x: Double, y: Double)
    /// Shows one line of a layout with the left end of its baseline at (`x`, `baseline`).
    func showLayoutLine(_ line: UnsafeMutablePointer<PangoLayoutLine>, x: Double, baseline: Double)
    /// Draws the sender's logo into a box.
    func drawLogo(_ logo: SenderLogo, in box: LetterBox)
    /// Opens a structure element (``StructureTag``) around what is drawn until ``endTag(_:)``.
    func beginTag(_ tag: StructureTag)
    /// Closes the innermost element ``beginTag(_:)`` opened.
    func endTag(_ tag: StructureTag)
}

/// The reference canvas: draws with cairo, in the order the calls come.
private final class CairoCanvas: LetterCanvas {
    private let cr: OpaquePointer

    init(_ cr: OpaquePointer) { self.cr = cr }

    func setGray(_ gray: Double) { cairo_set_source_rgb(cr, gray, gray, gray) }
    func setLineWidth(_ width: Double) { cairo_set_line_width(cr, width) }
    func moveTo(_ x: Double, _ y: Double) { cairo_move_to(cr, x, y) }
    func lineTo(_ x: Double, _ y: Double) { cairo_line_to(cr, x, y) }
    func stroke() { cairo_stroke(cr) }

    func showLayout(_ layout: OpaquePointer, x: Double, y: Double) {
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, layout)
    }

    func showLayoutLine(_ line: UnsafeMutablePointer<PangoLayoutLine>, x: Double, baseline: Double) {
        cairo_move_to(cr, x, baseline)
        pango_cairo_show_layout_line(cr, line)
    }

    func drawLogo(_ logo: SenderLogo, in box: LetterBox) {
        logo.draw(cr, in: box)
    }

    /// cairo writes structure tags as they come; it cannot mark artifacts, so artifacts are
    /// left untagged and ``CairoArtifacts`` marks what is untagged afterwards.
    func beginTag(_ tag: StructureTag) {
        if tag != .artifact { cairo_tag_begin(cr, tag.rawValue, "") }
    }

    func endTag(_ tag: StructureTag) {
        if tag != .artifact { cairo_tag_end(cr, tag.rawValue) }
    }
}

// MARK: - Not Sendable

/// A renderer mutates its pango layouts on every call and must stay in one task:
/// make one per worker instead of sharing one.
@available(*, unavailable)
extension LetterRenderer: Sendable {}

extension LetterBlock {
    /// The structure element of the block; a bullet's `LI` holds its `Lbl` and `LBody`.
    var structureTag: StructureTag {
        switch self {
        case .title: .title
        case .heading: .heading
        case .paragraph: .paragraph
        case .bullet: .listItem
        }
    }
}
