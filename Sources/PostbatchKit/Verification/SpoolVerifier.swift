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

    /// Letters in the manifest that the run's report does not count: the paper
    /// fallbacks `postbatch fallback` added (their UUIDs).
    public let excludedFromReport: Set<String>

    /// Creates a verifier for one spool folder.
    ///
    /// - Parameters:
    ///   - root: the folder given as `--spool` to the run.
    ///   - excludedFromReport: manifest letters added after the run (paper fallbacks),
    ///     left out when the manifest's counts are compared with `report.json`.
    public init(root: String, excludedFromReport: Set<String> = []) {
        self.root = root
        self.excludedFromReport = excludedFromReport
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
            check.excludedFromReport = excludedFromReport
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
    /// Manifest letters not counted against the report (paper fallbacks).
    var excludedFromReport: Set<String> = []

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
        for group in LetterGroup.allCases {
            counts["by_group.\(group.rawValue)"] = 0
            for channel in Channel.allCases { counts["by_group_channel.\(group.rawValue).\(channel.rawValue)"] = 0 }
        }
        for channel in Channel.allCases { counts["by_channel.\(channel.rawValue)"] = 0 }
        for language in Language.allCases { counts["by_language.\(language.rawValue)"] = 0 }
        counts["total"] = 0
        let end = ManifestLine.forEachLine(ofFile: path) { line, number in
            var text = line
            if number == 1 {
                if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
                if text != SpoolLayout.manifestHeader {
                    problem(.badManifest, SpoolLayout.manifest,
                            "line 1: the header must be exactly '\(SpoolLayout.manifestHeader)' (found '\(Self.shown(text))')")
                    if text.split(separator: ",", omittingEmptySubsequences: false).count == 8,
                       UUIDKey(text.prefix(while: { $0 != "," })) != nil {
                        addLine(text, number: number)  // no header: the first line is a letter
                    }
                }
                return
            }
            if !text.isEmpty { addLine(text, number: number) }
        }
        switch end {
        case .cannotOpen(let error):
            problem(.unreadable, SpoolLayout.manifest, "cannot be read: \(SpoolError.describe(errno: error))")
        case .stopped(let line, let error):
            problem(.unreadable, SpoolLayout.manifest, "reading stopped after line \(line): \(SpoolError.describe(errno: error))")
        case .done:
            break
        }
        seen = [Bool](repeating: false, count: expected.count)
    }

    mutating func addLine(_ text: String, number: Int) {
        let line: ManifestLine
        do {
            line = try ManifestLine(text[...])
        } catch {
            let detail = error.field.map { "field '\($0)': \(error.expected) (found '\(Self.shown(error.found))')" }
            problem(.badManifest, SpoolLayout.manifest, "line \(number): \(detail ?? error.expected)")
            return
        }
        if let first = byUUID[line.key] {
            problem(.duplicateUUID, SpoolLayout.manifest,
                    "line \(number): message \(line.uuid) is already on line \(expected[Int(first)].line)")
            return
        }
        let location = String(line.location)
        let locationID: Int32
        if let known = locationIndex[location] {
            locationID = known
        } else {
            locationID = Int32(locations.count)
            locations.append(location)
            locationIndex[location] = locationID
        }
        byUUID[line.key] = Int32(expected.count)
        expected.append(Expected(uuid: line.key, location: locationID, bytes: line.bytes, digest: line.digest, line: number))
        result.letters += 1
        if excludedFromReport.contains(String(line.uuid)) { return }
        let (group, channel) = (line.group.rawValue, line.channel.rawValue)
        counts["total", default: 0] += 1
        counts["by_group.\(group)", default: 0] += 1
        counts["by_channel.\(channel)", default: 0] += 1
        counts["by_group_channel.\(group).\(channel)", default: 0] += 1
        counts["by_language.\(line.language.rawValue)", default: 0] += 1
        counts["by_date.\(line.date.iso)", default: 0] += 1
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
