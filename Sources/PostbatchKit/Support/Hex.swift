/// Hexadecimal text of bytes: lower case for digests in the manifest, journal and run
/// identity; upper case for PDF hex strings (glyph ids, UTF-16 text, the document ID).
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)
    private static let upperDigits = Array("0123456789ABCDEF".utf8)

    /// `0a1b…`, two digits per byte.
    static func string(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes { append(byte, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the byte's two digits.
    @inline(__always)
    static func append(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }

    /// Appends the byte's two digits in upper case: `0A`.
    @inline(__always)
    static func appendUpper(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(upperDigits[Int(byte >> 4)])
        out.append(upperDigits[Int(byte & 0x0F)])
    }
}
