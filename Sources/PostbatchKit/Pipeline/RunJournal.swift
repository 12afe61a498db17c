internal import Foundation
internal import Glibc

/// The journal of a spool: which run it holds and which batches are done.
///
/// ```
/// DIR/.journal/run.json                  RunRecord
/// DIR/.journal/batches/<batch>.csv       manifest lines of a finished batch
/// DIR/.journal/rejects.csv, skipped.csv  the lists, staged by the first pass
/// DIR/.journal/input.csv                 standard input, kept to be read twice
/// ```
///
/// A batch is recorded only after its envelopes are in place and flushed to disk
/// (`sync`), and the record itself is written atomically. So after a crash at
/// any point, every recorded batch is whole, and a batch that is not recorded is
/// simply written again (its envelopes have the same names and bytes).
final class RunJournal {
    let spool: SpoolDirectory
    let directory: String
    let batchesDirectory: String

    init(spool: SpoolDirectory) throws(SpoolError) {
        self.spool = spool
        directory = try spool.makeDirectory(SpoolLayout.journal)
        batchesDirectory = try spool.makeDirectory(SpoolLayout.journal + "/" + SpoolLayout.journalBatches)
    }

    var recordPath: String { directory + "/" + SpoolLayout.journalRecord }

    /// Where standard input is kept for the second pass.
    var inputCopyPath: String { directory + "/" + SpoolLayout.journalInputCopy }

    /// The run recorded in the spool, or `nil` for a fresh spool.
    func load() throws(RunError) -> RunRecord? {
        guard FileManager.default.fileExists(atPath: recordPath) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: recordPath))
            return try JSONDecoder().decode(RunRecord.self, from: data)
        } catch {
            throw RunError(code: .brokenJournal, spool: spool.path,
                           detail: "the run journal \(SpoolLayout.journal)/\(SpoolLayout.journalRecord) cannot be read; run again with --force-new-run to start over")
        }
    }

    func save(_ record: RunRecord) throws(SpoolError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        // Encoding five plain fields cannot fail.
        let data = (try? encoder.encode(record)) ?? Data()
        try AtomicFileWriter(directory: directory).write(Array(data), to: SpoolLayout.journalRecord)
    }

    /// The names of the batches already recorded.
    func doneBatches() throws(SpoolError) -> Set<String> {
        Set(try Self.contents(of: batchesDirectory)
            .filter { $0.hasSuffix(".csv") && !AtomicFileWriter.isTemporaryName($0) })
    }

    /// Whether a batch is recorded as done.
    func isDone(_ batch: BatchKey, in done: Set<String>) -> Bool {
        done.contains(SpoolLayout.journalSegment(of: batch))
    }

    /// Makes everything written so far durable, then records the batch.
    ///
    /// Envelopes are renamed into place without a `fsync` each; one `syncfs` of the spool's
    /// file system per batch (a thousand letters) flushes them all before the record is
    /// written. A write-back error it reports leaves the batch unrecorded: the run stops,
    /// and a rerun writes the batch again.
    func recordBatch(_ key: BatchKey, manifestLines: String) throws(SpoolError) {
        try Syscall.syncFileSystem(containing: spool.path)
        try AtomicFileWriter(directory: batchesDirectory)
            .write(Array(manifestLines.utf8), to: SpoolLayout.journalSegment(of: key))
    }

    /// The recorded batches' manifest lines, in manifest order.
    func segmentPaths() throws(SpoolError) -> [String] {
        try doneBatches().sorted().map { batchesDirectory + "/" + $0 }
    }

    /// Forgets everything: for `--force-new-run`.
    func reset() throws(SpoolError) {
        for name in try Self.contents(of: batchesDirectory) {
            try Self.remove(batchesDirectory + "/" + name)
        }
        for name in [SpoolLayout.journalRecord, SpoolLayout.rejects, SpoolLayout.skipped, SpoolLayout.journalInputCopy] {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }

    static func contents(of folder: String) throws(SpoolError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw SpoolError(code: .io, path: folder, cause: "\(error)", message: "cannot list the folder \(folder)")
        }
    }

    static func remove(_ path: String) throws(SpoolError) {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw SpoolError(code: .io, path: path, cause: "\(error)", message: "cannot remove \(path)")
        }
    }
}
