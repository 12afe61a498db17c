/// Lower-case hexadecimal text of bytes: digests in the manifest, journal and run identity.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

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
}
