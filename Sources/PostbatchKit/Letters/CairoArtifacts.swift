internal import Foundation

/// Marks what cairo drew outside structure tags as artifacts, in cairo's page content streams.
///
/// cairo 1.16 writes structure tags (`cairo_tag_begin`) as marked-content sequences with
/// MCIDs, but has no way to mark an artifact (its "Artifact" tag writes a broken file), so
/// ``LetterRenderer`` draws artifacts (fold marks, footer, page numbers, return line, logo)
/// untagged. This rewrites each page's content stream: every text object (`BT … ET`), path
/// (construction up to its painting operator), XObject (`Do`), shading (`sh`) and inline
/// image (`BI … EI`) drawn outside any marked-content sequence is wrapped in
/// `/Artifact BMC … EMC`. The structure tree cairo wrote stays as it is.
enum CairoArtifacts {
    /// The page content streams of a cairo PDF with the untagged drawing marked, as objects
    /// that replace cairo's (for ``PDFAUpdate``).
    ///
    /// - Throws: ``LetterError`` `letter_pdf` when a content stream cannot be found or inflated.
    static func markedContentStreams(in pdf: [UInt8]) throws(LetterError) -> [(Int, [UInt8])] {
        var objects: [(Int, [UInt8])] = []
        var from = 0
        while let found = ByteSearch.firstIndex(of: "/Contents ", in: pdf, from: from) {
            from = found + 10
            guard let number = integer(in: pdf, at: from) else { continue }
            let content = try stream(number, in: pdf)
            objects.append((number, FastPDF.stream(number: number, try Flate.compress(markArtifacts(content)),
                                                   extra: "/Filter /FlateDecode ")))
        }
        return objects
    }

    /// The decoded data of stream object `number`.
    private static func stream(_ number: Int, in pdf: [UInt8]) throws(LetterError) -> [UInt8] {
        func failure(_ detail: String) -> LetterError {
            LetterError(code: .pdf, file: "letter", detail: "cairo's content stream \(number): \(detail)")
        }
        guard let dictionary = PDFAUpdate.dictionary(number, in: pdf),
              let start = ByteSearch.firstIndex(of: "stream", in: pdf, from: dictionary.endIndex) else {
            throw failure("not found")
        }
        let text = String(decoding: dictionary, as: UTF8.self)
        guard let key = text.range(of: "/Length ") else { throw failure("no /Length") }
        let value = text[key.upperBound...].split(separator: " ", maxSplits: 2).map(String.init)
        var length = value.first.flatMap { Int($0) }
        if value.count > 2, value[1] == "0", value[2].hasPrefix("R"), let reference = length,
           let object = ByteSearch.lastIndex(of: "\n\(reference) 0 obj", in: pdf) {
            length = integer(in: pdf, at: object + "\n\(reference) 0 obj".utf8.count)
        }
        var dataStart = start + 6
        if dataStart < pdf.count && pdf[dataStart] == 0x0D { dataStart += 1 }
        if dataStart < pdf.count && pdf[dataStart] == 0x0A { dataStart += 1 }
        guard let length, length >= 0, dataStart + length <= pdf.count else { throw failure("bad /Length") }
        let data = Array(pdf[dataStart..<(dataStart + length)])
        return text.contains("/FlateDecode") ? try Flate.decompress(data) : data
    }

    /// The non-negative integer at `index`, after any white space.
    private static func integer(in bytes: [UInt8], at index: Int) -> Int? {
        var index = index
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        var value: Int?
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            value = (value ?? 0) * 10 + Int(bytes[index] - 0x30)
            index += 1
        }
        return value
    }

    /// The path-painting operators that end a path.
    private static let pathEnds: Set<String> = ["S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"]

    /// The operator that ends the painting unit `op` starts, or nil when `op` starts none.
    private static func closing(of op: String) -> String? {
        switch op {
        case "BT": "ET"
        case "m", "re": "path"
        case "BI": "EI"
        case "Do", "sh": op
        default: nil
        }
    }

    /// Wraps every painting unit outside marked content in `/Artifact BMC … EMC`.
    static func markArtifacts(_ content: [UInt8]) -> [UInt8] {
        var scanner = ContentScanner(content)
        var out: [UInt8] = []
        out.reserveCapacity(content.count + 1024)
        var copied = 0
        var depth = 0
        var unit: String?  // the operator that ends the open artifact
        func insert(_ text: String, at position: Int) {
            out += content[copied..<position]
            out += Array(text.utf8)
            copied = position
        }
        while let (op, operands, end) = scanner.nextOperator() {
            switch op {
            case "BDC", "BMC": depth += 1
            case "EMC": depth = max(0, depth - 1)
            default: break
            }
            guard depth == 0 || unit != nil else { continue }
            if unit == nil, let closing = closing(of: op) {
                unit = closing
                insert("/Artifact BMC\n", at: operands)
            }
            if let open = unit, op == open || (open == "path" && pathEnds.contains(op)) {
                insert("\nEMC", at: end)
                unit = nil
            }
        }
        out += content[copied...]
        if unit != nil { out += Array("\nEMC\n".utf8) }
        return out
    }
}

/// Reads a content stream operator by operator (ISO 32000-1, 7.2 and 8.2): skips strings,
/// names, arrays, dictionaries and inline image data, so only real operators come out.
struct ContentScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private static func isSpace(_ byte: UInt8) -> Bool { [0x00, 0x09, 0x0A, 0x0C, 0x0D, 0x20].contains(byte) }
    private static func isDelimiter(_ byte: UInt8) -> Bool { Array("()<>[]{}/%".utf8).contains(byte) }

    /// The next operator, where its operands start, and where it ends; nil at the end.
    mutating func nextOperator() -> (op: String, operands: Int, end: Int)? {
        var operands: Int?
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isSpace(byte) {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "%") {
                while index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
                continue
            }
            if operands == nil { operands = index }
            switch byte {
            case UInt8(ascii: "("): skipString()
            case UInt8(ascii: "<"):
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "<") {
                    index += 2
                } else {
                    while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
                    index += 1
                }
            case UInt8(ascii: ">"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"):
                index += 1
            case UInt8(ascii: "/"):
                index += 1
                while index < bytes.count, !Self.isSpace(bytes[index]), !Self.isDelimiter(bytes[index]) { index += 1 }
            default:
                let start = index
                while index < bytes.count, !Self.isSpace(bytes[index]), !Self.isDelimiter(bytes[index]) { index += 1 }
                let token = String(decoding: bytes[start..<index], as: UTF8.self)
                if let first = token.unicodeScalars.first, "0123456789+-.".unicodeScalars.contains(first) { continue }
                if token == "true" || token == "false" || token == "null" { continue }
                if token == "ID" { skipInlineImage() }
                return (token, operands ?? start, index)
            }
        }
        return nil
    }

    /// Skips a literal string, with nested parentheses and backslash escapes.
    private mutating func skipString() {
        var nesting = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\\") {
                index += 1
            } else if byte == UInt8(ascii: "(") {
                nesting += 1
            } else if byte == UInt8(ascii: ")") {
                nesting -= 1
                if nesting == 0 { return }
            }
        }
    }

    /// Skips inline image data up to (not over) the `EI` that ends it.
    private mutating func skipInlineImage() {
        index += 1
        while index + 2 < bytes.count {
            if Self.isSpace(bytes[index]) && bytes[index + 1] == UInt8(ascii: "E") && bytes[index + 2] == UInt8(ascii: "I")
                && (index + 3 == bytes.count || Self.isSpace(bytes[index + 3])) {
                index += 1
                return
            }
            index += 1
        }
    }
}
