/// Reads an input CSV record by record: header first, then one record per call.
///
/// Blank lines are skipped. A record that is not valid UTF-8 stops the read with
/// ``InputError`` `not_utf8`, naming the line and field, because the file is then
/// in another encoding and every name in it would be wrong.
///
/// Not thread-safe: one reader per input.
final class RecordReader {
    private let reader: CSVReader
    let header: Header
    /// The input's name for messages: the path, or `<stdin>`.
    var file: String { reader.displayName }

    /// Opens an input and reads its header.
    ///
    /// - Parameters:
    ///   - path: a file, or `-` for standard input.
    ///   - delimiter: `;` or `,`, or `nil` to detect it from the header.
    ///   - observer: sees every byte of the input as it is read.
    /// - Throws: ``InputError`` for an unreadable or empty file, a header that is
    ///   not UTF-8, too long, or misses a required column.
    convenience init(path: String, delimiter: UInt8?,
                     observer: ((UnsafeRawBufferPointer) -> Void)? = nil,
                     shouldStop: (() -> Bool)? = nil) throws(InputError) {
        let source = try ByteSource(path: path, observer: observer)
        source.shouldStop = shouldStop
        try self.init(source: source, delimiter: delimiter)
    }

    /// Reads the header from `source`.
    init(source: ByteSource, delimiter: UInt8?) throws(InputError) {
        reader = try CSVReader(source: source, delimiter: delimiter)
        var headerRecord: CSVRecord?
        repeat {
            headerRecord = try reader.next(maximumFields: CSVReader.maximumColumns)
        } while headerRecord?.isBlankLine == true
        guard let record = headerRecord else {
            throw InputError(code: .empty, file: source.displayName,
                             detail: "the input is empty; expected a header line of column names, then one record per line")
        }
        guard !record.isOversized else {
            throw InputError(code: .headerTooLong, file: source.displayName, line: record.line,
                             detail: "the header has more than \(CSVReader.maximumColumns) columns or \(CSVReader.maximumRecordBytes) bytes; expected a header of column names")
        }
        if let bad = record.firstFieldNotUTF8() {
            throw InputError(code: .notUTF8, file: source.displayName, line: record.line,
                             detail: "header column \(bad + 1) is not UTF-8; expected a UTF-8 file (re-export it as UTF-8)")
        }
        let names = (0..<record.fieldCount).map { record.string($0) }
        header = try Header(names: names, file: source.displayName)
    }

    /// The delimiter in use.
    var delimiter: UInt8 { reader.delimiter }

    /// Bytes read from the input so far.
    var bytesRead: Int { reader.bytesRead }

    /// The next record, valid until the next call; `nil` at the end of the input.
    ///
    /// - Throws: ``InputError`` `not_utf8` for a record that is not UTF-8,
    ///   `unreadable` when reading fails.
    func next() throws(InputError) -> CSVRecord? {
        while let record = try reader.next(maximumFields: header.columnCount) {
            if record.isBlankLine, header.columnCount > 1 { continue }
            if !record.isOversized, let bad = record.firstFieldNotUTF8() {
                throw InputError(code: .notUTF8, file: reader.displayName, line: record.line,
                                 detail: "column \(bad + 1) is not UTF-8; expected a UTF-8 file (re-export it as UTF-8)")
            }
            return record
        }
        return nil
    }
}
