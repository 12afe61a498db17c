internal import Crypto
internal import Foundation
internal import Glibc
internal import Logging

/// The writing run behind ``SpoolRun/run(options:campaign:logger:progress:)``.
struct SpoolWriter {
    let options: RunOptions
    let campaign: Campaign
    let composer: LetterComposer
    let logger: Logger
    let progress: @Sendable (RunProgress) -> Void

    var batchSize: Int {
        options.container == .none ? SpoolLayout.lettersPerFolder : max(1, options.perContainer)
    }

    func run() async throws -> RunSummary {
        let spool = SpoolDirectory(path: options.spool)
        let existed = FileManager.default.fileExists(atPath: options.spool)
        var lock = try spool.lock()
        defer { lock.release() }
        let journal = try RunJournal(spool: spool)
        let leftovers = try AtomicFileWriter.removeTemporaries(in: spool.path)
        if leftovers > 0 {
            logger.info("removed temporary files of an interrupted run", metadata: ["files": "\(leftovers)"])
        }

        // Pass 1: classify everything, stage the lists, hash the input.
        logger.info("input pass started", metadata: ["input": "\(options.input == "-" ? "<stdin>" : options.input)"])
        let staging = AtomicFileWriter(directory: journal.directory)
        let rejects = try staging.begin(name: SpoolLayout.rejects)
        let skipped = try staging.begin(name: SpoolLayout.skipped)
        let inputCopy = options.input == "-" ? try staging.begin(name: "input.csv") : nil
        let pass: InputPass
        do {
            try rejects.write(Array(RecordLists.rejectsHeader.utf8))
            try skipped.write(Array(RecordLists.skippedHeader.utf8))
            var sinkError: (any Error)?
            pass = try InputPass.read(
                input: options.input, delimiter: options.delimiter, schedule: campaign.schedule,
                batchSize: batchSize, shard: options.shard, cancellation: options.cancellation,
                copy: inputCopy.map { file in
                    { bytes in
                        guard sinkError == nil else { return }
                        do { try file.write(bytes) } catch { sinkError = error }
                    }
                },
                onRejected: { rejection in
                    guard sinkError == nil else { return }
                    do { try rejects.write(Array(RecordLists.line(for: rejection).utf8)) } catch { sinkError = error }
                },
                onSkipped: { record in
                    guard sinkError == nil else { return }
                    do { try skipped.write(Array(RecordLists.line(for: record).utf8)) } catch { sinkError = error }
                })
            if let sinkError { throw sinkError }
        } catch {
            rejects.abort()
            skipped.abort()
            inputCopy?.abort()
            let interrupted = error is InputPass.Interrupted
            if !existed, error is InputError || interrupted {
                // Nothing of this run may stay behind: remove the folder we made for it.
                lock.release()
                try? FileManager.default.removeItem(atPath: spool.path)
            }
            if interrupted, let signal = options.cancellation.signalNumber {
                logger.notice("run interrupted before any letter was written", metadata: ["signal": "\(signal)"])
                return RunSummary(outcome: .interrupted(signal: signal), statistics: Statistics(), lettersWritten: 0,
                                  lettersAlreadyDone: 0, resumed: false, fallbacks: 0)
            }
            throw error
        }
        logger.info("input pass finished", metadata: [
            "records": "\(pass.statistics.records)", "letters": "\(pass.statistics.totalLetters)",
            "skipped": "\(pass.statistics.totalSkipped)", "rejected": "\(pass.statistics.totalRejected)",
        ])

        // Is this the run the spool holds?
        let identity = try RunIdentity.compute(inputSHA256: pass.inputSHA256, campaign: campaign, options: options)
        var record = try journal.load()
        if let existing = record, existing.identity != identity || options.forceNewRun {
            guard options.forceNewRun else {
                rejects.abort(); skipped.abort(); inputCopy?.abort()
                throw RunError(code: .otherRun, spool: spool.path,
                               detail: "this spool holds a run of other input or settings; use another --spool folder, or --force-new-run to delete that run's envelopes and start over")
            }
            logger.notice("starting over: --force-new-run removes the spool's earlier run",
                          metadata: ["spool.path": "\(spool.path)"])
            try clear(spool: spool, journal: journal)
            record = nil
        } else if record == nil, try !isEmpty(spool: spool) {
            guard options.forceNewRun else {
                rejects.abort(); skipped.abort(); inputCopy?.abort()
                throw RunError(code: .foreignSpool, spool: spool.path,
                               detail: "the folder holds files that no postbatch run recorded; use an empty or new --spool folder, or --force-new-run to empty it")
            }
            try clear(spool: spool, journal: journal)
        }
        if let existing = record, existing.complete {
            rejects.abort(); skipped.abort(); inputCopy?.abort()
            logger.notice("nothing new: the spool already holds every letter of this input",
                          metadata: ["letters": "\(pass.statistics.totalLetters)"])
            return RunSummary(outcome: .alreadyComplete, statistics: pass.statistics, lettersWritten: 0,
                              lettersAlreadyDone: pass.batchSizes.values.reduce(0, +), resumed: false, fallbacks: 0)
        }
        try rejects.commit()
        try skipped.commit()
        try inputCopy?.commit()

        let resumed = record != nil
        let now = record.flatMap { Timestamp(iso: $0.now) } ?? options.now ?? Timestamp.now()
        // Every shard of a mailing writes the same mass-mailing id: derive it without the shard.
        let mailing = options.shard == nil ? identity
            : try RunIdentity.compute(inputSHA256: pass.inputSHA256, campaign: campaign, options: options,
                                      includingShard: false)
        let massMailingID = record?.massMailingID ?? Self.massMailingID(identity: mailing)
        try journal.save(RunRecord(identity: identity, now: now.iso, massMailingID: massMailingID, complete: false))

        // Pass 2: render and write what is not done yet.
        let done = try journal.doneBatches()
        let alreadyDone = pass.batchSizes.filter { done.contains($0.key.segmentName) }.values.reduce(0, +)
        let toWrite = pass.batchSizes.values.reduce(0, +) - alreadyDone
        logger.info("writing letters", metadata: [
            "letters": "\(toWrite)", "already.done": "\(alreadyDone)", "workers": "\(options.workers)",
            "container": "\(options.container.rawValue)",
        ])
        let (written, fallbacks) = try await writeLetters(spool: spool, journal: journal, pass: pass, done: done,
                                                          now: now, massMailingID: massMailingID, toWrite: toWrite)
        if let signal = options.cancellation.signalNumber {
            logger.notice("run interrupted; run the same command again to finish", metadata: [
                "signal": "\(signal)", "letters.written": "\(written)",
            ])
            return RunSummary(outcome: .interrupted(signal: signal), statistics: pass.statistics,
                              lettersWritten: written, lettersAlreadyDone: alreadyDone, resumed: resumed, fallbacks: fallbacks)
        }

        // Finish: manifest, lists, report, then the journal says complete.
        try finish(spool: spool, journal: journal, pass: pass)
        try journal.save(RunRecord(identity: identity, now: now.iso, massMailingID: massMailingID, complete: true))
        try? FileManager.default.removeItem(atPath: journal.directory + "/input.csv")
        logger.info("run finished", metadata: ["letters.written": "\(written)", "spool.path": "\(spool.path)"])
        return RunSummary(outcome: .completed, statistics: pass.statistics, lettersWritten: written,
                          lettersAlreadyDone: alreadyDone, resumed: resumed, fallbacks: fallbacks)
    }

    /// A batch being written.
    private final class OpenBatch {
        let expected: Int
        var received = 0
        var lines = ""
        /// Container entries, kept until the batch is whole and handed to a compressor.
        var entries: [TarEntryData] = []

        init(expected: Int) {
            self.expected = expected
        }
    }

    /// One envelope for a container.
    struct TarEntryData: Sendable {
        let name: String
        let bytes: [UInt8]
    }

    /// Writes one whole container: a temporary file, LZMA-compressed tar, renamed into place.
    static func writeContainer(_ entries: [TarEntryData], folder: String, name: String, modificationTime: Int64,
                               level: Int) throws(SpoolError) {
        let file = try AtomicFileWriter(directory: folder).begin(name: name)
        do throws(SpoolError) {
            let archive = try TarLZMAWriter(into: file, modificationTime: modificationTime, compressionLevel: level)
            for entry in entries {
                try archive.append(name: entry.name, contents: entry.bytes)
            }
            try archive.finish()
            try file.commit()
        } catch {
            file.abort()
            throw error
        }
    }

    private func writeLetters(spool: SpoolDirectory, journal: RunJournal, pass: InputPass, done: Set<String>,
                              now: Timestamp, massMailingID: String, toWrite: Int) async throws -> (Int, Int) {
        let envelopes = try EnvelopeWriter(campaign: campaign, memoVersion: options.memoVersion,
                                           massMailingID: massMailingID, now: now)
        let factory = try LetterFactory(composer: composer, envelopes: envelopes, renderer: options.renderer)
        let input = options.input == "-" ? journal.directory + "/input.csv" : options.input
        let classifier = try InputClassifier(path: input, delimiter: options.delimiter, schedule: campaign.schedule)
        var numbering = BatchNumbering(size: batchSize)
        var open: [BatchKey: OpenBatch] = [:]
        var folders: [String: String] = [:]
        var written = 0
        var compressing: [(BatchKey, String, Task<Void, any Error>)] = []
        let loose = options.container == .none
        let shard = options.shard
        let spoolPath = spool.path

        func folder(_ relative: String) throws(SpoolError) -> String {
            if let path = folders[relative] { return path }
            let path = try spool.makeDirectory(relative)
            folders[relative] = path
            return path
        }

        do {
            _ = try await LetterProduction.run(
                workers: options.workers, cancellation: options.cancellation,
                nextLetter: {
                    while let outcome = try classifier.next() {
                        guard case .letter(let letter) = outcome else { continue }
                        let batch = numbering.next(channel: letter.channel, date: letter.date)
                        guard !done.contains(batch.segmentName), shard?.contains(letter.recipient.cpr) ?? true,
                              let expected = pass.batchSizes[batch]
                        else { continue }
                        if open[batch] == nil {
                            open[batch] = OpenBatch(expected: expected)
                            _ = try folder(loose ? batch.looseFolder : batch.dateFolder)
                            logger.debug("batch started", metadata: ["batch": "\(batch.segmentName)", "letters": "\(expected)"])
                        }
                        return (letter, batch)
                    }
                    return nil
                },
                make: { [logger] letter, batch, renderers in
                    let made = try factory.produce(letter, batch: batch, renderers: renderers)
                    logger.trace("letter made", metadata: [
                        "input.line": "\(letter.line)", "cpr": "\(letter.recipient.cpr)", "group": "\(letter.group.rawValue)",
                        "channel": "\(letter.channel)", "batch": "\(batch.segmentName)", "bytes": "\(made.envelope.count)",
                    ])
                    let name = "\(made.uuid).xml"
                    if loose {
                        var writer = AtomicFileWriter(directory: spoolPath + "/" + batch.looseFolder, syncDirectory: false)
                        writer.syncFile = false
                        try writer.write(made.envelope, to: name)
                        return WrittenLetter(batch: batch, manifestLine: made.manifestLine(file: batch.looseFolder + "/" + name),
                                             envelope: nil, size: made.envelope.count)
                    }
                    return WrittenLetter(batch: batch,
                                         manifestLine: made.manifestLine(file: batch.dateFolder + "/" + batch.containerName),
                                         envelope: made.envelope, size: made.envelope.count)
                },
                factory: factory,
                consume: { results in
                    for result in results {
                        guard let state = open[result.batch] else { continue }
                        if let envelope = result.envelope {
                            let uuid = result.manifestLine.prefix { $0 != "," }
                            state.entries.append(TarEntryData(name: "\(uuid).xml", bytes: envelope))
                        }
                        state.lines += result.manifestLine
                        state.received += 1
                        written += 1
                        guard state.received == state.expected else { continue }
                        open[result.batch] = nil
                        if loose {
                            try journal.recordBatch(result.batch, manifestLines: state.lines)
                            logger.debug("batch done", metadata: ["batch": "\(result.batch.segmentName)"])
                            continue
                        }
                        // Compress the whole container beside the renderers; record it when it is in place.
                        let entries = state.entries
                        let key = result.batch
                        let directory = try folder(key.dateFolder)
                        let level = options.compressionLevel
                        let time = Int64(now.secondsSinceEpoch)
                        compressing.append((key, state.lines, Task {
                            try Self.writeContainer(entries, folder: directory, name: key.containerName,
                                                    modificationTime: time, level: level)
                        }))
                        while compressing.count > options.workers {
                            let (done, lines, task) = compressing.removeFirst()
                            try await task.value
                            try journal.recordBatch(done, manifestLines: lines)
                            logger.debug("batch done", metadata: ["batch": "\(done.segmentName)"])
                        }
                    }
                    progress(RunProgress(lettersWritten: written, lettersToWrite: toWrite))
                })
            // Containers still being compressed: wait for them, then record them.
            while !compressing.isEmpty {
                let (done, lines, task) = compressing.removeFirst()
                try await task.value
                try journal.recordBatch(done, manifestLines: lines)
            }
        } catch {
            // Let running compressors finish or fail on their own; none of them is recorded.
            for (_, _, task) in compressing { _ = try? await task.value }
            throw error
        }
        // Interrupted: batches still open are not recorded; a re-run writes them again.
        if factory.fallbackCount > 0 {
            logger.notice("some letters were rendered by the reference renderer", metadata: ["letters": "\(factory.fallbackCount)"])
        }
        return (written, factory.fallbackCount)
    }

    /// Writes manifest, lists and report from the journal.
    private func finish(spool: SpoolDirectory, journal: RunJournal, pass: InputPass) throws {
        let statistics = pass.statistics
        let writer = AtomicFileWriter(directory: spool.path)
        let manifest = try writer.begin(name: SpoolLayout.manifest)
        do {
            try manifest.write(Array(SpoolLayout.manifestHeader.utf8))
            for path in try journal.segmentPaths() {
                try manifest.write(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            }
            try manifest.commit()
        } catch {
            manifest.abort()
            throw error
        }
        for name in [SpoolLayout.rejects, SpoolLayout.skipped] {
            let staged = journal.directory + "/" + name
            if FileManager.default.fileExists(atPath: staged), rename(staged, spool.path + "/" + name) != 0 {
                throw SpoolError(errno: errno, operation: "rename", path: spool.path + "/" + name)
            }
        }
        let shard = options.shard.map { (shard: $0, letters: pass.shardLetters) }
        try writer.write(Array(statistics.json(shard: shard).utf8), to: SpoolLayout.report)
        try writer.write(Array(statistics.html(input: options.input == "-" ? nil : options.input).utf8),
                         to: SpoolLayout.reportHTML)
    }

    /// Whether the spool holds nothing but the lock and the journal.
    private func isEmpty(spool: SpoolDirectory) throws -> Bool {
        try FileManager.default.contentsOfDirectory(atPath: spool.path)
            .allSatisfy { $0 == SpoolDirectory.lockFileName || $0 == SpoolLayout.journal }
    }

    /// Removes an earlier run's envelopes, lists and journal.
    private func clear(spool: SpoolDirectory, journal: RunJournal) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: spool.path)
        where name != SpoolDirectory.lockFileName && name != SpoolLayout.journal {
            try FileManager.default.removeItem(atPath: spool.path + "/" + name)
        }
        try journal.reset()
    }

    /// The run's mass-mailing id: a UUID-shaped name derived from the run identity.
    static func massMailingID(identity: String) -> String {
        let hex = Array(identity.prefix(32))
        guard hex.count == 32 else { return "postbatch-run" }
        return [hex[0..<8], hex[8..<12], hex[12..<16], hex[16..<20], hex[20..<32]].map { String($0) }.joined(separator: "-")
    }
}
