internal import CLibXML2

/// A small streaming XML writer over libxml2's `xmlTextWriter`.
///
/// Output goes through an output callback to a Swift closure in chunks of about 4 KB, so a
/// caller can stream; ``XMLWriter/document(capacity:_:)`` collects them into bytes. The
/// document is UTF-8 and indented by two spaces.
///
/// Text safety:
/// - Element text and attribute values are escaped by libxml2 (`&`, `<`, `>`, `"`; CR as
///   `&#13;`): `Ærø & <Søn> "A/S"` comes out as `Ærø &amp; &lt;Søn&gt; &quot;A/S&quot;`, and
///   `]]>` as `]]&gt;`. Non-ASCII element text is written as UTF-8, not as character references.
/// - Characters that XML 1.0 forbids, U+0000–U+001F except tab, LF and CR, and the
///   non-characters U+FFFE and U+FFFF, are replaced by a space before writing: such a
///   character cannot be written at all, and a space keeps the words apart. Lone surrogates
///   cannot occur in a Swift `String`. Characters outside the BMP (emoji) pass through.
/// - Base64 content is written by ``base64(_:)`` in raw chunks: base64 has no character
///   that needs escaping, and no line breaks are inserted.
///
/// Element and attribute names are the caller's constants, not input data.
///
/// An instance is used by one thread at a time; it is not `Sendable`. It frees the libxml2
/// writer (and with it the output buffer) in `deinit`.
final class XMLWriter {
    /// Where the output callback puts the bytes.
    private final class Sink {
        let consume: (UnsafeRawBufferPointer) -> Void
        init(consume: @escaping (UnsafeRawBufferPointer) -> Void) { self.consume = consume }
    }

    private let sink: Sink
    private let writer: xmlTextWriterPtr
    /// Kept base64 text of what documents start with (``base64(_:)``), or nil to encode all.
    var prefixes: Base64Prefixes?

    /// A writer that hands every chunk of output to `output`.
    ///
    /// - Throws: ``EnvelopeError/Code/xmlWriter`` when libxml2 cannot allocate the writer.
    init(output: @escaping (UnsafeRawBufferPointer) -> Void) throws(EnvelopeError) {
        LibXML2.initialise()
        let sink = Sink(consume: output)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        guard let buffer = xmlOutputBufferCreateIO({ context, chunk, length in
            guard let context, let chunk, length >= 0 else { return -1 }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            sink.consume(UnsafeRawBufferPointer(start: chunk, count: Int(length)))
            return length
        }, nil, context, nil) else {
            throw EnvelopeError(code: .xmlWriter, detail: "could not create the output buffer")
        }
        // The text writer owns the output buffer from here on and closes it when freed.
        guard let writer = xmlNewTextWriter(buffer) else {
            xmlOutputBufferClose(buffer)
            throw EnvelopeError(code: .xmlWriter, detail: "could not create the XML text writer")
        }
        self.sink = sink
        self.writer = writer
        xmlTextWriterSetIndent(writer, 1)
        _ = withXMLChar("  ") { xmlTextWriterSetIndentString(writer, $0) }
    }

    deinit {
        // Flushes and closes the output buffer; `sink` is still alive during deinit.
        xmlFreeTextWriter(writer)
    }

    /// Runs `body` with a new writer and returns everything it wrote.
    ///
    /// - Parameters:
    ///   - capacity: the expected size in bytes, to reserve once.
    ///   - body: writes the document, from ``startDocument()`` to ``endDocument()``.
    ///   - prefixes: kept base64 text of what documents start with, for ``base64(_:)``.
    static func document(capacity: Int, prefixes: Base64Prefixes? = nil,
                         _ body: (XMLWriter) throws(EnvelopeError) -> Void) throws(EnvelopeError) -> [UInt8] {
        final class Bytes {
            var storage: [UInt8] = []
        }
        let bytes = Bytes()
        bytes.storage.reserveCapacity(capacity)
        do {
            let writer = try XMLWriter { chunk in bytes.storage.append(contentsOf: chunk) }
            writer.prefixes = prefixes
            try body(writer)
        }
        return bytes.storage
    }

    // MARK: - Document

    /// Writes `<?xml version="1.0" encoding="UTF-8"?>`.
    func startDocument() throws(EnvelopeError) {
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "start the document")
    }

    /// Closes every open element and flushes the output to the callback.
    func endDocument() throws(EnvelopeError) {
        try check(xmlTextWriterEndDocument(writer), "end the document")
        try check(xmlTextWriterFlush(writer), "flush the output")
    }

    // MARK: - Elements

    /// Opens `<prefix:name>`. Declare the namespace with ``namespace(prefix:uri:)``.
    func startElement(_ name: String, prefix: String? = nil) throws(EnvelopeError) {
        let result: Int32
        if let prefix {
            result = withXMLChar(prefix) { prefix in
                withXMLChar(name) { name in xmlTextWriterStartElementNS(writer, prefix, name, nil) }
            }
        } else {
            result = withXMLChar(name) { xmlTextWriterStartElement(writer, $0) }
        }
        try check(result, "start element \(name)")
    }

    /// Closes the innermost open element.
    func endElement() throws(EnvelopeError) {
        try check(xmlTextWriterEndElement(writer), "end an element")
    }

    /// Writes `<prefix:name>text</prefix:name>`, the text made safe (see the type's comment).
    func element(_ name: String, prefix: String? = nil, text: String) throws(EnvelopeError) {
        try startElement(name, prefix: prefix)
        try self.text(text)
        try endElement()
    }

    /// Writes `<prefix:name>`, what `body` writes, and the closing tag.
    func element(_ name: String, prefix: String? = nil, _ body: () throws(EnvelopeError) -> Void) throws(EnvelopeError) {
        try startElement(name, prefix: prefix)
        try body()
        try endElement()
    }

    /// Declares `xmlns:prefix="uri"` on the element just opened.
    func namespace(prefix: String, uri: String) throws(EnvelopeError) {
        let result = withXMLChar("xmlns:\(prefix)") { name in
            withXMLChar(uri) { uri in xmlTextWriterWriteAttribute(writer, name, uri) }
        }
        try check(result, "declare namespace \(prefix)")
    }

    /// Writes an attribute on the element just opened; the value is made safe and escaped.
    func attribute(_ name: String, _ value: String) throws(EnvelopeError) {
        let result = withXMLChar(name) { name in
            withXMLChar(XMLText.safe(value)) { value in xmlTextWriterWriteAttribute(writer, name, value) }
        }
        try check(result, "write attribute \(name)")
    }

    // MARK: - Content

    /// Writes escaped character data; forbidden control characters become spaces.
    func text(_ value: String) throws(EnvelopeError) {
        let result = withXMLChar(XMLText.safe(value)) { xmlTextWriterWriteString(writer, $0) }
        try check(result, "write text")
    }

    /// Writes the base64 encoding of `data` as the content of the open element.
    ///
    /// The encoding is done here in chunks of 6 KiB of input (8 KiB of output) and written
    /// raw, so even a large PDF never exists as one big base64 string. Where ``prefixes``
    /// keeps the text of what `data` starts with, that text is written and the rest encoded.
    func base64(_ data: [UInt8]) throws(EnvelopeError) {
        let chunkInput = 3 * 2048
        var output = [UInt8](repeating: 0, count: chunkInput / 3 * 4)
        var start = 0
        if let prefix = prefixes?.prefix(of: data) {
            let result = prefix.text.withUnsafeBufferPointer { text in
                xmlTextWriterWriteRawLen(writer, text.baseAddress, Int32(text.count))
            }
            try check(result, "write base64 content")
            start = prefix.count
        }
        while start < data.count {
            let end = min(start + chunkInput, data.count)
            let written = data.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    Base64.encode(UnsafeBufferPointer(rebasing: input[start..<end]), into: out)
                }
            }
            let result = output.withUnsafeBufferPointer { out in
                xmlTextWriterWriteRawLen(writer, out.baseAddress, Int32(written))
            }
            try check(result, "write base64 content")
            start = end
        }
    }

    private func check(_ result: Int32, _ action: @autoclosure () -> String) throws(EnvelopeError) {
        if result < 0 {
            throw EnvelopeError(code: .xmlWriter, detail: "libxml2 could not \(action())",
                                cause: "xmlTextWriter returned \(result)")
        }
    }
}

/// Calls `body` with `text` as a NUL-terminated `xmlChar` (UTF-8) pointer.
@inline(__always)
private func withXMLChar<Result>(_ text: String, _ body: (UnsafePointer<xmlChar>) -> Result) -> Result {
    text.withCString { pointer in
        UnsafeRawPointer(pointer).withMemoryRebound(to: xmlChar.self, capacity: 1) { body($0) }
    }
}

/// Making text safe for XML 1.0.
enum XMLText {
    /// Whether XML 1.0 allows the scalar in a document.
    @inline(__always)
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: true
        case 0x00...0x1F: false
        case 0xFFFE, 0xFFFF: false
        default: true
        }
    }

    /// `value` with every character XML 1.0 forbids replaced by a space.
    static func safe(_ value: String) -> String {
        guard !value.unicodeScalars.allSatisfy(isAllowed) else { return value }
        var scalars = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            scalars.append(isAllowed(scalar) ? scalar : " ")
        }
        return String(scalars)
    }
}

/// RFC 4648 base64 with padding, no line breaks.
enum Base64 {
    private static let alphabet: [UInt8] =
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The two characters of every 12 bits, first in the low byte: half the look-ups and
    /// stores of one character at a time (base64 was a twelfth of a letter's time).
    private static let pairs: [UInt16] = (0..<4096).map { bits in
        UInt16(alphabet[bits >> 6]) | UInt16(alphabet[bits & 0x3F]) << 8
    }

    /// Encodes `input` into `output`, which holds at least `(input.count + 2) / 3 * 4` bytes.
    ///
    /// - Returns: the number of bytes written.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(output.count >= (input.count + 2) / 3 * 4, "base64 output too small")
        guard let source = input.baseAddress, let target = output.baseAddress else { return 0 }
        let out = UnsafeMutableRawPointer(target)
        return pairs.withUnsafeBufferPointer { pairs in
            var o = 0
            var i = 0
            let count = input.count
            while i + 3 <= count {
                let value = Int(source[i]) << 16 | Int(source[i + 1]) << 8 | Int(source[i + 2])
                out.storeBytes(of: pairs[value >> 12].littleEndian, toByteOffset: o, as: UInt16.self)
                out.storeBytes(of: pairs[value & 0xFFF].littleEndian, toByteOffset: o + 2, as: UInt16.self)
                i += 3
                o += 4
            }
            let rest = count - i
            if rest > 0 {
                let second = rest == 2 ? Int(source[i + 1]) : 0
                let value = Int(source[i]) << 16 | second << 8
                let first = pairs[value >> 12]
                target[o] = UInt8(truncatingIfNeeded: first)
                target[o + 1] = UInt8(truncatingIfNeeded: first >> 8)
                target[o + 2] = rest == 2 ? alphabet[value >> 6 & 0x3F] : UInt8(ascii: "=")
                target[o + 3] = UInt8(ascii: "=")
                o += 4
            }
            return o
        }
    }
}
