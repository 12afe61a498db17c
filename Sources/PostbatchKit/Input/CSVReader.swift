/// A streaming RFC 4180 reader that works on bytes.
///
/// It reads the input in 1 MiB chunks and hands out one record at a time in a
/// buffer it reuses, so memory stays flat whatever the input size. Quoted fields
/// may hold the delimiter, `""` and line breaks. A UTF-8 byte order mark is
/// skipped. Lines end in LF, CRLF or CR. Completely empty lines are not records.
///
/// Bounds: a record longer than ``maximumRecordBytes`` or with more fields than
/// the header allows is read to its end but not stored; it comes back with
/// ``CSVRecord/isOversized`` set, so the caller rejects it (`malformed_row`)
/// instead of the program running out of memory (an unterminated quote makes
/// the rest of the file one record).
///
/// Not thread-safe: one reader per input.
final class CSVReader {
    /// The largest record kept in memory: far above any real record.
    static let maximumRecordBytes = 1 << 20
    /// The most header columns accepted.
    static let maximumColumns = 10_000
    static let chunkSize = 1 << 20

    private let source: ByteSource
    private(set) var delimiter: UInt8

    private let bytes: UnsafeMutablePointer<UInt8>
    private let chunk: UnsafeMutableRawBufferPointer
    private var chunkEnd = 0
    private var position = 0
    private var atEnd = false

    /// The physical line the reader is on (1-based).
    private var line = 1
    /// Set after a CR: a directly following LF belongs to the same line end.
    private var skipLineFeed = false

    private let record: CSVRecord
    /// Bytes that end a run of ordinary field text: the delimiter, `"`, CR and LF.
    private let special: UnsafeMutablePointer<Bool>

    /// Opens a CSV input and reads its first chunk.
    ///
    /// - Parameters:
    ///   - source: where the bytes come from.
    ///   - delimiter: `;` or `,`; `nil` detects it from the header line (the one of
    ///     the two that occurs more often outside quotes; `;` on a tie).
    /// - Throws: ``InputError`` `unreadable` when reading fails, `empty_input` when
    ///   there is not even a header, `header_too_long` when the header line does not
    ///   end within the first MiB.
    init(source: ByteSource, delimiter: UInt8?) throws(InputError) {
        self.source = source
        bytes = .allocate(capacity: Self.chunkSize)
        chunk = UnsafeMutableRawBufferPointer(start: bytes, count: Self.chunkSize)
        record = CSVRecord()
        special = .allocate(capacity: 256)
        self.delimiter = delimiter ?? UInt8(ascii: ";")
        try fill()
        // The first read may return less than a BOM (a pipe): top it up to 3 bytes.
        while !atEnd, chunkEnd < 3 {
            let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[chunkEnd...]))
            if count == 0 { break }
            chunkEnd += count
        }
        // Skip a UTF-8 byte order mark.
        if chunkEnd >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF {
            position = 3
        }
        if delimiter == nil {
            self.delimiter = try detectDelimiter()
        }
        special.initialize(repeating: false, count: 256)
        for byte in [self.delimiter, UInt8(ascii: "\""), UInt8(ascii: "\r"), UInt8(ascii: "\n")] {
            special[Int(byte)] = true
        }
    }

    deinit {
        bytes.deallocate()
        special.deallocate()
    }

    /// How many bytes of the input have been read so far.
    var bytesRead: Int { source.bytesRead }

    /// The name of the input, for messages.
    var displayName: String { source.displayName }

    /// Reads the next chunk, keeping nothing of the previous one.
    private func fill() throws(InputError) {
        position = 0
        chunkEnd = try source.read(into: chunk)
        if chunkEnd == 0 { atEnd = true }
    }

    /// Fills the rest of the chunk so that the first line is whole in it, then
    /// counts `;` and `,` outside quotes on that line.
    private func detectDelimiter() throws(InputError) -> UInt8 {
        // The first read may return less than a chunk (a pipe): top it up until a line end.
        while !atEnd, !firstLineIsComplete(), chunkEnd < chunk.count {
            let rest = UnsafeMutableRawBufferPointer(rebasing: chunk[chunkEnd...])
            let count = try source.read(into: rest)
            if count == 0 { break }
            chunkEnd += count
        }
        guard firstLineIsComplete() || chunkEnd < chunk.count else {
            throw InputError(code: .headerTooLong, file: source.displayName, line: 1,
                             detail: "the header line is longer than \(Self.chunkSize) bytes; expected a header of column names")
        }
        var semicolons = 0
        var commas = 0
        var quoted = false
        for index in position..<chunkEnd {
            let byte = chunk[index]
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if !quoted {
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
                if byte == UInt8(ascii: ";") { semicolons += 1 }
                if byte == UInt8(ascii: ",") { commas += 1 }
            }
        }
        return commas > semicolons ? UInt8(ascii: ",") : UInt8(ascii: ";")
    }

    private func firstLineIsComplete() -> Bool {
        var quoted = false
        for index in position..<chunkEnd {
            let byte = chunk[index]
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if !quoted, byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                return true
            }
        }
        return false
    }

    private enum State {
        case fieldStart
        case unquoted
        case quoted
        case quoteInQuoted
    }

    /// Reads the next record.
    ///
    /// - Parameter maximumFields: fields beyond this many are counted but not kept.
    /// - Returns: the record, valid until the next call, or `nil` at the end.
    /// - Throws: ``InputError`` `unreadable` when reading fails.
    func next(maximumFields: Int) throws(InputError) -> CSVRecord? {
        record.reset(line: line, maximumFields: maximumFields)
        var state = State.fieldStart
        var sawAnything = false
        let delimiter = self.delimiter
        let quote = UInt8(ascii: "\"")
        let lineFeed = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        // The hot loop works on locals: stored properties of a class would be
        // re-read (and access-checked) for every byte.
        var cursor = record.makeCursor()
        var line = self.line
        // Inside quotes, the last byte was a CR: a directly following LF (perhaps in the
        // next chunk) is the same line break.
        var afterCarriageReturn = false
        defer {
            self.line = line
        }

        while true {
            if position >= chunkEnd {
                if atEnd { break }
                do {
                    try fill()
                } catch {
                    record.store(cursor)   // the buffer may have moved
                    throw error
                }
                if atEnd { break }
            }
            var index = position
            let end = chunkEnd
            let bytes = self.bytes
            if skipLineFeed {
                skipLineFeed = false
                if bytes[index] == lineFeed {
                    index += 1
                    if index >= end { position = index; continue }
                }
            }
            let special = self.special
            while index < end {
                switch state {
                case .fieldStart, .unquoted:
                    // Copy the run of ordinary bytes in one go.
                    let runStart = index
                    while index < end, !special[Int(bytes[index])] { index &+= 1 }
                    if index > runStart {
                        cursor.append(bytes + runStart, count: index &- runStart)
                        state = .unquoted
                        sawAnything = true
                    }
                    guard index < end else { break }
                    let byte = bytes[index]
                    index &+= 1
                    sawAnything = true
                    if byte == delimiter {
                        cursor.endField()
                        state = .fieldStart
                    } else if byte == lineFeed || byte == carriageReturn {
                        position = index
                        return finishLine(byte: byte, cursor: &cursor, line: &line)
                    } else if state == .fieldStart {
                        // A quote opens a quoted field only at the field's start.
                        state = .quoted
                    } else {
                        cursor.append(byte)   // a quote inside an unquoted field is text
                    }
                case .quoted:
                    let runStart = index
                    while index < end, bytes[index] != quote, bytes[index] != lineFeed,
                          bytes[index] != carriageReturn {
                        index &+= 1
                    }
                    if index > runStart {
                        cursor.append(bytes + runStart, count: index &- runStart)
                        afterCarriageReturn = false
                    }
                    guard index < end else { break }
                    let byte = bytes[index]
                    index &+= 1
                    if byte == quote {
                        state = .quoteInQuoted
                        afterCarriageReturn = false
                    } else {
                        // A line break inside quotes: part of the field, and a new line
                        // (CRLF once, even when a chunk ends between CR and LF).
                        if byte == carriageReturn || !afterCarriageReturn {
                            line += 1
                        }
                        afterCarriageReturn = byte == carriageReturn
                        cursor.append(byte)
                    }
                case .quoteInQuoted:
                    let byte = bytes[index]
                    index &+= 1
                    if byte == quote {
                        cursor.append(quote)
                        state = .quoted
                    } else if byte == delimiter {
                        cursor.endField()
                        state = .fieldStart
                    } else if byte == lineFeed || byte == carriageReturn {
                        position = index
                        return finishLine(byte: byte, cursor: &cursor, line: &line)
                    } else {
                        // Lenient: text after a closing quote joins the field.
                        cursor.append(byte)
                        state = .unquoted
                    }
                }
            }
            position = index
        }
        // End of input.
        guard sawAnything else { return nil }
        cursor.endField()
        record.store(cursor)
        record.endLine = line
        if state == .quoted {
            record.isUnterminated = true
        }
        return record
    }

    /// Ends the record at a line end.
    private func finishLine(byte: UInt8, cursor: inout CSVRecord.Cursor, line: inout Int) -> CSVRecord {
        record.endLine = line
        line += 1
        if byte == UInt8(ascii: "\r") { skipLineFeed = true }
        cursor.endField()
        record.store(cursor)
        return record
    }
}

/// One record as the reader found it: its fields as byte ranges in a reused buffer.
///
/// Valid until the reader's next call. Field values come back trimmed of ASCII
/// white space.
final class CSVRecord {
    /// The line where the record starts (the header is line 1).
    var line = 1
    /// How many fields the record has (also counted past the storage bound).
    private(set) var fieldCount = 0
    /// The record was longer than the reader keeps, or had too many fields.
    private(set) var isOversized = false
    /// The input ended inside a quoted field.
    var isUnterminated = false
    /// The line where the record ends: after ``line`` when a quoted field holds a line break.
    var endLine = 1

    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var length = 0
    private var fieldEnds: UnsafeMutablePointer<Int>
    private var fieldCapacity: Int
    private var maximumFields = 64

    init() {
        capacity = 4096
        storage = .allocate(capacity: capacity)
        fieldCapacity = 64
        fieldEnds = .allocate(capacity: fieldCapacity)
    }

    deinit {
        storage.deallocate()
        fieldEnds.deallocate()
    }

    func reset(line: Int, maximumFields: Int) {
        self.line = line
        fieldCount = 0
        length = 0
        isOversized = false
        isUnterminated = false
        self.maximumFields = maximumFields
        if fieldCapacity < maximumFields {
            fieldEnds.deallocate()
            fieldCapacity = maximumFields
            fieldEnds = .allocate(capacity: fieldCapacity)
        }
    }

    /// Whether the record is one empty field: an empty line.
    var isBlankLine: Bool { fieldCount == 1 && length == 0 }

    /// A 64-bit FNV-1a hash of the record as read: its line, its fields' bytes and
    /// boundaries, and whether it was cut. Two reads of the same bytes give the same
    /// fingerprint; a run compares them to prove its second pass reads what the first
    /// pass classified.
    var fingerprint: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ byte: UInt8) {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        func mix(_ value: Int) {
            var value = UInt64(bitPattern: Int64(value))
            for _ in 0..<8 {
                mix(UInt8(truncatingIfNeeded: value))
                value >>= 8
            }
        }
        mix(line)
        mix(fieldCount)
        mix(isOversized ? 1 : 0)
        mix(isUnterminated ? 1 : 0)
        for index in 0..<min(fieldCount, maximumFields) { mix(fieldEnds[index]) }
        for index in 0..<length { mix(storage[index]) }
        return hash
    }

    /// The record's buffers as plain values, for the reader's hot loop.
    struct Cursor {
        var storage: UnsafeMutablePointer<UInt8>
        var capacity: Int
        var length: Int
        let fieldEnds: UnsafeMutablePointer<Int>
        let maximumFields: Int
        var fieldCount: Int
        var isOversized: Bool

        @inline(__always)
        mutating func append(_ byte: UInt8) {
            if length < capacity || grow() {
                storage[length] = byte
                length &+= 1
            }
        }

        /// Doubles the buffer, up to ``CSVReader/maximumRecordBytes``.
        ///
        /// - Returns: `false`, and marks the record oversized, when it is at the bound already.
        private mutating func grow() -> Bool {
            guard capacity < CSVReader.maximumRecordBytes else {
                isOversized = true
                return false
            }
            let newCapacity = min(capacity * 2, CSVReader.maximumRecordBytes)
            let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            newStorage.update(from: storage, count: length)
            storage.deallocate()
            storage = newStorage
            capacity = newCapacity
            return true
        }

        @inline(__always)
        mutating func append(_ source: UnsafePointer<UInt8>, count: Int) {
            if length &+ count <= capacity {
                (storage + length).update(from: source, count: count)
                length &+= count
            } else {
                appendGrowing(source, count: count)
            }
        }

        /// Appends what fits, growing up to the bound; drops the rest of an oversized
        /// record in one step (byte by byte, a 200 MB unterminated quote took seconds).
        private mutating func appendGrowing(_ source: UnsafePointer<UInt8>, count: Int) {
            var offset = 0
            while offset < count {
                if length == capacity, !grow() {
                    return
                }
                let step = min(count - offset, capacity - length)
                (storage + length).update(from: source + offset, count: step)
                length += step
                offset += step
            }
        }

        @inline(__always)
        mutating func endField() {
            if fieldCount < maximumFields {
                fieldEnds[fieldCount] = length
            } else {
                isOversized = true
            }
            fieldCount &+= 1
        }
    }

    func makeCursor() -> Cursor {
        Cursor(storage: storage, capacity: capacity, length: length, fieldEnds: fieldEnds,
               maximumFields: maximumFields, fieldCount: fieldCount, isOversized: isOversized)
    }

    /// Takes back the buffers after the reader's loop (the storage may have grown).
    func store(_ cursor: Cursor) {
        storage = cursor.storage
        capacity = cursor.capacity
        length = cursor.length
        fieldCount = cursor.fieldCount
        isOversized = cursor.isOversized
    }

    /// The raw bytes of field `index`, untrimmed.
    func rawField(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard index < min(fieldCount, maximumFields) else { return UnsafeBufferPointer(start: storage, count: 0) }
        let start = index == 0 ? 0 : fieldEnds[index - 1]
        return UnsafeBufferPointer(start: storage + start, count: fieldEnds[index] - start)
    }

    /// Field `index`, trimmed of ASCII white space; empty when absent.
    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let raw = rawField(index)
        guard var start = raw.baseAddress else { return raw }
        var end = start + raw.count
        while start < end, start.pointee.isASCIIWhitespaceByte { start += 1 }
        while end > start, (end - 1).pointee.isASCIIWhitespaceByte { end -= 1 }
        return UnsafeBufferPointer(start: start, count: end - start)
    }

    /// Field `index` as a string (trimmed); the bytes must already be valid UTF-8.
    func string(_ index: Int) -> String {
        String(decoding: field(index), as: UTF8.self)
    }

    /// Whether every stored byte is ASCII.
    var isASCII: Bool {
        var combined: UInt8 = 0
        for offset in 0..<length { combined |= storage[offset] }
        return combined < 0x80
    }

    /// The first field, in order, that is not valid UTF-8, or `nil`.
    func firstFieldNotUTF8() -> Int? {
        if isASCII { return nil }
        for index in 0..<min(fieldCount, maximumFields) where !UTF8Validation.isValid(rawField(index)) {
            return index
        }
        return nil
    }
}

extension UInt8 {
    @inline(__always)
    var isASCIIWhitespaceByte: Bool {
        self == 0x20 || (self >= 0x09 && self <= 0x0D)
    }
}
