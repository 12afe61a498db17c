internal import Foundation
internal import Glibc

/// What an audit of the journal found: recorded batches that must be written again.
struct JournalAudit: Sendable {
    /// Journal segments (``SpoolLayout/journalSegment(of:)`` names) to forget and rewrite.
    private(set) var batches: Set<String> = []
    /// Envelope or container files the journal lists that are not there.
    private(set) var missingFiles = 0
    /// Loose envelopes whose size differs from the journal's.
    private(set) var wrongSizes = 0
    /// Journal lines that are not manifest lines, and segments of the wrong length or name.
    private(set) var badRecords = 0

    var isClean: Bool { batches.isEmpty }

    /// `2 files missing, 1 with the wrong size, 1 bad journal record`.
    var summary: String {
        var parts: [String] = []
        if missingFiles > 0 { parts.append("\(missingFiles) file\(missingFiles == 1 ? "" : "s") missing") }
        if wrongSizes > 0 { parts.append("\(wrongSizes) with the wrong size") }
        if badRecords > 0 { parts.append("\(badRecords) bad journal record\(badRecords == 1 ? "" : "s")") }
        return parts.joined(separator: ", ")
    }

    fileprivate mutating func redo(_ segment: String, missing: Int = 0, wrongSize: Int = 0, bad: Int = 0) {
        batches.insert(segment)
        missingFiles += missing
        wrongSizes += wrongSize
        badRecords += bad
    }
}

extension RunJournal {
    /// Checks what the journal claims against the spool: every recorded batch has the
    /// expected number of well-formed manifest lines, and every file they name is there
    /// (loose envelopes with the recorded size).
    ///
    /// - Parameter expected: letters per journal segment of this run; a segment that is
    ///   not among them is not this run's.
    func audit(expected: [String: Int]) throws(SpoolError) -> JournalAudit {
        var audit = JournalAudit()
        for segment in try doneBatches().sorted() {
            guard let letters = expected[segment],
                  let text = FileManager.default.contents(atPath: batchesDirectory + "/" + segment)
            else {
                audit.redo(segment, bad: 1)
                continue
            }
            let lines = ManifestLine.split(String(decoding: text, as: UTF8.self)[...], at: "\n")
            let records = lines.last == "" ? lines.dropLast() : lines[...]
            guard records.count == letters else {
                audit.redo(segment, bad: 1)
                continue
            }
            var checkedContainers = Set<Substring>()
            for record in records {
                guard let line = try? ManifestLine(record) else {
                    audit.redo(segment, bad: 1)
                    break
                }
                let (file, bytes) = (line.file, line.bytes)
                if line.isInContainer {
                    guard !checkedContainers.contains(file) else { continue }
                    checkedContainers.insert(file)
                    if Self.size(of: spool.path + "/" + file) == nil {
                        audit.redo(segment, missing: 1)
                        break
                    }
                } else {
                    switch Self.size(of: spool.path + "/" + file) {
                    case nil: audit.redo(segment, missing: 1)
                    case bytes: continue
                    default: audit.redo(segment, wrongSize: 1)
                    }
                }
            }
        }
        return audit
    }

    /// Forgets recorded batches, durably, so that the run writes them again.
    func forget(_ segments: Set<String>) throws(SpoolError) {
        for segment in segments {
            try Self.remove(batchesDirectory + "/" + segment)
        }
        try Syscall.fsyncDirectory(batchesDirectory)
    }

    private static func size(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }
}
