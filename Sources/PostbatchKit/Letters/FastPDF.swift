/// The PDF syntax the fast path writes: numbers, strings, content streams, fonts.
///
/// Plain Swift over byte arrays; no C library. Numbers are written with at most
/// three decimals, so the same input always gives the same bytes.
enum FastPDF {
    // MARK: - Tokens

    /// Appends ASCII text.
    static func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    /// Appends a number with at most three decimals and no trailing zeros: `12.5`, `-0.25`, `3`.
    static func append(_ value: Double, to out: inout [UInt8]) {
        var scaled = Int(roundedHalfAway(value * 1000))
        if scaled < 0 {
            out.append(UInt8(ascii: "-"))
            scaled = -scaled
        }
        appendInteger(scaled / 1000, to: &out)
        var fraction = scaled % 1000
        guard fraction != 0 else { return }
        out.append(UInt8(ascii: "."))
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    /// `value.rounded()` (to nearest, halves away from zero) without libm's `round`, a call
    /// the compiler cannot inline for this target: the text writer rounds twice a glyph.
    /// Exact for values of magnitude below 2^52, as all offsets and sizes here are.
    @inline(__always)
    static func roundedHalfAway(_ value: Double) -> Double {
        guard abs(value) < 0x1p52 else { return value.rounded() }
        let truncated = Double(Int64(value))
        let rest = value - truncated  // exact: `truncated` is `value` without its fraction
        return rest >= 0.5 ? truncated + 1 : rest <= -0.5 ? truncated - 1 : truncated
    }

    /// Appends a non-negative integer.
    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(max(value, 0)))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 && count < buffer.count {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }

    /// Appends a two-byte CID inside a literal string: its two bytes as they are (half the
    /// bytes of hex, so less for zlib and LZMA to read), with `(`, `)` and `\` escaped, and a
    /// carriage return, which a reader would take for a line feed, as `\r`.
    static func appendCID(_ value: UInt32, to out: inout [UInt8]) {
        appendLiteralByte(UInt8(truncatingIfNeeded: value >> 8), to: &out)
        appendLiteralByte(UInt8(truncatingIfNeeded: value), to: &out)
    }

    /// Appends one byte inside a literal string, escaped where it must be.
    private static func appendLiteralByte(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case 0x28, 0x29, 0x5C:
            out.append(0x5C)
            out.append(byte)
        case 0x0D:
            out.append(0x5C)
            out.append(UInt8(ascii: "r"))
        default:
            out.append(byte)
        }
    }

    /// Appends four upper-case hex digits: a two-byte CID or a UTF-16 code unit.
    static func appendHex4(_ value: UInt32, to out: inout [UInt8]) {
        Hex.appendUpper(UInt8(truncatingIfNeeded: value >> 8), to: &out)
        Hex.appendUpper(UInt8(truncatingIfNeeded: value), to: &out)
    }

    /// Appends bytes as upper-case hex digits.
    static func appendHex(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        for byte in bytes { Hex.appendUpper(byte, to: &out) }
    }

    /// Appends a text string: `(ASCII)` when it is plain printable ASCII, else UTF-16BE `<FEFF…>`.
    static func appendTextString(_ text: String, to out: inout [UInt8]) {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "(") && $0 != UInt8(ascii: ")")
            && $0 != UInt8(ascii: "\\") }) {
            out.append(UInt8(ascii: "("))
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: ")"))
            return
        }
        append("<FEFF", to: &out)
        for unit in text.utf16 { appendHex4(UInt32(unit), to: &out) }
        out.append(UInt8(ascii: ">"))
    }

    // MARK: - Content streams

    /// The font resource name of a face: `/F1`, `/F2`.
    static func resourceName(_ face: FastFontFace) -> String { "/F\(face.rawValue + 1)" }

    /// Writes stroked lines and glyphs as page content (PDF's origin is bottom-left).
    static func content(glyphs: [PlacedGlyph], lines: [StrokedLine], advances: GlyphTable<GlyphAdvance>,
                        into out: inout [UInt8]) {
        for line in lines { appendStroke(line, to: &out) }
        guard !glyphs.isEmpty else { return }
        var text = TextWriter(advances: advances)
        append("BT\n", to: &out)
        for glyph in glyphs { text.show(glyph, to: &out) }
        append(")] TJ\nET\n", to: &out)
    }

    /// Appends one stroked line in its own graphics state.
    static func appendStroke(_ line: StrokedLine, to out: inout [UInt8]) {
        let height = LetterPage.height
        append("q ", to: &out)
        append(line.gray, to: &out)
        append(" G ", to: &out)
        append(line.width, to: &out)
        append(" w ", to: &out)
        append(line.x1, to: &out)
        out.append(0x20)
        append(height - line.y1, to: &out)
        append(" m ", to: &out)
        append(line.x2, to: &out)
        out.append(0x20)
        append(height - line.y2, to: &out)
        append(" l S Q\n", to: &out)
    }

    /// Writes glyphs inside one `BT … ET`, the state between them.
    ///
    /// Glyphs on one baseline with one font, size and grey go in one `TJ` (their CIDs in
    /// literal strings, ``appendCID(_:to:)``), each where the
    /// reference renderer's PDF puts it. That place is worked out as cairo's PDF backend
    /// works it out: its pen moves by the font's own advance, and where pango's position
    /// differs from the pen by 3/1000 em or more, the difference is an adjustment in whole
    /// thousandths; a viewer then moves by the advances cut to whole thousandths
    /// (``GlyphAdvance``). The `TJ` written here moves by the subset's `/W` widths and
    /// adjusts where they miss that place by 3/1000 em or more: with widths fitted to the
    /// size (``FontSubset``), only at kerning; with the font's own, as cairo does.
    struct TextWriter {
        let advances: GlyphTable<GlyphAdvance>
        private var gray = -1.0
        private var font: (FastFontFace, Double)?
        private var previous: PlacedGlyph?
        /// cairo's pen, where the reference PDF puts the next glyph, and this `TJ`'s pen.
        private var cairo = 0.0
        private var reference = 0.0
        private var pen = 0.0

        init(advances: GlyphTable<GlyphAdvance>) {
            self.advances = advances
        }

        /// Appends one glyph: an adjustment in the open `TJ`, or a new `TJ` where the run changes.
        mutating func show(_ glyph: PlacedGlyph, to out: inout [UInt8]) {
            let sameRun = previous.map {
                $0.face == glyph.face && $0.size == glyph.size && $0.gray == glyph.gray && $0.y == glyph.y
            } ?? false
            if sameRun {
                let scale = glyph.size / 1000
                // cairo's adjustment moves its pen and the viewer's place in its PDF alike.
                let cairoAdjustment = Self.adjustment(cairo - glyph.x, size: glyph.size) * scale
                cairo -= cairoAdjustment
                reference -= cairoAdjustment
                let adjustment = Self.adjustment(pen - reference, size: glyph.size)
                if adjustment != 0 {
                    out.append(UInt8(ascii: ")"))
                    append(adjustment, to: &out)
                    out.append(UInt8(ascii: "("))
                    pen -= adjustment * scale
                }
            } else {
                start(glyph, to: &out)
            }
            appendCID(glyph.glyph, to: &out)
            let advance = advances[glyph.face, glyph.glyph] ?? GlyphAdvance(written: 0, natural: 0)
            cairo += advance.natural * glyph.size / 1000
            reference += advance.cut * glyph.size / 1000
            pen += advance.written * glyph.size / 1000
            previous = glyph
        }

        /// A pen's distance from where a glyph goes as a `TJ` adjustment: whole thousandths
        /// of an em, none below 3, as cairo's PDF backend writes them.
        private static func adjustment(_ distance: Double, size: Double) -> Double {
            let adjustment = FastPDF.roundedHalfAway(distance * 1000 / size)
            return abs(adjustment) < 3 ? 0 : adjustment
        }

        /// Closes the open `TJ` and starts one at the glyph, with its grey and font.
        private mutating func start(_ glyph: PlacedGlyph, to out: inout [UInt8]) {
            if previous != nil { append(")] TJ\n", to: &out) }
            if glyph.gray != gray {
                gray = glyph.gray
                append(gray, to: &out)
                append(" g\n", to: &out)
            }
            if font.map({ $0.0 != glyph.face || $0.1 != glyph.size }) ?? true {
                font = (glyph.face, glyph.size)
                append(resourceName(glyph.face), to: &out)
                out.append(0x20)
                append(glyph.size, to: &out)
                append(" Tf\n", to: &out)
            }
            append("1 0 0 1 ", to: &out)
            append(glyph.x, to: &out)
            out.append(0x20)
            append(LetterPage.height - glyph.y, to: &out)
            append(" Tm [(", to: &out)
            cairo = glyph.x
            reference = glyph.x
            pen = glyph.x
        }
    }

    // MARK: - Fonts

    /// The objects of one embedded font: Type0 font, CIDFontType2, descriptor, font file, ToUnicode.
    ///
    /// - Parameters:
    ///   - first: the object number of the Type0 font; the others follow it.
    ///   - subset: the subset font.
    ///   - toUnicode: the text of each glyph, for copying and searching.
    ///   - tag: the six capital letters of the subset's name.
    /// - Returns: the objects' bytes, each `n 0 obj … endobj`, in number order.
    static func fontObjects(first: Int, subset: FontSubset, compressedFile: [UInt8], toUnicode: [UInt32: String],
                            tag: String) throws(LetterError) -> [[UInt8]] {
        let name = "/\(tag)+\(subset.postScriptName)"
        var objects: [[UInt8]] = []
        var type0: [UInt8] = []
        append("\(first) 0 obj\n<< /Type /Font /Subtype /Type0 /BaseFont \(name) /Encoding /Identity-H "
               + "/DescendantFonts [\(first + 1) 0 R] /ToUnicode \(first + 4) 0 R >>\nendobj\n", to: &type0)
        objects.append(type0)

        var cid: [UInt8] = []
        append("\(first + 1) 0 obj\n<< /Type /Font /Subtype /CIDFontType2 /BaseFont \(name) "
               + "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
               + "/FontDescriptor \(first + 2) 0 R /CIDToGIDMap /Identity /W [", to: &cid)
        var previous: UInt32?
        for glyph in subset.glyphs.sorted() {
            if previous.map({ $0 + 1 != glyph }) ?? true {
                if previous != nil { append("]", to: &cid) }
                append("\n", to: &cid)
                appendInteger(Int(glyph), to: &cid)
                append(" [", to: &cid)
            } else {
                cid.append(0x20)
            }
            // The advances ``content(glyphs:lines:advances:into:)`` moves the pen by.
            append(subset.advances[glyph]?.written ?? 0, to: &cid)
            previous = glyph
        }
        if previous != nil { append("]", to: &cid) }
        append("\n] >>\nendobj\n", to: &cid)
        objects.append(cid)

        let box = subset.boundingBox.map(String.init).joined(separator: " ")
        var descriptor: [UInt8] = []
        append("\(first + 2) 0 obj\n<< /Type /FontDescriptor /FontName \(name) /Flags 32 /FontBBox [\(box)] "
               + "/ItalicAngle 0 /Ascent \(subset.ascender) /Descent \(subset.descender) "
               + "/CapHeight \(subset.capHeight) /StemV 80 /FontFile2 \(first + 3) 0 R >>\nendobj\n", to: &descriptor)
        objects.append(descriptor)

        objects.append(stream(number: first + 3, compressedFile,
                              extra: "/Filter /FlateDecode /Length1 \(subset.data.count) "))
        objects.append(stream(number: first + 4, try Flate.compress(cmap(toUnicode)), extra: "/Filter /FlateDecode "))
        return objects
    }

    /// A stream object.
    static func stream(number: Int, _ data: [UInt8], extra: String = "") -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 80)
        appendInteger(number, to: &out)
        append(" 0 obj\n<< ", to: &out)
        append(extra, to: &out)
        append("/Length ", to: &out)
        appendInteger(data.count, to: &out)
        append(" >>\nstream\n", to: &out)
        out.append(contentsOf: data)
        append("\nendstream\nendobj\n", to: &out)
        return out
    }

    /// A ToUnicode CMap for two-byte glyph ids: runs of consecutive glyphs that stand for
    /// consecutive characters as `bfrange`s (subsets number glyphs in font order, which
    /// follows the alphabet; a range never crosses a change of the high byte), the others
    /// as `bfchar`s.
    static func cmap(_ toUnicode: [UInt32: String]) -> [UInt8] {
        var out: [UInt8] = []
        append("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
               + "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
               + "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
               + "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n", to: &out)
        let entries = toUnicode.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        var ranges: [(first: UInt32, last: UInt32, unit: UInt32)] = []
        var singles: [(UInt32, String)] = []
        for (glyph, text) in entries {
            let units = Array(text.utf16)
            if units.count == 1, let last = ranges.last, last.last + 1 == glyph,
               last.unit + (last.last - last.first) + 1 == UInt32(units[0]), glyph & 0xFF != 0, units[0] & 0xFF != 0 {
                ranges[ranges.count - 1].last = glyph
            } else if units.count == 1 {
                ranges.append((glyph, glyph, UInt32(units[0])))
            } else {
                singles.append((glyph, text))
            }
        }
        for range in ranges where range.first == range.last {
            singles.append((range.first, String(decoding: [UInt16(range.unit)], as: UTF16.self)))
        }
        let spans = ranges.filter { $0.first != $0.last }
        for start in stride(from: 0, to: spans.count, by: 100) {
            let chunk = spans[start..<min(start + 100, spans.count)]
            appendInteger(chunk.count, to: &out)
            append(" beginbfrange\n", to: &out)
            for range in chunk {
                for value in [range.first, range.last, range.unit] {
                    out.append(UInt8(ascii: "<"))
                    appendHex4(value, to: &out)
                    out.append(UInt8(ascii: ">"))
                }
                out.append(0x0A)
            }
            append("endbfrange\n", to: &out)
        }
        singles.sort { $0.0 < $1.0 }
        for start in stride(from: 0, to: singles.count, by: 100) {
            let chunk = singles[start..<min(start + 100, singles.count)]
            appendInteger(chunk.count, to: &out)
            append(" beginbfchar\n", to: &out)
            for (glyph, text) in chunk {
                out.append(UInt8(ascii: "<"))
                appendHex4(glyph, to: &out)
                append("> <", to: &out)
                for unit in text.utf16 { appendHex4(UInt32(unit), to: &out) }
                append(">\n", to: &out)
            }
            append("endbfchar\n", to: &out)
        }
        append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n", to: &out)
        return out
    }
}
