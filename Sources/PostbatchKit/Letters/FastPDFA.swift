internal import Foundation

/// The PDF/A-2b parts of the fast path: the sRGB output intent and the XMP metadata.
///
/// The ICC profile is ``SRGBProfile`` (built with littleCMS, `scripts/srgb-icc.c`) unless
/// a run names another file; it is serialised once with the other static objects of
/// ``FastLetterTemplates``. The XMP packet is written per letter (its title, author and
/// date follow the letter's Info dictionary) and holds no time stamp other than the
/// letter's date, so the same letter always gives the same bytes.
enum FastPDFA {
    /// The output condition the profile describes.
    static let outputCondition = "sRGB IEC61966-2.1"

    /// The object number of the Metadata stream (written per letter).
    static let metadataObject = 17

    /// The object number of the ICC profile stream (written once, in the template's prefix).
    static let profileObject = 18

    /// Reads and checks an RGB ICC profile.
    ///
    /// - Parameter path: the profile file, or nil for the built-in ``SRGBProfile``.
    /// - Returns: the profile's bytes.
    /// - Throws: ``LetterError`` with code `letter_pdf` naming the file when it is missing
    ///   or unreadable, or when it is not an RGB display or output profile whose header
    ///   gives its own size.
    static func loadProfile(at path: String?) throws(LetterError) -> [UInt8] {
        guard let path else { return SRGBProfile.bytes }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LetterError(code: .pdf, file: path,
                              detail: "the sRGB ICC profile for PDF/A output is missing or unreadable; "
                                  + "name a readable profile, or none for the built-in sRGB profile")
        }
        let bytes = [UInt8](data)
        func field(_ offset: Int) -> String {
            String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
        }
        guard bytes.count >= 128 else {
            throw LetterError(code: .pdf, file: path, detail: "not an ICC profile: \(bytes.count) bytes")
        }
        let declared = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard field(36) == "acsp", field(16) == "RGB ", ["mntr", "prtr"].contains(field(12)),
              declared == bytes.count else {
            throw LetterError(code: .pdf, file: path,
                              detail: "not an RGB monitor or printer ICC profile of \(bytes.count) bytes")
        }
        return bytes
    }

    /// The Catalog's `/OutputIntents` entry, referring to the profile object.
    static var outputIntents: String { outputIntents(profile: profileObject) }

    /// The Catalog's `/OutputIntents` entry, referring to the profile object `profile`.
    static func outputIntents(profile: Int) -> String {
        "/OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (\(outputCondition)) "
            + "/Info (\(outputCondition)) /DestOutputProfile \(profile) 0 R >>]"
    }

    /// The ICC profile stream object, Flate-compressed.
    ///
    /// - Throws: ``LetterError`` with code `letter_pdf` if zlib fails.
    static func profileStream(_ profile: [UInt8], number: Int = profileObject) throws(LetterError) -> [UInt8] {
        FastPDF.stream(number: number, try Flate.compress(profile), extra: "/N 3 /Filter /FlateDecode ")
    }

    /// The XMP packet up to the title: xpacket header, namespaces, PDF/A identification.
    private static let xmpHead: [UInt8] = Array("""
        <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
        <x:xmpmeta xmlns:x="adobe:ns:meta/">
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" \
        xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
        <pdfaid:part>2</pdfaid:part>
        <pdfaid:conformance>B</pdfaid:conformance>
        <dc:format>application/pdf</dc:format>
        <dc:title><rdf:Alt><rdf:li xml:lang="x-default">
        """.utf8)

    /// Appends the uncompressed XMP Metadata stream object of one letter.
    ///
    /// - Parameters:
    ///   - title: the Info dictionary's `/Title`.
    ///   - author: the Info dictionary's `/Author`.
    ///   - subject: the Info dictionary's `/Subject`.
    ///   - date: the letter's date as `YYYY-MM-DD`; creation and modification at 00:00:00Z.
    ///   - creator: the Info dictionary's `/Creator`.
    ///   - producer: the Info dictionary's `/Producer`.
    ///   - number: the object number.
    ///   - out: the PDF to append to.
    static func appendMetadata(title: String, author: String, subject: String, date: String, creator: String,
                               producer: String, number: Int = metadataObject, to out: inout [UInt8]) {
        var xmp: [UInt8] = []
        xmp.reserveCapacity(1400)
        xmp += xmpHead
        appendEscaped(title, to: &xmp)
        FastPDF.append("</rdf:li></rdf:Alt></dc:title>\n<dc:creator><rdf:Seq><rdf:li>", to: &xmp)
        appendEscaped(author, to: &xmp)
        FastPDF.append("</rdf:li></rdf:Seq></dc:creator>\n<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">",
                       to: &xmp)
        appendEscaped(subject, to: &xmp)
        FastPDF.append("</rdf:li></rdf:Alt></dc:description>\n<xmp:CreatorTool>", to: &xmp)
        appendEscaped(creator, to: &xmp)
        FastPDF.append("</xmp:CreatorTool>\n<xmp:CreateDate>", to: &xmp)
        FastPDF.append(date, to: &xmp)
        FastPDF.append("T00:00:00Z</xmp:CreateDate>\n<xmp:ModifyDate>", to: &xmp)
        FastPDF.append(date, to: &xmp)
        FastPDF.append("T00:00:00Z</xmp:ModifyDate>\n<pdf:Producer>", to: &xmp)
        appendEscaped(producer, to: &xmp)
        FastPDF.append("</pdf:Producer>\n</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>",
                       to: &xmp)
        FastPDF.append("\(number) 0 obj\n<< /Type /Metadata /Subtype /XML /Length ", to: &out)
        FastPDF.appendInteger(xmp.count, to: &out)
        FastPDF.append(" >>\nstream\n", to: &out)
        out += xmp
        FastPDF.append("\nendstream\nendobj\n", to: &out)
    }

    /// Appends the Info dictionary of a letter: title, sender, subject, creator and producer,
    /// created and modified at 00:00 UTC of the letter's date.
    static func appendInfo(_ letter: LetterContent, producer: String, number: Int, to out: inout [UInt8]) {
        let date = "D:\(letter.date.iso.filter(\.isNumber))000000Z"
        FastPDF.append("\(number) 0 obj\n<< /Title ", to: &out)
        appendDocString(letter.title, to: &out)
        FastPDF.append(" /Author ", to: &out)
        appendDocString(letter.senderName, to: &out)
        FastPDF.append(" /Subject ", to: &out)
        appendDocString(letter.subject, to: &out)
        FastPDF.append(" /Creator (\(FastLetterRenderer.creator)) /Producer ", to: &out)
        appendDocString(producer, to: &out)
        FastPDF.append(" /CreationDate (\(date)) /ModDate (\(date)) >>\nendobj\n", to: &out)
    }

    /// The PDFDocEncoding byte of each character outside Latin-1 it has (ISO 32000-1, D.2).
    private static let docEncoding: [Unicode.Scalar: UInt8] = [
        "•": 0x80, "…": 0x83, "—": 0x84, "–": 0x85, "„": 0x8C, "“": 0x8D, "”": 0x8E, "‘": 0x8F, "’": 0x90,
        "‚": 0x91, "™": 0x92, "€": 0xA0,
    ]

    /// Appends a text string as a literal string in PDFDocEncoding (one byte a character:
    /// Danish and English titles, dashes and quotes), else as UTF-16BE `<FEFF…>`.
    static func appendDocString(_ text: String, to out: inout [UInt8]) {
        var bytes: [UInt8] = [UInt8(ascii: "(")]
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x28, 0x29, 0x5C: bytes += [UInt8(ascii: "\\"), UInt8(scalar.value)]
            case 0x20...0x7E, 0xA1...0xAC, 0xAE...0xFF: bytes.append(UInt8(scalar.value))
            default:
                guard let byte = docEncoding[scalar] else {
                    FastPDF.appendTextString(text, to: &out)
                    return
                }
                bytes.append(byte)
            }
        }
        out += bytes
        out.append(UInt8(ascii: ")"))
    }

    /// Appends text as XML character data: `&`, `<`, `>` and quotes escaped, control characters dropped.
    static func appendEscaped(_ text: String, to out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): FastPDF.append("&amp;", to: &out)
            case UInt8(ascii: "<"): FastPDF.append("&lt;", to: &out)
            case UInt8(ascii: ">"): FastPDF.append("&gt;", to: &out)
            case UInt8(ascii: "\""): FastPDF.append("&quot;", to: &out)
            case 0x09, 0x0A, 0x0D: out.append(byte)
            case ..<0x20, 0x7F: continue
            default: out.append(byte)
            }
        }
    }
}
