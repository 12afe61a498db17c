internal import Glibc
internal import Logging
internal import Synchronization

/// Where a writing run's letters go, batch by batch: loose files or containers.
///
/// A sink alone writes envelopes and makes them durable; it records a batch in the
/// journal only when the batch is whole and on disk. The run calls it in three
/// places:
/// - ``open(_:expecting:)`` on the producing task, before the first letter of a batch
///   goes to a worker;
/// - ``store`` on worker tasks, once per made letter;
/// - ``accept(_:)`` on the producing task, with the workers' results in input order.
///
/// After ``finish()`` every whole batch is recorded. After a failure, ``abandon()``
/// lets work in flight end without recording it: a re-run writes those batches again.
protocol BatchSink: AnyObject {
    /// Prepares a batch's folder before its first letter is stored.
    func open(_ batch: BatchKey, expecting letters: Int) throws(SpoolError)
    /// What a worker does with one made letter.
    var store: @Sendable (ProducedLetter) throws(SpoolError) -> WrittenLetter { get }
    /// Takes letters back in input order and records every batch that became whole.
    func accept(_ letters: [WrittenLetter]) async throws
    /// Waits for work still in flight and records it.
    func finish() async throws
    /// After a failure: waits for work in flight, records nothing more.
    func abandon() async
}

/// The letters of the batches a sink has open, counted until each is whole.
struct OpenBatches {
    /// A batch being filled.
    private struct Batch {
        let expected: Int
        var received = 0
        var lines = ""
        var entries: [TarEntryData] = []
    }

    /// A batch that has all its letters.
    struct Whole {
        let key: BatchKey
        let manifestLines: String
        /// Container entries; empty for loose batches.
        let entries: [TarEntryData]
    }

    private var open: [BatchKey: Batch] = [:]

    /// Whether the batch has been opened.
    func contains(_ key: BatchKey) -> Bool { open[key] != nil }

    mutating func open(_ key: BatchKey, expecting letters: Int) {
        open[key] = Batch(expected: letters)
    }

    /// Counts a letter; returns its batch when this letter completed it.
    mutating func add(_ letter: WrittenLetter) -> Whole? {
        // Taken out of the dictionary, so that its lines and entries are not shared and grow
        // in place: a copy left behind would make every append copy the whole batch so far.
        guard var batch = open.removeValue(forKey: letter.batch) else { return nil }
        if let envelope = letter.envelope {
            let uuid = letter.manifestLine.prefix { $0 != "," }
            batch.entries.append(TarEntryData(name: "\(uuid).xml", bytes: envelope))
        }
        batch.lines += letter.manifestLine
        batch.received += 1
        guard batch.received == batch.expected else {
            open[letter.batch] = batch
            return nil
        }
        return Whole(key: letter.batch, manifestLines: batch.lines, entries: batch.entries)
    }
}

/// One envelope for a container.
struct TarEntryData: Sendable {
    let name: String
    let bytes: [UInt8]
}

/// Loose files: workers write each envelope into its batch's fan-out folder; a batch
/// is recorded (after one `syncfs`) when its last letter is in place.
///
/// Each open batch's folder stays open, and its envelopes are created relative to it, unnamed
/// where the folder allows it (``AtomicFileWriter/linksUnnamedFiles``); the umask is read once,
/// at the start (postbatch never changes it), so each envelope costs three system calls and a
/// write: `openat`, `write`, `linkat` (or `renameat`), `close`.
final class LooseBatchSink: BatchSink {
    private let spool: SpoolDirectory
    private let journal: RunJournal
    private let logger: Logger
    private var batches = OpenBatches()
    private let folders = FolderDescriptors()
    private let umask = Syscall.umask()

    init(spool: SpoolDirectory, journal: RunJournal, logger: Logger) {
        self.spool = spool
        self.journal = journal
        self.logger = logger
    }

    func open(_ batch: BatchKey, expecting letters: Int) throws(SpoolError) {
        let path = try spool.makeDirectory(SpoolLayout.looseFolder(of: batch))
        try folders.open(path, for: batch)
        batches.open(batch, expecting: letters)
    }

    var store: @Sendable (ProducedLetter) throws(SpoolError) -> WrittenLetter {
        { [spool, folders, umask] made throws(SpoolError) in
            let folder = SpoolLayout.looseFolder(of: made.batch)
            let name = SpoolLayout.envelopeName(uuid: made.uuid)
            let path = spool.path + "/" + folder
            // One `syncfs` per batch makes these durable before the batch is recorded.
            let open = folders.folder(of: made.batch)
            var writer = AtomicFileWriter(directory: path, descriptor: open?.descriptor, syncDirectory: false)
            writer.linksUnnamedFiles = open?.linksUnnamedFiles ?? false
            writer.syncFile = false
            writer.umask = umask
            try writer.write(made.envelope, to: name)
            return WrittenLetter(batch: made.batch, manifestLine: made.manifestLine(file: folder + "/" + name),
                                 envelope: nil, size: made.envelope.count)
        }
    }

    func accept(_ letters: [WrittenLetter]) async throws {
        for letter in letters {
            guard let whole = batches.add(letter) else { continue }
            // Every letter of the batch has been stored (each reaches here after its store).
            folders.close(whole.key)
            try journal.recordBatch(whole.key, manifestLines: whole.manifestLines)
            logger.debug("batch done", metadata: ["batch": "\(SpoolLayout.journalSegment(of: whole.key))"])
        }
    }

    func finish() async throws {}

    func abandon() async {}
}

/// The open batches' folders, open for their letters' `openat` and `linkat` or `renameat` on
/// any worker.
///
/// A batch's folder is closed when the batch is whole; those of batches a failed run left
/// open are closed when the last worker that could still use them lets go of this object.
final class FolderDescriptors: Sendable {
    /// One open folder, and whether its letters can begin unnamed in it
    /// (``AtomicFileWriter/canLinkUnnamedFiles(in:)``, asked once a folder).
    struct OpenFolder: Equatable {
        let descriptor: Int32
        let linksUnnamedFiles: Bool
    }

    private let folders = Mutex<[BatchKey: OpenFolder]>([:])

    /// Opens the folder at `path` for `batch`'s letters.
    func open(_ path: String, for batch: BatchKey) throws(SpoolError) {
        let descriptor = try Syscall.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        let folder = OpenFolder(descriptor: descriptor,
                                linksUnnamedFiles: AtomicFileWriter.canLinkUnnamedFiles(in: descriptor))
        let previous = folders.withLock { $0.updateValue(folder, forKey: batch) }
        if let previous { Glibc.close(previous.descriptor) }
    }

    /// The open folder of `batch`, or `nil` when it is not open.
    func folder(of batch: BatchKey) -> OpenFolder? {
        folders.withLock { $0[batch] }
    }

    /// Closes `batch`'s folder once none of its letters will be stored any more.
    func close(_ batch: BatchKey) {
        if let folder = folders.withLock({ $0.removeValue(forKey: batch) }) {
            Glibc.close(folder.descriptor)
        }
    }

    deinit {
        for folder in folders.withLock({ $0.values }) {
            Glibc.close(folder.descriptor)
        }
    }
}

/// tar.lzma containers: workers hand envelopes back; a whole batch is compressed on
/// a task of its own beside the renderers, and recorded once its container is in place.
///
/// At most `workers` containers are compressed at once, so memory stays bounded.
final class ContainerBatchSink: BatchSink {
    private let spool: SpoolDirectory
    private let journal: RunJournal
    private let logger: Logger
    private let compression: LZMACompression
    private let modificationTime: Int64
    private let maximumCompressing: Int
    private var batches = OpenBatches()
    private var folders: [String: String] = [:]
    private var compressing: [(key: BatchKey, lines: String, task: Task<LZMACompression, any Error>)] = []

    init(spool: SpoolDirectory, journal: RunJournal, logger: Logger, compression: LZMACompression, now: Timestamp,
         workers: Int) {
        self.spool = spool
        self.journal = journal
        self.logger = logger
        self.compression = compression
        self.modificationTime = Int64(now.secondsSinceEpoch)
        self.maximumCompressing = workers
    }

    func open(_ batch: BatchKey, expecting letters: Int) throws(SpoolError) {
        _ = try folder(SpoolLayout.dateFolder(of: batch))
        batches.open(batch, expecting: letters)
    }

    var store: @Sendable (ProducedLetter) throws(SpoolError) -> WrittenLetter {
        { made in
            let file = SpoolLayout.dateFolder(of: made.batch) + "/" + SpoolLayout.containerName(of: made.batch)
            return WrittenLetter(batch: made.batch, manifestLine: made.manifestLine(file: file),
                                 envelope: made.envelope, size: made.envelope.count)
        }
    }

    func accept(_ letters: [WrittenLetter]) async throws {
        for letter in letters {
            guard let whole = batches.add(letter) else { continue }
            let directory = try folder(SpoolLayout.dateFolder(of: whole.key))
            let name = SpoolLayout.containerName(of: whole.key)
            let entries = whole.entries
            let compression = self.compression
            let time = modificationTime
            let task = Task {
                try TarLZMAWriter.writeContainer(folder: directory, name: name, modificationTime: time,
                                                 compression: compression) { archive in
                    for entry in entries {
                        try archive.append(name: entry.name, contents: entry.bytes)
                    }
                }
            }
            compressing.append((whole.key, whole.manifestLines, task))
            while compressing.count > maximumCompressing {
                try await recordOldest()
            }
        }
    }

    func finish() async throws {
        while !compressing.isEmpty {
            try await recordOldest()
        }
    }

    func abandon() async {
        // Let running compressors finish or fail on their own; none of them is recorded.
        for (_, _, task) in compressing { _ = try? await task.value }
        compressing.removeAll()
    }

    private func recordOldest() async throws {
        let (key, lines, task) = compressing.removeFirst()
        let written = try await task.value
        if written != compression {
            logger.warning("container written again with \(written)", metadata: [
                "batch": "\(SpoolLayout.journalSegment(of: key))",
                "reason": "postbatch's LZMA encoder failed its check (lzma_check); please report it"])
        }
        try journal.recordBatch(key, manifestLines: lines)
        logger.debug("batch done", metadata: ["batch": "\(SpoolLayout.journalSegment(of: key))"])
    }

    private func folder(_ relative: String) throws(SpoolError) -> String {
        if let path = folders[relative] { return path }
        let path = try spool.makeDirectory(relative)
        folders[relative] = path
        return path
    }
}
