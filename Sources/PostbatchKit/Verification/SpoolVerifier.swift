internal import Crypto
internal import Foundation
internal import Glibc

/// Checks a finished spool against its manifest: `postbatch verify DIR`.
///
/// The layout it expects is the one the run writes (SPEC §3):
///
/// ```text
/// DIR/digital/<YYYY-MM-DD>/<NNNN>/<uuid>.xml     loose MeMo envelopes
/// DIR/print/<YYYY-MM-DD>/<NNNN>/<uuid>.xml       loose fjernprint envelopes
/// DIR/<channel>/<YYYY-MM-DD>/<NNNN>.tar.lzma     containers with entries <uuid>.xml
/// DIR/manifest.csv    uuid,group,channel,date,language,bytes,sha256,file
/// DIR/report.json     the statistics of SPEC §5
/// DIR/rejects.csv, DIR/skipped.csv, DIR/report.html   optional
/// DIR/.journal/, DIR/.lock                            not checked
/// ```
///
/// It reports, as ``SpoolProblem``s: a listed envelope, container or entry that
/// is missing; a size or SHA-256 that differs from the manifest; an envelope,
/// entry or other file the manifest does not list; a UUID listed twice; a
/// malformed manifest line; a temporary file left by a killed run; a count in
/// `report.json` (`letters.total`, `by_channel`, `by_group`, `by_group_channel`,
/// `by_language`, `by_date`) that differs from the manifest; a folder that is not
/// `0700` or a file that is not `0600`.
///
/// ```swift
/// let result = try SpoolVerifier(root: "spool").verify { problem in log(problem) }
/// if !result.isValid { … }
/// ```
///
/// Files are hashed in 64 KiB pieces and containers read one entry at a time.
/// The manifest is indexed in memory at about 100 bytes per letter (UUID, size,
/// digest, location), so 5 million letters need about 500 MB.
public struct SpoolVerifier: Sendable {
    /// The spool folder.
    public let root: String

    /// The manifest's header line, exactly.

    /// Creates a verifier for one spool folder.
    ///
    /// - Parameter root: the folder given as `--spool` to the run.
    public init(root: String) {
        self.root = root
    }

    /// Checks the spool, telling `onProblem` each difference as it is found.
    ///
    /// Problems come in this order: the manifest's own, then the files in path
    /// order, then what is missing (in manifest order), then the report's counts.
    /// A spool with problems is not an error: the result says how many.
    ///
    /// - Parameter onProblem: told every problem once.
    /// - Returns: what was checked and how many problems of each kind were found.
    /// - Throws: ``SpoolError`` with code `not_a_spool` when `root` is missing,
    ///   not a folder, or holds no `manifest.csv`. Nothing else is thrown: an
    ///   unreadable file or folder is a problem (`unreadable`), and checking goes on.
    public func verify(onProblem: (SpoolProblem) -> Void = { _ in }) throws(SpoolError) -> SpoolVerification {
        var info = stat()
        guard stat(root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw SpoolError(
                code: .notASpool, path: root,
                message: "\(root) is not a spool folder: give the folder a run wrote with --spool")
        }
        let manifestPath = Syscall.join(root, SpoolLayout.manifest)
        guard access(manifestPath, F_OK) == 0 else {
            throw SpoolError(
                code: .notASpool, path: root,
                message: "\(root) holds no manifest.csv, so it is not a spool (or its run has not finished)")
        }
        return withoutActuallyEscaping(onProblem) { onProblem in
            var check = Check(root: root, onProblem: onProblem)
            check.readManifest(at: manifestPath)
            check.permissions(of: root, relative: ".", folder: true)
            check.walkRoot()
            check.reportMissing()
            let report = check.compareReport()
            check.checkSideFiles(report: report)
            return check.result
        }
    }
}

/// What ``SpoolVerifier/verify(onProblem:)`` checked and found.
public struct SpoolVerification: Sendable {
    /// Letters in the manifest (well-formed lines with a new UUID).
    public var letters = 0
    /// Loose envelope files read and hashed.
    public var filesChecked = 0
    /// Containers opened.
    public var containersChecked = 0
    /// Container entries read and hashed.
    public var entriesChecked = 0
    /// Bytes of envelopes hashed.
    public var bytesChecked = 0
    /// How many problems of each kind were found.
    public var problemCounts: [SpoolProblem.Code: Int] = [:]

    /// All problems found.
    public var problemCount: Int { problemCounts.values.reduce(0, +) }

    /// Whether the spool matches its manifest in every checked respect.
    public var isValid: Bool { problemCount == 0 }
}

// MARK: - The check

/// A message UUID as two 64-bit halves: the index key, 16 bytes instead of a string.
struct UUIDKey: Hashable {
    let high: UInt64
    let low: UInt64

    /// Parses lower-case `8-4-4-4-12` hex.
    init?(_ text: Substring) {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var nibbles = 0
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            if nibbles < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            nibbles += 1
        }
        self.high = high
        self.low = low
    }
}

/// A SHA-256 digest in four words, compared without allocating.
struct Digest: Equatable {
    let words: (UInt64, UInt64, UInt64, UInt64)

    init(_ bytes: some Sequence<UInt8>) {
        var words: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() where index < 32 {
            words[index / 8] = words[index / 8] << 8 | UInt64(byte)
        }
        self.words = (words[0], words[1], words[2], words[3])
    }

    /// Parses 64 lower-case hex digits.
    init?(hex: Substring) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while index < 64 {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(bytes)
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    static func == (lhs: Digest, rhs: Digest) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1
            && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }
}

/// One manifest line, as much as the check needs.
struct Expected {
    let uuid: UUIDKey
    /// Index into `Check.locations`.
    let location: Int32
    let bytes: Int
    let digest: Digest
    let line: Int
}

/// The state of one verification.
struct Check {
    let root: String
    let onProblem: (SpoolProblem) -> Void
    var result = SpoolVerification()

    var expected: [Expected] = []
    var byUUID: [UUIDKey: Int32] = [:]
    var seen: [Bool] = []
    /// A loose file's folder (`digital/2021-10-06/0001`) or a container's path.
    var locations: [String] = []
    var locationIndex: [String: Int32] = [:]
    /// Containers found on disk, and those that could not be read to the end.
    var containersFound: Set<Int32> = []
    var containersBroken: Set<Int32> = []

    /// Counts from the manifest, keyed as in `report.json`: `by_group.1`, `total`.
    var counts: [String: Int] = [:]

    init(root: String, onProblem: @escaping (SpoolProblem) -> Void) {
        self.root = root
        self.onProblem = onProblem
    }

    mutating func problem(_ code: SpoolProblem.Code, _ path: String, _ detail: String) {
        result.problemCounts[code, default: 0] += 1
        onProblem(SpoolProblem(code: code, path: path, detail: detail))
    }

    // MARK: Manifest

    mutating func readManifest(at path: String) {
        guard let file = fopen(path, "r") else {
            problem(.unreadable, SpoolLayout.manifest, "cannot be read: \(SpoolError.describe(errno: errno))")
            return
        }
        defer { fclose(file) }
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        var lineNumber = 0
        for group in LetterGroup.allCases {
            counts["by_group.\(group.rawValue)"] = 0
            for channel in Channel.allCases { counts["by_group_channel.\(group.rawValue).\(channel.rawValue)"] = 0 }
        }
        for channel in Channel.allCases { counts["by_channel.\(channel.rawValue)"] = 0 }
        for language in Language.allCases { counts["by_language.\(language.rawValue)"] = 0 }
        counts["total"] = 0
        while true {
            let length = getline(&buffer, &capacity, file)
            guard length >= 0, let buffer else { break }
            lineNumber += 1
            var text = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") || text.hasSuffix("\r\n") { text.removeLast() }
            if lineNumber == 1 {
                if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
                if text != SpoolLayout.manifestHeader {
                    problem(.badManifest, SpoolLayout.manifest,
                            "line 1: the header must be exactly '\(SpoolLayout.manifestHeader)' (found '\(Self.shown(text))')")
                    if text.split(separator: ",", omittingEmptySubsequences: false).count == 8,
                       UUIDKey(text.prefix(while: { $0 != "," })) != nil {
                        addLine(text, number: lineNumber)  // no header: the first line is a letter
                    }
                }
                continue
            }
            if text.isEmpty { continue }
            addLine(text, number: lineNumber)
        }
        if ferror(file) != 0 {
            problem(.unreadable, SpoolLayout.manifest, "reading stopped after line \(lineNumber): \(SpoolError.describe(errno: errno))")
        }
        seen = [Bool](repeating: false, count: expected.count)
    }

    mutating func addLine(_ text: String, number: Int) {
        let fields = text.split(separator: ",", omittingEmptySubsequences: false)
        func bad(_ detail: String) { problem(.badManifest, SpoolLayout.manifest, "line \(number): \(detail)") }
        guard fields.count == 8 else {
            bad("expected \(SpoolLayout.manifestColumns.count) fields (\(SpoolLayout.manifestHeader)), found \(fields.count)")
            return
        }
        let (uuidText, group, channel, date, language, bytesText, shaText, file) =
            (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[7])
        guard let uuid = UUIDKey(uuidText) else {
            return bad("field 'uuid': expected lower-case 8-4-4-4-12 hex (found '\(Self.shown(uuidText))')")
        }
        guard let groupNumber = Int(group), LetterGroup(rawValue: groupNumber) != nil else {
            return bad("field 'group': expected 1 to 5 (found '\(Self.shown(group))')")
        }
        guard Channel(rawValue: String(channel)) != nil else {
            return bad("field 'channel': expected digital or print (found '\(Self.shown(channel))')")
        }
        guard CalendarDate(iso: String(date)) != nil else {
            return bad("field 'date': expected a date like 2021-10-06 (found '\(Self.shown(date))')")
        }
        guard Language(rawValue: String(language)) != nil else {
            return bad("field 'language': expected da or en (found '\(Self.shown(language))')")
        }
        guard let bytes = Int(bytesText), bytes >= 0 else {
            return bad("field 'bytes': expected a whole number of bytes (found '\(Self.shown(bytesText))')")
        }
        guard let digest = Digest(hex: shaText) else {
            return bad("field 'sha256': expected 64 lower-case hex digits (found '\(Self.shown(shaText))')")
        }
        // The file: <channel>/<date>/<NNNN>/<uuid>.xml or <channel>/<date>/<NNNN>.tar.lzma.
        let parts = file.split(separator: "/", omittingEmptySubsequences: false)
        let prefixOK = parts.count >= 3 && parts[0] == channel && parts[1] == date
        let location: String
        if prefixOK, parts.count == 4, Self.isBatch(parts[2]), parts[3] == "\(uuidText).xml" {
            location = parts[0..<3].joined(separator: "/")
        } else if prefixOK, parts.count == 3, parts[2].hasSuffix(SpoolLayout.containerSuffix),
                  Self.isBatch(parts[2].dropLast(SpoolLayout.containerSuffix.count)) {
            location = String(file)
        } else {
            return bad("field 'file': expected \(channel)/\(date)/NNNN/\(uuidText).xml or \(channel)/\(date)/NNNN.tar.lzma "
                       + "(found '\(Self.shown(file))')")
        }
        if let first = byUUID[uuid] {
            problem(.duplicateUUID, SpoolLayout.manifest,
                    "line \(number): message \(uuidText) is already on line \(expected[Int(first)].line)")
            return
        }
        let locationID: Int32
        if let known = locationIndex[location] {
            locationID = known
        } else {
            locationID = Int32(locations.count)
            locations.append(location)
            locationIndex[location] = locationID
        }
        byUUID[uuid] = Int32(expected.count)
        expected.append(Expected(uuid: uuid, location: locationID, bytes: bytes, digest: digest, line: number))
        result.letters += 1
        counts["total", default: 0] += 1
        counts["by_group.\(group)", default: 0] += 1
        counts["by_channel.\(channel)", default: 0] += 1
        counts["by_group_channel.\(group).\(channel)", default: 0] += 1
        counts["by_language.\(language)", default: 0] += 1
        counts["by_date.\(date)", default: 0] += 1
    }

    static func isBatch(_ name: Substring) -> Bool {
        name.count == 4 && name.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// A value for a message: at most 60 characters, and never a run of six or
    /// more digits (which could be part of a CPR number in a damaged file).
    static func shown(_ value: some StringProtocol) -> String {
        var run = 0
        for character in value {
            run = character.isASCII && character.isNumber ? run + 1 : 0
            if run >= 6 && value.count > 12 { return "\(value.count) characters" }
        }
        return value.count > 60 ? String(value.prefix(57)) + "…" : String(value)
    }

    // MARK: Files

    /// The files the spool folder itself may hold, besides `digital/` and `print/`.
    static let rootFiles = SpoolLayout.rootFiles

    mutating func walkRoot() {
        for name in list(root, relative: ".") {
            let path = Syscall.join(root, name)
            if SpoolLayout.bookkeeping.contains(name) { continue }
            if AtomicFileWriter.isTemporaryName(name) {
                problem(.temporaryFile, name, "a temporary file left by a stopped run: run the same command again to finish")
                continue
            }
            let kind = kind(of: path)
            if Channel(rawValue: name) != nil && kind == .folder {
                permissions(of: path, relative: name, folder: true)
                walk(path, relative: name, depth: 1)
            } else if Self.rootFiles.contains(name) && kind == .file {
                permissions(of: path, relative: name, folder: false)
            } else {
                problem(.extraFile, name, "not part of a spool")
            }
        }
    }

    /// Walks `digital/` or `print/`: depth 1 is a channel, 2 a date, 3 a batch folder.
    mutating func walk(_ folder: String, relative: String, depth: Int) {
        for name in list(folder, relative: relative) {
            let path = Syscall.join(folder, name)
            let relativePath = relative + "/" + name
            if AtomicFileWriter.isTemporaryName(name) {
                problem(.temporaryFile, relativePath, "a temporary file left by a stopped run: run the same command again to finish")
                continue
            }
            switch kind(of: path) {
            case .folder:
                permissions(of: path, relative: relativePath, folder: true)
                if depth < 3 {
                    walk(path, relative: relativePath, depth: depth + 1)
                } else {
                    problem(.extraFile, relativePath, "a folder where only envelopes belong")
                }
            case .file:
                permissions(of: path, relative: relativePath, folder: false)
                if depth == 3, name.hasSuffix(SpoolLayout.envelopeSuffix) {
                    checkLoose(path, relative: relativePath, folder: relative, name: name)
                } else if depth == 2, name.hasSuffix(SpoolLayout.containerSuffix) {
                    checkContainer(path, relative: relativePath)
                } else {
                    problem(.extraFile, relativePath, "not in the manifest")
                }
            case .other:
                problem(.extraFile, relativePath, "not a regular file or folder")
            case .missing:
                break
            }
        }
    }

    mutating func checkLoose(_ path: String, relative: String, folder: String, name: String) {
        guard let uuid = UUIDKey(name.dropLast(SpoolLayout.envelopeSuffix.count)), let index = byUUID[uuid].map(Int.init) else {
            return problem(.extraFile, relative, "not in the manifest")
        }
        let entry = expected[index]
        guard locations[Int(entry.location)] == folder else {
            return problem(.extraFile, relative,
                           "the manifest puts this message in \(locations[Int(entry.location)]) (line \(entry.line))")
        }
        seen[index] = true
        result.filesChecked += 1
        switch hash(path) {
        case .failure(let error):
            problem(.unreadable, relative, "cannot be read: \(error)")
        case .success(let (size, digest)):
            result.bytesChecked += size
            if size != entry.bytes {
                problem(.sizeMismatch, relative, "\(size) bytes, the manifest says \(entry.bytes) (line \(entry.line))")
            } else if digest != entry.digest {
                problem(.checksumMismatch, relative, "sha256 differs from the manifest (line \(entry.line))")
            }
        }
    }

    mutating func checkContainer(_ path: String, relative: String) {
        guard let location = locationIndex[relative] else {
            return problem(.extraFile, relative, "a container the manifest does not name")
        }
        containersFound.insert(location)
        result.containersChecked += 1
        do throws(SpoolError) {
            let reader = try TarLZMAReader(path: path)
            while let entry = try reader.next() {
                let entryPath = "\(relative):\(entry.name)"
                guard entry.name.hasSuffix(SpoolLayout.envelopeSuffix), let uuid = UUIDKey(entry.name.dropLast(SpoolLayout.envelopeSuffix.count)),
                      let index = byUUID[uuid].map(Int.init) else {
                    problem(.extraEntry, entryPath, "an entry the manifest does not list")
                    continue
                }
                let expectation = expected[index]
                guard expectation.location == location, !seen[index] else {
                    let detail = seen[index]
                        ? "this message is in the spool twice (manifest line \(expectation.line))"
                        : "the manifest puts this message in \(locations[Int(expectation.location)]) (line \(expectation.line))"
                    problem(.extraEntry, entryPath, detail)
                    continue
                }
                seen[index] = true
                result.entriesChecked += 1
                result.bytesChecked += entry.size
                if entry.size != expectation.bytes {
                    problem(.sizeMismatch, entryPath,
                            "\(entry.size) bytes, the manifest says \(expectation.bytes) (line \(expectation.line))")
                } else if Digest(SHA256.hash(data: entry.bytes)) != expectation.digest {
                    problem(.checksumMismatch, entryPath, "sha256 differs from the manifest (line \(expectation.line))")
                }
            }
        } catch {
            containersBroken.insert(location)
            problem(.unreadable, relative, "\(error.message)\(error.cause.map { " (\($0))" } ?? "")")
        }
    }

    /// Reports every manifest line whose envelope was not found.
    mutating func reportMissing() {
        var missingContainers: [Int32: (count: Int, firstLine: Int)] = [:]
        var order: [Int32] = []
        for (index, entry) in expected.enumerated() where !seen[index] {
            let location = locations[Int(entry.location)]
            if location.hasSuffix(SpoolLayout.containerSuffix) {
                if containersBroken.contains(entry.location) { continue }
                if containersFound.contains(entry.location) {
                    problem(.missingEntry, location, "lacks the entry of manifest line \(entry.line)")
                } else {
                    if missingContainers[entry.location] == nil { order.append(entry.location) }
                    missingContainers[entry.location, default: (0, entry.line)].count += 1
                }
            } else {
                problem(.missingFile, "\(location)/\(Self.uuidText(entry.uuid)).xml",
                        "listed on manifest line \(entry.line) but not in the spool")
            }
        }
        for location in order {
            guard let missing = missingContainers[location] else { continue }
            problem(.missingFile, locations[Int(location)],
                    "listed from manifest line \(missing.firstLine) for \(missing.count) letter(s) but not in the spool")
        }
    }

    static func uuidText(_ key: UUIDKey) -> String {
        let hex = DecimalText.padded(key.high, width: 16, radix: 16) + DecimalText.padded(key.low, width: 16, radix: 16)
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    // MARK: Report

    /// Compares the report with the manifest; returns the report when it could be read.
    @discardableResult
    mutating func compareReport() -> ReportDocument? {
        let path = Syscall.join(root, SpoolLayout.report)
        guard let data = FileManager.default.contents(atPath: path) else {
            if access(path, F_OK) == 0 {
                problem(.unreadable, SpoolLayout.report, "cannot be read")
            } else {
                problem(.missingFile, SpoolLayout.report, "missing: the counts cannot be compared with the manifest")
            }
            return nil
        }
        let report: ReportDocument
        do {
            report = try JSONDecoder().decode(ReportDocument.self, from: data)
        } catch {
            problem(.badReport, SpoolLayout.report, "is not the JSON of SPEC §5: \(ReportDocument.describe(error))")
            return nil
        }
        for inconsistency in report.inconsistencies {
            problem(.badReport, SpoolLayout.report, inconsistency)
        }
        // A shard's spool holds the letters of `shard.letters`; the rest covers the whole input.
        let reported = report.spoolLetters.flattened
        let keys = Set(counts.keys).union(reported.keys).sorted()
        for key in keys {
            let inManifest = counts[key] ?? 0
            let inReport = reported[key]
            if inReport != inManifest {
                problem(.countMismatch, SpoolLayout.report,
                        "letters.\(key) is \(inReport.map(String.init) ?? "missing"), the manifest has \(inManifest)")
            }
        }
        return report
    }

    // MARK: File system

    enum Kind { case file, folder, other, missing }

    func kind(of path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        default: return .other
        }
    }

    mutating func permissions(of path: String, relative: String, folder: Bool) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        let mode = info.st_mode & 0o7777
        let wanted: mode_t = folder ? 0o700 : 0o600
        if mode != wanted {
            problem(.permissions, relative,
                    "mode \(String(mode, radix: 8)), expected \(String(wanted, radix: 8)): the spool must be private "
                        + "(chmod \(String(wanted, radix: 8)))")
        }
    }

    /// The names in a folder, sorted; an unreadable folder is a problem and lists nothing.
    mutating func list(_ folder: String, relative: String) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        } catch {
            problem(.unreadable, relative, "the folder cannot be listed: check its permissions")
            return []
        }
    }

    /// The size and SHA-256 of a file, read in 64 KiB pieces.
    func hash(_ path: String) -> Result<(Int, Digest), HashFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return .failure(HashFailure(errno: errno)) }
        defer { close(fd) }
        var hasher = SHA256()
        var size = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(HashFailure(errno: errno))
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            size += count
        }
        return .success((size, Digest(hasher.finalize())))
    }

    struct HashFailure: Error, CustomStringConvertible {
        let errno: Int32
        var description: String { SpoolError.describe(errno: errno) }
    }
}
