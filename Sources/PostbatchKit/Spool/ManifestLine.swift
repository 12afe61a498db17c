internal import Glibc

/// One line of `manifest.csv`, split into its columns (``SpoolLayout/manifestColumns``)
/// and checked: the one reader of manifest lines, used by `verify`, the journal audit
/// and the delivery.
///
/// ```
/// uuid,group,channel,date,language,bytes,sha256,file
/// 9c1e…-…,3,digital,2021-10-06,da,48213,5f0a…,digital/2021-10-06/0001/9c1e….xml
/// 9c1e…-…,3,digital,2021-10-06,da,48213,5f0a…,digital/2021-10-06/0001.tar.lzma
/// ```
struct ManifestLine {
    /// The message UUID as written: lower-case 8-4-4-4-12 hex.
    let uuid: Substring
    /// The same UUID as an index key.
    let key: UUIDKey
    let group: LetterGroup
    let channel: Channel
    let date: CalendarDate
    let language: Language
    /// The envelope's size in bytes.
    let bytes: Int
    /// The envelope's SHA-256.
    let digest: Digest
    /// The envelope file or container, relative to the spool.
    let file: Substring
    /// Where the letter lives: a loose envelope's folder (`digital/2021-10-06/0001`) or
    /// the container's path (`digital/2021-10-06/0001.tar.lzma`).
    let location: Substring

    /// Whether the letter is an entry of a container.
    var isInContainer: Bool { file.hasSuffix(SpoolLayout.containerSuffix) }

    /// Why a line is not a manifest line.
    struct Failure: Error {
        /// The column, or `nil` when the line has the wrong number of fields.
        let field: String?
        /// What the column must hold.
        let expected: String
        /// What it holds (raw: show it through a masking function).
        let found: Substring
    }

    /// Reads and checks one line (without its line end).
    ///
    /// - Throws: ``Failure`` naming the first column that is wrong.
    init(_ text: Substring) throws(Failure) {
        let fields = Self.split(text, at: ",")
        guard fields.count == SpoolLayout.manifestColumns.count else {
            throw Failure(field: nil, expected: "expected \(SpoolLayout.manifestColumns.count) fields "
                          + "(\(SpoolLayout.manifestHeader)), found \(fields.count)", found: text)
        }
        func fail(_ index: Int, _ expected: String) -> Failure {
            Failure(field: SpoolLayout.manifestColumns[index], expected: expected, found: fields[index])
        }
        guard let key = UUIDKey(fields[0]) else { throw fail(0, "expected lower-case 8-4-4-4-12 hex") }
        guard let number = Int(fields[1]), let group = LetterGroup(rawValue: number) else { throw fail(1, "expected 1 to 5") }
        guard let channel = Channel(rawValue: String(fields[2])) else { throw fail(2, "expected digital or print") }
        guard let date = CalendarDate(iso: String(fields[3])) else { throw fail(3, "expected a date like 2021-10-06") }
        guard let language = Language(rawValue: String(fields[4])) else { throw fail(4, "expected da or en") }
        guard let bytes = Int(fields[5]), bytes >= 0 else { throw fail(5, "expected a whole number of bytes") }
        guard let digest = Digest(hex: fields[6]) else { throw fail(6, "expected 64 lower-case hex digits") }
        guard let location = Self.location(of: fields[7], uuid: fields[0], channel: fields[2], date: fields[3]) else {
            throw fail(7, "expected \(fields[2])/\(fields[3])/NNNN/\(fields[0]).xml or \(fields[2])/\(fields[3])/NNNN.tar.lzma")
        }
        uuid = fields[0]
        self.key = key
        self.group = group
        self.channel = channel
        self.date = date
        self.language = language
        self.bytes = bytes
        self.digest = digest
        file = fields[7]
        self.location = location
    }

    /// The folder of `<channel>/<date>/<NNNN>/<uuid>.xml`, or the whole of
    /// `<channel>/<date>/<NNNN>.tar.lzma`; `nil` for any other path.
    private static func location(of file: Substring, uuid: Substring, channel: Substring, date: Substring) -> Substring? {
        let parts = split(file, at: "/")
        guard parts.count >= 3, parts[0] == channel, parts[1] == date else { return nil }
        if parts.count == 4, isBatch(parts[2]), parts[3] == SpoolLayout.envelopeName(uuid: uuid) {
            return file[..<parts[2].endIndex]
        }
        if parts.count == 3, parts[2].hasSuffix(SpoolLayout.containerSuffix),
           isBatch(parts[2].dropLast(SpoolLayout.containerSuffix.count)) {
            return file
        }
        return nil
    }

    /// `text` split at every `separator`, empty fields kept. By bytes, not characters: the
    /// separators are ASCII, so every field still begins and ends on a character, and splitting
    /// by characters (grapheme breaking) was most of a rerun's check of a spool's journal.
    static func split(_ text: Substring, at separator: Unicode.Scalar) -> [Substring] {
        text.utf8.split(separator: UInt8(ascii: separator), omittingEmptySubsequences: false).map(Substring.init)
    }

    /// `0001`: four digits.
    static func isBatch(_ name: Substring) -> Bool {
        name.count == 4 && name.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    // MARK: - The file

    /// How reading `manifest.csv` ended.
    enum FileEnd: Equatable {
        /// Every line was read; the number of the last.
        case done(lines: Int)
        /// The file could not be opened (`errno`).
        case cannotOpen(errno: Int32)
        /// Reading failed after this line (`errno`).
        case stopped(afterLine: Int, errno: Int32)
    }

    /// Calls `body` with every line of a manifest file, its line end removed, and the
    /// line's number (1-based, the header included), in order; memory stays flat.
    static func forEachLine(ofFile path: String, _ body: (String, Int) throws -> Void) rethrows -> FileEnd {
        guard let file = fopen(path, "r") else { return .cannotOpen(errno: errno) }
        defer { fclose(file) }
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        var number = 0
        while true {
            let length = getline(&buffer, &capacity, file)
            guard length >= 0, let buffer else { break }
            number += 1
            var text = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") || text.hasSuffix("\r\n") { text.removeLast() }
            try body(text, number)
        }
        return ferror(file) != 0 ? .stopped(afterLine: number, errno: errno) : .done(lines: number)
    }
}
