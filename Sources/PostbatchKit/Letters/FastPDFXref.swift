/// The fast path's file structure (PDF 1.5, ISO 32000-1 7.5.7 and 7.5.8): the template's
/// dictionaries (catalog, page, font dictionaries, structure tree) packed into one
/// compressed object stream, and a cross-reference stream per letter.
///
/// A plain cross-reference table costs 20 bytes per object, and the structure tree's
/// dictionaries as plain objects about 2 KB per letter; packed and compressed, the
/// dictionaries are a fraction of that, and the cross-reference stream, plain with fields
/// as narrow as they can be, about 5 bytes per object. PDF/A-2 allows object and
/// cross-reference streams.
struct FastPDFXref: Sendable {
    /// One entry: type 0 (free), 1 (at a byte offset) or 2 (in object stream `field2`, at index `field3`).
    struct Entry: Sendable {
        var type: UInt8
        var field2: Int
        var field3: Int
    }

    private(set) var entries: [Entry]

    /// Lays out a template's objects after `prefix`: stream objects as they are, every other
    /// object packed into the object stream numbered `objectStream`.
    ///
    /// - Parameters:
    ///   - objects: whole objects (`n 0 obj … endobj`), by number.
    ///   - objectStream: the object stream's number, greater than every object's.
    ///   - prefix: the bytes before them (header and binary comment); the objects are appended.
    /// - Throws: ``LetterError`` `letter_pdf` if zlib fails.
    init(objects: [(Int, [UInt8])], objectStream: Int, appendingTo prefix: inout [UInt8]) throws(LetterError) {
        entries = Array(repeating: Entry(type: 0, field2: 0, field3: 0), count: objectStream + 1)
        try append(objects: objects, objectStream: objectStream, to: &prefix)
    }

    /// Objects packed into a compressed object stream, ready to append: the same objects
    /// always pack to the same bytes, so a packing can be kept and appended to many files.
    struct PackedObjects: Sendable {
        /// The object stream's number.
        let number: Int
        /// The object stream, `n 0 obj … endobj`.
        let stream: [UInt8]
        /// Each packed object's number, in stream order.
        let members: [Int]
    }

    /// Appends objects to `pdf`: stream objects as they are, every other object packed into
    /// a new object stream numbered `objectStream` (numbers past the end extend the table).
    ///
    /// - Throws: ``LetterError`` `letter_pdf` if zlib fails.
    mutating func append(objects: [(Int, [UInt8])], objectStream: Int, to pdf: inout [UInt8]) throws(LetterError) {
        var packable: [(Int, [UInt8])] = []
        for (number, bytes) in objects {
            if Self.body(bytes) != nil {
                packable.append((number, bytes))
            } else {
                set(number, offset: pdf.count)
                pdf += bytes
            }
        }
        append(try Self.pack(packable, objectStream: objectStream), to: &pdf)
    }

    /// Packs objects that are not streams into one object stream numbered `objectStream`,
    /// at the best compression (a packing is made once and kept).
    ///
    /// - Throws: ``LetterError`` `letter_pdf` if zlib fails or an object is a stream.
    static func pack(_ objects: [(Int, [UInt8])], objectStream: Int) throws(LetterError) -> PackedObjects {
        var header: [UInt8] = []
        var bodies: [UInt8] = []
        for (number, bytes) in objects {
            guard let body = Self.body(bytes) else {
                throw LetterError(code: .pdf, file: "letter", detail: "object \(number) is a stream, not packable")
            }
            FastPDF.appendInteger(number, to: &header)
            header.append(0x20)
            FastPDF.appendInteger(bodies.count, to: &header)
            header.append(0x20)
            bodies += body
            bodies.append(0x0A)
        }
        let stream = FastPDF.stream(number: objectStream, try Flate.compress(header + bodies),
                                    extra: "/Type /ObjStm /N \(objects.count) /First \(header.count) /Filter /FlateDecode ")
        return PackedObjects(number: objectStream, stream: stream, members: objects.map(\.0))
    }

    /// Appends packed objects to `pdf` and records where they are.
    mutating func append(_ packed: PackedObjects, to pdf: inout [UInt8]) {
        for (index, number) in packed.members.enumerated() {
            set(number, offset: 0)
            entries[number] = Entry(type: 2, field2: packed.number, field3: index)
        }
        set(packed.number, offset: pdf.count)
        pdf += packed.stream
    }

    /// The body of a non-stream object `n 0 obj\n<body>\nendobj\n`, or nil for a stream.
    private static func body(_ object: [UInt8]) -> ArraySlice<UInt8>? {
        guard let start = object.firstIndex(of: 0x0A), object.count >= start + 8 else { return nil }
        let body = object[(start + 1)..<(object.count - 8)]
        guard object[(object.count - 8)...].elementsEqual("\nendobj\n".utf8),
              ByteSearch.lastIndex(of: "endstream", in: body) == nil else { return nil }
        return body
    }

    /// Records an object written at a byte offset (numbers past the end extend the table).
    mutating func set(_ number: Int, offset: Int) {
        while entries.count <= number { entries.append(Entry(type: 0, field2: 0, field3: 0)) }
        entries[number] = Entry(type: 1, field2: offset, field3: 0)
    }

    /// Appends the cross-reference stream (the next object number) that ends the file.
    ///
    /// The stream is written plain, each field as wide as its largest value needs
    /// (``fieldWidths``): for a letter's few dozen objects that is `/W [1 3 1]`, about 200
    /// bytes. Deflated with PNG prediction it was about 180 bytes with its filter's
    /// parameters, and the deflate was a twentieth of a letter's time (a fresh zlib block
    /// per stream costs about as much as the letter's page content).
    mutating func append(to pdf: inout [UInt8], root: Int, info: Int, id: [UInt8]) {
        let number = entries.count
        let offset = pdf.count
        set(number, offset: offset)
        let widths = Self.fieldWidths(entries)
        let row = 1 + widths.1 + widths.2
        // Written piece by piece, not interpolated: this runs once per letter.
        FastPDF.appendInteger(number, to: &pdf)
        FastPDF.append(" 0 obj\n<< /Type /XRef /Size ", to: &pdf)
        FastPDF.appendInteger(entries.count, to: &pdf)
        FastPDF.append(" /W [1 ", to: &pdf)
        FastPDF.appendInteger(widths.1, to: &pdf)
        pdf.append(0x20)
        FastPDF.appendInteger(widths.2, to: &pdf)
        FastPDF.append("] /Root ", to: &pdf)
        FastPDF.appendInteger(root, to: &pdf)
        FastPDF.append(" 0 R /Info ", to: &pdf)
        FastPDF.appendInteger(info, to: &pdf)
        FastPDF.append(" 0 R /ID [<", to: &pdf)
        FastPDF.appendHex(id, to: &pdf)
        FastPDF.append("> <", to: &pdf)
        FastPDF.appendHex(id, to: &pdf)
        FastPDF.append("> ] /Length ", to: &pdf)
        FastPDF.appendInteger(entries.count * row, to: &pdf)
        FastPDF.append(" >>\nstream\n", to: &pdf)
        var index = pdf.count
        pdf.append(contentsOf: repeatElement(0, count: entries.count * row))
        pdf.withUnsafeMutableBufferPointer { out in
            /// Writes the `width` low bytes of `value`, most significant first.
            func bigEndian(_ value: Int, width: Int) {
                for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
                    out[index] = UInt8(truncatingIfNeeded: value >> shift)
                    index += 1
                }
            }
            for entry in entries {
                out[index] = entry.type
                index += 1
                bigEndian(entry.field2, width: widths.1)
                bigEndian(entry.field3, width: widths.2)
            }
        }
        FastPDF.append("\nendstream\nendobj\nstartxref\n", to: &pdf)
        FastPDF.appendInteger(offset, to: &pdf)
        FastPDF.append("\n%%EOF\n", to: &pdf)
    }

    /// The bytes the second and third fields need for the largest value each holds, at least one.
    static func fieldWidths(_ entries: [Entry]) -> (Int, Int, Int) {
        func width(_ value: Int) -> Int { max(1, (Int.bitWidth - value.leadingZeroBitCount + 7) / 8) }
        var largest = (0, 0)
        for entry in entries {
            largest = (max(largest.0, entry.field2), max(largest.1, entry.field3))
        }
        return (1, width(largest.0), width(largest.1))
    }
}
