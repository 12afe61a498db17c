internal import Glibc

/// The base64 text of the bytes many documents start with, kept: one worker's memory of
/// what its envelopes' PDFs share.
///
/// The fast path's letters of one template start with the same 13–15 KB (header, font
/// subsets, colour profile, the compiled page); only the last kilobytes differ. So a
/// worker keeps, for each such start, its bytes and their base64 text, and an envelope
/// writes the kept text and encodes only the rest (``XMLWriter/base64(_:)``). A start is
/// learnt from two documents in a row that share at least ``minimumLength`` bytes, cut
/// to whole groups of three bytes so the text of the rest follows on. The text is the
/// same as encoding the whole document, byte for byte.
///
/// One worker's: not for several threads at once.
final class Base64Prefixes {
    private struct Prefix {
        let bytes: [UInt8]
        let text: [UInt8]
    }

    /// Starts shorter than this are not kept: encoding them costs less than looking.
    static let minimumLength = 3 * 1024
    /// Starts kept at most (a campaign has ten templates and two channels); the oldest goes first.
    static let limit = 32

    private var prefixes: [Prefix] = []
    /// How many starts are kept.
    var count: Int { prefixes.count }
    /// The document before, to learn a start from.
    private var previous: [UInt8] = []

    /// The longest kept start of `data`, as its length in bytes and its base64 text, or nil.
    ///
    /// When the kept starts cover less than three quarters of `data`, what it shares with
    /// the document before is compared, and kept when that is at least ``minimumLength``
    /// longer: so a template's own start is learnt after a start all templates share.
    func prefix(of data: [UInt8]) -> (count: Int, text: [UInt8])? {
        var best: Prefix?
        for prefix in prefixes where prefix.bytes.count <= data.count && prefix.bytes.count > (best?.bytes.count ?? 0)
            && Self.starts(data, with: prefix.bytes) {
            best = prefix
        }
        let known = best?.bytes.count ?? 0
        if known < data.count / 4 * 3 {
            let common = Self.commonLength(data, previous) / 3 * 3
            if common >= known + Self.minimumLength { best = learn(Array(data[..<common])) }
        }
        previous = data
        return best.map { ($0.bytes.count, $0.text) }
    }

    /// Keeps a start and its text.
    private func learn(_ bytes: [UInt8]) -> Prefix {
        var text = [UInt8](repeating: 0, count: bytes.count / 3 * 4)
        _ = bytes.withUnsafeBufferPointer { input in text.withUnsafeMutableBufferPointer { Base64.encode(input, into: $0) } }
        if prefixes.count >= Self.limit { prefixes.removeFirst() }
        let prefix = Prefix(bytes: bytes, text: text)
        prefixes.append(prefix)
        return prefix
    }

    private static func starts(_ data: [UInt8], with prefix: [UInt8]) -> Bool {
        data.withUnsafeBytes { data in
            prefix.withUnsafeBytes { prefix in
                guard let start = data.baseAddress, let other = prefix.baseAddress else { return prefix.isEmpty }
                return memcmp(start, other, prefix.count) == 0
            }
        }
    }

    /// How many bytes `a` and `b` share from their start, compared eight at a time.
    private static func commonLength(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.withUnsafeBytes { a in
            b.withUnsafeBytes { b in
                let count = min(a.count, b.count)
                var index = 0
                while index + 8 <= count
                    && a.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        == b.loadUnaligned(fromByteOffset: index, as: UInt64.self) {
                    index += 8
                }
                while index < count && a[index] == b[index] { index += 1 }
                return index
            }
        }
    }
}
