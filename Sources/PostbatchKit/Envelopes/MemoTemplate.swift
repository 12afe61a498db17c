internal import CLibXML2
internal import Glibc

/// What one worker keeps between the envelopes it writes: the base64 text its PDFs start
/// with (``Base64Prefixes``), and each group's, language's and day's MeMo message in pieces
/// (``MemoTemplate``). Used by one worker at a time; not `Sendable`.
final class EnvelopeCache {
    let prefixes = Base64Prefixes()
    /// The pieces by group, language and day; nil where the probe could not be cut.
    fileprivate var memoTemplates: [MemoTemplate.Key: MemoTemplate?] = [:]
    /// Days of a campaign are few; past this many templates the cache starts again.
    fileprivate static let memoTemplateLimit = 64
}

/// A digital letter's MeMo message as libxml2 writes it for a group, language and day, cut
/// where the letter's own values go: its UUID, reference, CPR number, name and PDF.
///
/// libxml2's writer spends a quarter of a letter's time on the thirty elements of a message,
/// which differ from letter to letter only in those five values. So a worker writes the
/// message once per group, language and day with a marker for each value
/// (``EnvelopeWriter/writeMessage(for:_:to:content:)``, the same code as every other
/// message), and a letter's message is the pieces between the markers with its values put
/// in, escaped by libxml2's own `xmlEncodeSpecialChars` as its writer escapes text, and the
/// PDF's base64 after the kept start of ``Base64Prefixes``: the same bytes as writing it whole.
struct MemoTemplate {
    struct Key: Hashable {
        let group: LetterGroup
        let language: Language
        let date: CalendarDate
    }

    /// The markers written for the values, in the order they are written. Private-use
    /// characters: allowed in XML, left as they are by the escaping, and in no label or title
    /// (a probe that has one twice is not cut, see ``init(probe:)``).
    static let markers = ["uuid", "reference", "cpr", "name", "content"].map { "\u{E000}postbatch-\($0)\u{E000}" }

    /// The bytes before the first value, between each two, and after the last.
    private let pieces: [[UInt8]]

    /// Cuts a probe message at its markers; nil unless each is there once and in order.
    init?(probe: [UInt8]) {
        var pieces: [[UInt8]] = []
        var start = 0
        for marker in Self.markers {
            guard let found = ByteSearch.firstIndex(of: marker, in: probe, from: start) else { return nil }
            pieces.append(Array(probe[start..<found]))
            start = found + marker.utf8.count
        }
        pieces.append(Array(probe[start...]))
        guard pieces.allSatisfy({ piece in
            Self.markers.allSatisfy { ByteSearch.firstIndex(of: $0, in: piece, from: 0) == nil }
        }) else { return nil }
        self.pieces = pieces
    }

    /// A letter's message: the pieces with its values and its PDF.
    func envelope(_ values: EnvelopeWriter.MemoValues, pdf: [UInt8], prefixes: Base64Prefixes,
                  capacity: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(capacity)
        for (index, value) in [values.uuid, values.reference, values.cpr, values.name].enumerated() {
            out += pieces[index]
            Self.appendText(value, to: &out)
        }
        out += pieces[4]
        Self.appendBase64(pdf, prefixes: prefixes, to: &out)
        out += pieces[5]
        return out
    }

    /// Element text as ``XMLWriter/text(_:)`` writes it: made safe, then escaped by libxml2.
    private static func appendText(_ value: String, to out: inout [UInt8]) {
        XMLText.safe(value).withCString { text in
            text.withMemoryRebound(to: xmlChar.self, capacity: 1) { text in
                // libxml2's default allocator is malloc; postbatch does not replace it.
                guard let escaped = xmlEncodeSpecialChars(nil, text) else { return }
                defer { free(escaped) }
                out.append(contentsOf: UnsafeBufferPointer(start: escaped, count: Int(xmlStrlen(escaped))))
            }
        }
    }

    /// The base64 of `data` as ``XMLWriter/base64(_:)`` writes it: the kept text of its start, then the rest.
    private static func appendBase64(_ data: [UInt8], prefixes: Base64Prefixes, to out: inout [UInt8]) {
        var start = 0
        if let prefix = prefixes.prefix(of: data) {
            out += prefix.text
            start = prefix.count
        }
        let written = out.count
        out.append(contentsOf: repeatElement(0, count: (data.count - start + 2) / 3 * 4))
        data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                _ = Base64.encode(UnsafeBufferPointer(rebasing: input[start...]),
                                  into: UnsafeMutableBufferPointer(rebasing: output[written...]))
            }
        }
    }
}

extension EnvelopeWriter {
    /// The message of the letter's group, language and day in pieces, made on first use;
    /// nil where the probe could not be cut (then the message is written whole).
    func memoTemplate(for letter: Letter, in cache: EnvelopeCache) throws(EnvelopeError) -> MemoTemplate? {
        let key = MemoTemplate.Key(group: letter.group, language: letter.language, date: letter.date)
        if let kept = cache.memoTemplates[key] { return kept }
        let markers = MemoTemplate.markers
        let values = MemoValues(uuid: markers[0], reference: markers[1], cpr: markers[2], name: markers[3])
        let probe = try XMLWriter.document(capacity: 4096) { xml throws(EnvelopeError) in
            try writeMessage(for: letter, values, to: xml) { () throws(EnvelopeError) in try xml.text(markers[4]) }
        }
        let template = MemoTemplate(probe: probe)
        if cache.memoTemplates.count >= EnvelopeCache.memoTemplateLimit { cache.memoTemplates.removeAll() }
        cache.memoTemplates[key] = .some(template)
        return template
    }
}
