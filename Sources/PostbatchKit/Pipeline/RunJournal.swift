internal import Foundation
internal import Crypto
internal import Glibc

/// The record of a run in `DIR/.journal/run.json`.
struct RunRecord: Codable, Equatable {
    /// Format version of this file.
    var version = 1
    /// SHA-256 of the input and of every setting that shapes the spool.
    var identity: String
    /// The time written into the envelopes, kept so a resumed run writes the same bytes.
    var now: String
    /// The mass-mailing id of paper envelopes.
    var massMailingID: String
    /// Set when manifest, lists and report are written.
    var complete: Bool
}

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
        batchesDirectory = try spool.makeDirectory(SpoolLayout.journal + "/batches")
    }

    var recordPath: String { directory + "/run.json" }

    /// The run recorded in the spool, or `nil` for a fresh spool.
    func load() throws -> RunRecord? {
        guard FileManager.default.fileExists(atPath: recordPath) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: recordPath))
            return try JSONDecoder().decode(RunRecord.self, from: data)
        } catch {
            throw RunError(code: .brokenJournal, spool: spool.path,
                           detail: "the run journal .journal/run.json cannot be read; run again with --force-new-run to start over")
        }
    }

    func save(_ record: RunRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(record)
        try AtomicFileWriter(directory: directory).write(Array(data), to: "run.json")
    }

    /// The names of the batches already recorded.
    func doneBatches() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: batchesDirectory)
            .filter { $0.hasSuffix(".csv") && !AtomicFileWriter.isTemporaryName($0) })
    }

    /// Makes everything written so far durable, then records the batch.
    ///
    /// Envelopes are renamed into place without a `fsync` each; one `sync` per
    /// batch (a thousand letters) flushes them all before the record is written.
    func recordBatch(_ key: BatchKey, manifestLines: String) throws(SpoolError) {
        sync()
        try AtomicFileWriter(directory: batchesDirectory).write(Array(manifestLines.utf8), to: key.segmentName)
    }

    /// The recorded batches' manifest lines, in manifest order.
    func segmentPaths() throws -> [String] {
        try doneBatches().sorted().map { batchesDirectory + "/" + $0 }
    }

    /// Forgets everything: for `--force-new-run`.
    func reset() throws {
        let manager = FileManager.default
        for name in try manager.contentsOfDirectory(atPath: batchesDirectory) {
            try manager.removeItem(atPath: batchesDirectory + "/" + name)
        }
        for name in ["run.json", SpoolLayout.rejects, SpoolLayout.skipped, "input.csv"] {
            try? manager.removeItem(atPath: directory + "/" + name)
        }
    }
}

/// The fingerprint that decides whether a spool holds "the same run".
enum RunIdentity {
    /// SHA-256 over the input's hash and every setting that changes what is written.
    ///
    /// - Parameter includingShard: `false` gives the identity of the whole mailing, the
    ///   same for every shard of it (the mass-mailing id derives from that).
    static func compute(inputSHA256: String, campaign: Campaign, options: RunOptions,
                        includingShard: Bool = true) throws -> String {
        var hasher = SHA256()
        func add(_ text: String) { hasher.update(data: Array((text + "\n").utf8)) }
        add("postbatch-run-v1")
        add("input=\(inputSHA256)")
        add("campaign=\(campaign.id)|\(campaign.sender.cvr)|\(campaign.sender.name)|\(campaign.sender.addressLines.joined(separator: "/"))|\(campaign.sender.contact)")
        add("schedule=\(campaign.schedule.firstDay.iso)|\(campaign.schedule.waves)|\(campaign.schedule.printDay.iso)")
        for language in Language.allCases {
            for group in LetterGroup.allCases { add("title=\(campaign.title(for: group, in: language))") }
        }
        add("memo=\(options.memoVersion.rawValue)")
        add("renderer=\(options.renderer.rawValue)")
        add("container=\(options.container.rawValue)|\(options.container == .none ? SpoolLayout.lettersPerFolder : options.perContainer)|\(options.container == .none ? 0 : options.compressionLevel)")
        add("now=\(options.now?.iso ?? "-")")
        add("shard=\(includingShard ? options.shard?.description ?? "-" : "-")")
        // The templates shape every PDF: hash every file under the template folder.
        let root = campaign.templateDirectory.standardizedFileURL
        let manager = FileManager.default
        let files = (manager.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).sorted()
        for relative in files {
            let url = root.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            add("template=\(relative)")
            hasher.update(data: try Data(contentsOf: url))
        }
        return Hex.string(hasher.finalize())
    }
}
