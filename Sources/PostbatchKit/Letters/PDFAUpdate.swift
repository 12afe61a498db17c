internal import Crypto
internal import Foundation

/// Makes the reference renderer's PDF a PDF/A-2b document like the fast path's, with an
/// incremental update (ISO 32000-1, 7.5.6) appended to the file cairo wrote.
///
/// cairo writes a plain PDF 1.5 (with a binary comment, every font embedded, no `/ID`).
/// The update adds the XMP metadata and the sRGB ICC output intent, replaces the Info
/// dictionary by one that says what the XMP says, replaces the catalog by cairo's own with
/// `/Metadata`, `/OutputIntents` and the caller's entries (the tagging), replaces whatever
/// other objects the caller rewrote, and ends with a trailer that holds a document `/ID`
/// (a hash of the bytes, so the same letter always gives the same file). cairo's objects
/// stay where they are.
enum PDFAUpdate {
    /// What the update needs from cairo's trailer.
    struct Trailer: Equatable {
        /// `/Size`: the next free object number.
        let size: Int
        let root: Int
        let info: Int
        /// The offset of cairo's cross-reference table.
        let startxref: Int
    }

    /// The sRGB profile stream's body, compressed once.
    private static let profile: Result<[UInt8], LetterError> = Result { () throws(LetterError) in
        try Flate.compress(SRGBProfile.bytes)
    }

    /// Appends the update.
    ///
    /// - Parameters:
    ///   - pdf: cairo's PDF; the update is appended to it.
    ///   - letter: the letter, for the Info dictionary and the XMP.
    ///   - producer: the Info dictionary's `/Producer` and the XMP's `pdf:Producer`.
    ///   - catalogEntries: entries added to the catalog, e.g. `/Lang (da)`.
    ///   - objects: objects that replace cairo's (`n 0 obj … endobj`), by number, or that are
    ///     new (numbered from ``Trailer/size`` + 2 on, after the metadata and the profile).
    /// - Throws: ``LetterError`` `letter_pdf` when cairo's trailer or catalog cannot be read.
    static func append(to pdf: inout [UInt8], letter: LetterContent, producer: String, catalogEntries: String = "",
                       objects: [(Int, [UInt8])] = []) throws(LetterError) {
        guard let trailer = trailer(of: pdf), let catalog = dictionary(trailer.root, in: pdf) else {
            throw LetterError(code: .pdf, file: "letter", detail: "cairo's PDF has no readable trailer or catalog")
        }
        let metadata = trailer.size
        let profileNumber = trailer.size + 1
        var offsets: [(Int, Int)] = []
        func add(_ number: Int, _ bytes: [UInt8]) {
            offsets.append((number, pdf.count))
            pdf += bytes
        }
        var info: [UInt8] = []
        FastPDFA.appendInfo(letter, producer: producer, number: trailer.info, to: &info)
        add(trailer.info, info)
        var xmp: [UInt8] = []
        FastPDFA.appendMetadata(title: letter.title, author: letter.senderName, subject: letter.subject,
                                date: letter.date.iso, creator: FastLetterRenderer.creator, producer: producer,
                                number: metadata, to: &xmp)
        add(metadata, xmp)
        add(profileNumber, FastPDF.stream(number: profileNumber, try profile.get(), extra: "/N 3 /Filter /FlateDecode "))
        let entries = String(decoding: catalog.dropLast(2), as: UTF8.self)
        add(trailer.root, Array(("\(trailer.root) 0 obj\n\(entries) /Metadata \(metadata) 0 R "
                                 + "\(FastPDFA.outputIntents(profile: profileNumber)) \(catalogEntries)>>\nendobj\n").utf8))
        for (number, bytes) in objects { add(number, bytes) }
        let size = max(trailer.size + 2, (objects.map(\.0).max() ?? 0) + 1)
        let id = Array(SHA256.hash(data: pdf).prefix(16))
        let xref = pdf.count
        FastPDF.append("xref\n", to: &pdf)
        for (number, offset) in offsets.sorted(by: { $0.0 < $1.0 }) {
            FastPDF.append("\(number) 1\n" + DecimalText.padded(offset, width: 10) + " 00000 n \n", to: &pdf)
        }
        FastPDF.append("trailer\n<< /Size \(size) /Root \(trailer.root) 0 R /Info \(trailer.info) 0 R "
                       + "/Prev \(trailer.startxref) /ID [<", to: &pdf)
        FastPDF.appendHex(id, to: &pdf)
        FastPDF.append("> <", to: &pdf)
        FastPDF.appendHex(id, to: &pdf)
        FastPDF.append("> ] >>\nstartxref\n\(xref)\n%%EOF\n", to: &pdf)
    }

    /// Reads `/Size`, `/Root`, `/Info` and `startxref` of the last trailer.
    static func trailer(of pdf: [UInt8]) -> Trailer? {
        guard let start = ByteSearch.lastIndex(of: "trailer", in: pdf) else { return nil }
        let text = String(decoding: pdf[start...], as: UTF8.self)
        func value(after key: String) -> Int? {
            guard let range = text.range(of: key) else { return nil }
            return Int(text[range.upperBound...].drop { $0 == " " || $0 == "\n" || $0 == "\r" }.prefix { $0.isNumber })
        }
        guard let size = value(after: "/Size"), let root = value(after: "/Root"), let info = value(after: "/Info"),
              let startxref = value(after: "startxref") else { return nil }
        return Trailer(size: size, root: root, info: info, startxref: startxref)
    }

    /// The dictionary `<< … >>` of object `number` (its last definition), or nil.
    ///
    /// The dictionary ends at the `>>` that balances its `<<` (a stream's data after it is
    /// never read); cairo writes no `<<` or `>>` inside strings of the objects read here.
    static func dictionary(_ number: Int, in pdf: [UInt8]) -> ArraySlice<UInt8>? {
        guard let start = ByteSearch.lastIndex(of: "\n\(number) 0 obj", in: pdf),
              let open = ByteSearch.firstIndex(of: "<<", in: pdf, from: start) else { return nil }
        var depth = 0
        var index = open
        while index + 1 < pdf.count {
            if pdf[index] == UInt8(ascii: "<") && pdf[index + 1] == UInt8(ascii: "<") {
                depth += 1
                index += 2
            } else if pdf[index] == UInt8(ascii: ">") && pdf[index + 1] == UInt8(ascii: ">") {
                depth -= 1
                index += 2
                if depth == 0 { return pdf[open..<index] }
            } else {
                index += 1
            }
        }
        return nil
    }
}
