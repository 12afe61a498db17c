internal import CPangoCairo

/// Shapes a body block of one font word by word and breaks it into lines exactly as a
/// pango layout does: the fast path's way to set a paragraph with a personal value.
///
/// A pango layout shapes a paragraph of one font as one item and breaks it with
/// pango 1.50's `process_item`: at the last break opportunity (`pango_get_log_attrs`,
/// Unicode's line breaking rules as pango applies them) where the line, reshaped up to
/// the break and without its final space, fits; each line's glyphs are its text shaped
/// again. When no kerning or ligature reaches across a space (``isSpaceSeparable()``
/// checks this for every character of the repertoire), a text's glyphs are its words'
/// glyphs side by side, so each word is shaped once with `pango_shape_item` (pango's
/// own shaping, with its rounding) and kept, and the breaking is done on their widths.
/// Names and the fixed words around them repeat from letter to letter; only a word not
/// seen before is shaped.
///
/// Anything the shaper does not model returns nil, and the caller lays the block out
/// with pango: more than one run (bold), a character outside the repertoire, a break
/// that inserts a hyphen, or a word wider than the line.
final class PangoWordShaper {
    /// A shaped word: its glyphs and the logical width of each of its characters.
    private struct Word {
        let glyphs: [PangoGlyphInfo]
        let logicalWidths: [Int32]
        /// The sum of the glyphs' advances.
        var width: Int32 { glyphs.reduce(0) { $0 + $1.geometry.width } }
    }

    /// A paragraph being broken: its characters, and each word and space with its shape.
    private struct Paragraph {
        let scalars: [Unicode.Scalar]
        let pieces: [(range: Range<Int>, word: Word)]
    }

    private let shaper: PangoItemShaper
    private let width: Int32
    private let safeDistance: Int32
    /// The first line's metrics and the distance from one line's top to the next.
    private let firstLine: BodyLineMetrics
    private let pitch: Double
    /// Shaped words by their characters (not by `String`, whose hashing normalises: the
    /// same look-up costs a third as much, and canonically equal spellings stay apart as pango
    /// shapes them), looked up by a slice of the paragraph without a copy and kept as a
    /// slice of their own.
    private var words: [ArraySlice<Unicode.Scalar>: Word] = [:]
    /// The shape of one space, every other piece of a paragraph: kept out of the look-up.
    private var space: Word?
    private var logAttrs: [PangoLogAttr] = []
    /// Words kept at most; the cache is emptied past it.
    private static let wordLimit = 50_000

    /// Makes a shaper from a laid-out probe of the block's font, width and spacing, or
    /// nil when the probe shows something the shaper does not model.
    ///
    /// - Parameters:
    ///   - probe: a layout set up as the block's, holding at least three lines of plain words.
    ///   - width: the layout's width in pango units.
    init?(probe: OpaquePointer, width: Int32) {
        guard let line = pango_layout_get_line_readonly(probe, 0), let shaper = PangoItemShaper(line: line),
              let metrics = pango_font_get_metrics(shaper.item.pointee.analysis.font,
                                                   shaper.item.pointee.analysis.language) else { return nil }
        safeDistance = pango_font_metrics_get_approximate_char_width(metrics) * 3
        pango_font_metrics_unref(metrics)
        self.shaper = shaper
        let lines = LetterRenderer.lineMetrics(probe)
        guard lines.count >= 3, lines[2].top - lines[1].top == lines[1].top - lines[0].top,
              lines[1].height == lines[0].height, lines[2].height == lines[0].height else { return nil }
        firstLine = lines[0]
        pitch = lines[1].top - lines[0].top
        self.width = width
        guard isSpaceSeparable() else { return nil }
    }

    private static func points(_ units: Int32) -> Double { Double(units) / Double(PANGO_SCALE) }

    /// Characters the shaper sets: the repertoire of names and addresses, less the soft
    /// hyphen (a break at it inserts a hyphen).
    static func allowed(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (value >= 0x20 && value < 0x7F) || (value >= 0xA0 && value < 0x180 && value != 0xAD)
            || FastLetterTemplates.repertoire.contains(value)
    }

    /// Whether no character of the repertoire shapes differently next to a space.
    private func isSpaceSeparable() -> Bool {
        let space = word(" ")
        for value in FastLetterTemplates.repertoire where value != 0x20 && value != 0xAD {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let alone = word(String(Character(scalar)))
            for pair in [String(Character(scalar)) + " ", " " + String(Character(scalar))] {
                let together = shape(pair)
                let expected = pair.hasPrefix(" ") ? space.glyphs + alone.glyphs : alone.glyphs + space.glyphs
                guard together.glyphs.count == expected.count else { return false }
                for (a, b) in zip(together.glyphs, expected) where a.glyph != b.glyph
                    || a.geometry.width != b.geometry.width || a.geometry.x_offset != b.geometry.x_offset
                    || a.geometry.y_offset != b.geometry.y_offset {
                    return false
                }
            }
        }
        return true
    }

    /// A word's shape, kept.
    private func word(_ text: String) -> Word {
        word(Array(text.unicodeScalars)[...])
    }

    /// The shape of the word of these characters, kept.
    private func word(_ scalars: ArraySlice<Unicode.Scalar>) -> Word {
        let isSpace = scalars.count == 1 && scalars.first == " "
        if isSpace, let space { return space }
        if let word = words[scalars] { return word }
        let word = shape(String(String.UnicodeScalarView(scalars)))
        if isSpace { space = word }
        if words.count >= Self.wordLimit { words.removeAll(keepingCapacity: true) }
        words[Array(scalars)[...]] = word
        return word
    }

    /// Shapes a text as one item with pango's shaper and rounding.
    private func shape(_ text: String) -> Word {
        shaper.shape(text) { chars in
            var widths = [Int32](repeating: 0, count: Int(shaper.item.pointee.num_chars))
            var glyphItem = PangoGlyphItem(item: shaper.item, glyphs: shaper.glyphString, y_offset: 0,
                                           start_x_offset: 0, end_x_offset: 0)
            widths.withUnsafeMutableBufferPointer {
                pango_glyph_item_get_logical_widths(&glyphItem, chars.baseAddress, $0.baseAddress)
            }
            return Word(glyphs: shaper.glyphs, logicalWidths: widths)
        }
    }
}

// MARK: - Breaking

extension PangoWordShaper {
    /// The block's lines as pango breaks and shapes them, or nil (see the type's discussion).
    func shape(_ block: LetterBlock) -> ShapedBlock? {
        guard block.runs.count == 1, let text = block.runs.first?.text else { return nil }
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty, scalars.allSatisfy(Self.allowed) else { return nil }
        // Labelled as the paragraph keeps them: an unlabelled tuple array would be cast element by element.
        let pieces = Self.pieces(scalars).map { (range: $0, word: word(scalars[$0])) }
        let paragraph = Paragraph(scalars: scalars, pieces: pieces)
        let widths = paragraph.pieces.flatMap(\.word.logicalWidths)
        guard widths.count == scalars.count else { return nil }
        if let line = singleLine(paragraph, widths) { return shaped([line]) }
        guard attributes(text, count: scalars.count) else { return nil }
        // A local copy (the same storage) is read without the exclusivity checks of a property.
        let attributes = logAttrs
        var lines: [[PlacedGlyph]] = []
        var start = 0
        while start < scalars.count {
            guard let end = breakLine(paragraph, widths, attributes, start: start) else { return nil }
            // pango empties the glyph of the space a line was broken after (`zero_line_final_space`);
            // ``GlyphRecorder`` records it as an invisible space glyph, as this line keeps it.
            guard let line = glyphs(paragraph, start, end) else { return nil }
            lines.append(line)
            start = end
        }
        return shaped(lines)
    }

    /// A paragraph of these lines.
    private func shaped(_ lines: [[PlacedGlyph]]) -> ShapedBlock {
        let metrics = lines.indices.map { index in
            BodyLineMetrics(top: firstLine.top + Double(index) * pitch, height: firstLine.height,
                            baseline: firstLine.baseline + Double(index) * pitch)
        }
        return ShapedBlock(metrics: metrics, lines: lines)
    }

    /// The paragraph as one line, where it fits one and ends in a visible character; nil
    /// where its break attributes are needed. pango breaks a paragraph that fits without
    /// reading them but at its end (``breakLine(_:_:_:start:)``'s first test), and there
    /// they are known: the end is a paragraph separator, so a break inserts no hyphen and
    /// removes nothing (but after U+2027, the hyphenation point), and the last character is
    /// not white space, so no final space is left out.
    private func singleLine(_ paragraph: Paragraph, _ widths: [Int32]) -> [PlacedGlyph]? {
        let end = paragraph.scalars.count
        guard let last = paragraph.scalars.last, !last.properties.isWhitespace, last.value != 0x2027,
              end == 1 || (widths.reduce(0, +) <= width && shapedWidth(paragraph, 0, end) <= width)
        else { return nil }
        return glyphs(paragraph, 0, end)
    }

    /// The text's words and spaces: each space alone, each run of other characters together.
    private static func pieces(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        pieces.reserveCapacity(scalars.count / 3)
        var index = 0
        while index < scalars.count {
            var next = index + 1
            if scalars[index] != " " {
                while next < scalars.count && scalars[next] != " " { next += 1 }
            }
            pieces.append(index..<next)
            index = next
        }
        return pieces
    }

    /// The shapes of the text from `start` to `end` as pango shapes a line: whole words as
    /// they are, a word cut at either end shaped again.
    private func forEachWord(_ paragraph: Paragraph, _ start: Int, _ end: Int, _ body: (Word) -> Void) {
        for piece in paragraph.pieces where piece.range.upperBound > start && piece.range.lowerBound < end {
            if piece.range.lowerBound >= start && piece.range.upperBound <= end {
                body(piece.word)
            } else {
                let cut = max(piece.range.lowerBound, start)..<min(piece.range.upperBound, end)
                body(word(paragraph.scalars[cut]))
            }
        }
    }

    /// Reads pango's break attributes of the paragraph into ``logAttrs``; false when
    /// pango gives fewer than it should.
    private func attributes(_ text: String, count: Int) -> Bool {
        logAttrs.removeAll(keepingCapacity: true)
        logAttrs.append(contentsOf: repeatElement(PangoLogAttr(), count: count + 1))
        var copy = text
        copy.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                logAttrs.withUnsafeMutableBufferPointer {
                    pango_get_log_attrs(chars.baseAddress, Int32(chars.count), 0, shaper.item.pointee.analysis.language,
                                        $0.baseAddress, Int32(count + 1))
                }
            }
        }
        return logAttrs.count == count + 1
    }

    /// The width of the text from `start` to `end` shaped again, as pango measures a break.
    private func shapedWidth(_ paragraph: Paragraph, _ start: Int, _ end: Int) -> Int32 {
        var total: Int32 = 0
        forEachWord(paragraph, start, end) { total += $0.width }
        return total
    }

    /// pango's `find_break_extra_width`: a final space does not count. Inside a word pango
    /// counts a hyphen, which only matters where the line may break: nil there.
    private func extraWidth(at index: Int, start: Int, widths: [Int32], _ attributes: [PangoLogAttr],
                            breakable: Bool) -> Int32? {
        if attributes[index].break_inserts_hyphen != 0 || attributes[index].break_removes_preceding != 0 {
            // Elsewhere a hyphen's width w > 0 leaves min(width + w, width) = width: count 0.
            return breakable ? nil : 0
        }
        if index > start && attributes[index - 1].is_white != 0 { return -widths[index - 1] }
        return 0
    }

    /// One line from `start`, as pango's `process_item` breaks a paragraph's only item:
    /// the end of the line, or nil where pango would insert a hyphen or break a word.
    private func breakLine(_ paragraph: Paragraph, _ widths: [Int32], _ attributes: [PangoLogAttr],
                           start: Int) -> Int? {
        let end = paragraph.scalars.count
        let remaining = width
        let whole = widths[start..<end].reduce(0, +)
        guard let endExtra = extraWidth(at: end, start: start, widths: widths, attributes, breakable: true)
        else { return nil }
        if whole + endExtra <= remaining || end - start == 1 {
            if shapedWidth(paragraph, start, end) + endExtra <= remaining || end - start == 1 { return end }
        }
        var best = (chars: end, width: whole, extra: endExtra)
        var width: Int32 = 0
        for index in start...end {
            let breakable = index == end || attributes[index].is_line_break != 0
            guard let extra = extraWidth(at: index, start: start, widths: widths, attributes,
                                         breakable: breakable && index > start)
            else { return nil }
            if min(width + extra, width) > remaining + safeDistance && best.chars < end { break }
            if breakable && index > start {
                if width + extra < remaining - safeDistance {
                    best = (index, width, extra)
                } else {
                    let measured = shapedWidth(paragraph, start, index)
                    let trailing: Int32 = index < end && attributes[index - 1].is_white != 0 ? -widths[index - 1] : 0
                    if best.chars == end || measured + trailing <= remaining
                        || measured + trailing < best.width + best.extra {
                        best = (index, measured, trailing)
                    }
                }
            }
            if index < end { width += widths[index] }
        }
        // pango would now retry breaking between any two characters, with a hyphen.
        guard best.width + best.extra <= remaining else { return nil }
        return best.chars
    }

    /// A line's glyphs, x from its left end and y from its baseline, as ``GlyphRecorder`` records them.
    private func glyphs(_ paragraph: Paragraph, _ start: Int, _ end: Int) -> [PlacedGlyph]? {
        var placed: [PlacedGlyph] = []
        var position: Int32 = 0
        var known = true
        forEachWord(paragraph, start, end) { word in
            for info in word.glyphs {
                defer { position += info.geometry.width }
                if info.glyph == 0x0FFF_FFFF { continue }  // PANGO_GLYPH_EMPTY
                if info.glyph & 0x1000_0000 != 0 { known = false }  // PANGO_GLYPH_UNKNOWN_FLAG
                placed.append(PlacedGlyph(glyph: info.glyph, face: shaper.face, size: shaper.size,
                                          x: 0 + Self.points(position + info.geometry.x_offset),
                                          y: 0 + Self.points(info.geometry.y_offset), gray: 0))
            }
        }
        return known ? placed : nil
    }
}
