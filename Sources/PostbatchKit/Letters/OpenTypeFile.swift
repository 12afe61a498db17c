/// The bytes of a TrueType or OpenType font file, to read and change a few numbers in its
/// tables (the OpenType specification's table directory, big-endian, 4-byte checksums).
///
/// Only what ``FontSubset`` needs to set a subset's advance widths: find a table, read
/// and write 16-bit numbers, and make the checksums agree with a changed table.
struct OpenTypeFile {
    /// A table's place in the file and its record in the table directory.
    struct Table {
        let offset: Int
        let length: Int
        /// Where the table's directory record starts.
        let record: Int
    }

    private(set) var bytes: [UInt8]
    private let tables: [String: Table]

    /// Reads the table directory; nil when the bytes are not a font file whose tables lie
    /// inside it.
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 12 else { return nil }
        self.bytes = bytes
        let count = Int(UInt16(bytes[4]) << 8 | UInt16(bytes[5]))
        guard bytes.count >= 12 + 16 * count else { return nil }
        var tables: [String: Table] = [:]
        for index in 0..<count {
            let record = 12 + 16 * index
            let tag = String(decoding: bytes[record..<(record + 4)], as: UTF8.self)
            let offset = Int(Self.uint32(bytes, at: record + 8))
            let length = Int(Self.uint32(bytes, at: record + 12))
            guard offset + length <= bytes.count else { return nil }
            tables[tag] = Table(offset: offset, length: length, record: record)
        }
        self.tables = tables
    }

    /// The table with a four-letter tag, if the font has it.
    func table(_ tag: String) -> Table? { tables[tag] }

    func uint16(at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func setUInt16(_ value: UInt16, at offset: Int) {
        bytes[offset] = UInt8(value >> 8)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value)
    }

    /// Writes a changed table's checksum into its directory record, and the font's
    /// `checkSumAdjustment` in `head` (0xB1B0AFBA minus the sum of the whole file).
    mutating func updateChecksums(of tag: String) {
        if let table = tables[tag] {
            setUInt32(Self.checksum(bytes, table.offset, table.length), at: table.record + 4)
        }
        guard let head = tables["head"], head.length >= 12 else { return }
        setUInt32(0, at: head.offset + 8)
        setUInt32(0xB1B0_AFBA &- Self.checksum(bytes, 0, bytes.count), at: head.offset + 8)
    }

    private mutating func setUInt32(_ value: UInt32, at offset: Int) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (24 - 8 * index)) }
    }

    private static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 8 | UInt32(bytes[offset + $1]) }
    }

    /// The sum of the big-endian 32-bit words of a stretch, the last one padded with zeros.
    static func checksum(_ bytes: [UInt8], _ offset: Int, _ length: Int) -> UInt32 {
        var sum: UInt32 = 0
        var position = offset
        while position < offset + length {
            var word: UInt32 = 0
            for index in 0..<4 {
                let at = position + index
                word = word << 8 | UInt32(at < offset + length && at < bytes.count ? bytes[at] : 0)
            }
            sum &+= word
            position += 4
        }
        return sum
    }
}
