internal import Foundation
internal import Logging

/// The writing run behind ``SpoolRun/run(options:campaign:logger:progress:)``: the
/// orchestration, top to bottom. Each step is a part with one job:
///
/// 1. take the spool's lock and open its ``RunJournal``;
/// 2. read the input once (``StagedInput``): statistics, batch sizes, staged lists;
/// 3. let the journal decide (``RunJournal/start(identity:forceNewRun:logger:)``)
///    whether this is a new run, a resumed one, or one already complete;
/// 4. render what is not done (``LetterProduction``) into a ``BatchSink``, which
///    writes, syncs and records each whole batch;
/// 5. publish manifest, lists and report (``SpoolPublication``), then mark the run complete.
struct WritingRun {
    let options: RunOptions
    let campaign: Campaign
    let composer: LetterComposer
    let logger: Logger
    let progress: @Sendable (RunProgress) -> Void
    /// The report page's template, loaded before anything is written.
    let template: ReportTemplate
    /// When the run started, for the report's duration.
    let started = ContinuousClock.now

    var batchSize: Int {
        options.container == .none ? SpoolLayout.lettersPerFolder : max(1, options.perContainer)
    }

    func run() async throws -> RunSummary {
        let spool = SpoolDirectory(path: options.spool)
        let existed = FileManager.default.fileExists(atPath: options.spool)
        var lock = try spool.lock()
        defer { lock.release() }
        let journal = try RunJournal(spool: spool)
        // A copy of standard input lives only while this process does (a killed run's copy
        // is removed by the next one); a re-run reads standard input again.
        try? FileManager.default.removeItem(atPath: journal.inputCopyPath)
        defer { try? FileManager.default.removeItem(atPath: journal.inputCopyPath) }
        let leftovers = try AtomicFileWriter.removeTemporaries(in: spool.path)
        if leftovers > 0 { logger.info("removed temporary files of an interrupted run", metadata: ["files": "\(leftovers)"]) }

        let staged: StagedInput
        switch try readInput(journal: journal, spool: spool, existed: existed, lock: &lock) {
        case .read(let input): staged = input
        case .interrupted(let summary): return summary
        }
        let pass = staged.pass
        logger.info("input pass finished", metadata: [
            "records": "\(pass.statistics.records)", "letters": "\(pass.statistics.totalLetters)",
            "skipped": "\(pass.statistics.totalSkipped)", "rejected": "\(pass.statistics.totalRejected)",
        ])

        let (identity, parts) = try RunIdentity.parts(inputSHA256: pass.inputSHA256, campaign: campaign, options: options)
        let earlier: RunRecord?
        let repaired: JournalAudit
        switch try start(journal: journal, staged: staged, identity: identity, parts: parts) {
        case .complete:
            logger.info("nothing new: the spool already holds every letter of this input",
                        metadata: ["letters": "\(pass.statistics.totalLetters)"])
            return RunSummary(outcome: .alreadyComplete, statistics: pass.statistics, lettersWritten: 0,
                              lettersAlreadyDone: pass.batchSizes.values.reduce(0, +), resumed: false, fallbacks: 0)
        case .write(let record, let audit):
            earlier = record
            repaired = audit
        }

        let (record, now) = try begin(journal: journal, earlier: earlier, identity: identity, parts: parts, pass: pass)
        let (written, alreadyDone, fallbacks) = try await writePending(journal: journal, pass: pass, record: record,
                                                                       now: now)
        if let signal = options.cancellation.signalNumber {
            logger.info("run interrupted; run the same command again to finish", metadata: [
                "signal": "\(signal)", "letters.written": "\(written)",
            ])
            return RunSummary(outcome: .interrupted(signal: signal), statistics: pass.statistics, lettersWritten: written,
                              lettersAlreadyDone: alreadyDone, resumed: earlier != nil, fallbacks: fallbacks,
                              repairedBatches: repaired.batches.count, repairs: repaired.summary)
        }

        let page = try publish(spool: spool, journal: journal, pass: pass, record: record, parts: parts, fallbacks: fallbacks)
        try journal.save(record.completed(reportHTMLSHA256: page))
        logger.info("run finished", metadata: ["letters.written": "\(written)", "spool.path": "\(spool.path)"])
        return RunSummary(outcome: .completed, statistics: pass.statistics, lettersWritten: written,
                          lettersAlreadyDone: alreadyDone, resumed: earlier != nil, fallbacks: fallbacks,
                          repairedBatches: repaired.batches.count, repairs: repaired.summary)
    }

    /// Writes manifest, lists and report (the page with the run's facts); returns the page's SHA-256.
    private func publish(spool: SpoolDirectory, journal: RunJournal, pass: InputPass, record: RunRecord,
                         parts: [String: String], fallbacks: Int) throws -> String {
        let facts = RunFacts(
            when: record.now, input: options.input == "-" ? "<stdin>" : options.input, inputBytes: pass.inputBytes,
            inputSHA256: pass.inputSHA256, campaign: campaign.id, templateVersion: parts["templates"] ?? "",
            letters: pass.batchSizes.values.reduce(0, +), containers: options.container == .none ? 0 : pass.batchSizes.count,
            fallbacks: fallbacks, duration: ContinuousClock.now - started)
        let page = HTMLReportOptions(input: options.input == "-" ? nil : options.input,
                                     language: options.reportLanguage ?? campaign.reportLanguage,
                                     printDay: campaign.schedule.printDay, facts: facts)
        return try SpoolPublication(spool: spool, journal: journal).publish(pass: pass, options: options, page: page,
                                                                            template: template)
    }

    /// How the input pass ended.
    private enum InputRead {
        case read(StagedInput)
        /// A signal stopped the pass; nothing was written.
        case interrupted(RunSummary)
    }

    /// Pass 1: classifies the input and stages the lists. On an input error or a signal,
    /// a spool folder this run created is removed again.
    private func readInput(journal: RunJournal, spool: SpoolDirectory, existed: Bool,
                           lock: inout SpoolLock) throws -> InputRead {
        logger.info("input pass started", metadata: ["input": "\(options.input == "-" ? "<stdin>" : options.input)"])
        do {
            let staged = try StagedInput.read(options: options, schedule: campaign.schedule, batchSize: batchSize,
                                              journal: journal) { [progress] statistics, bytesRead in
                progress(RunProgress(reading: statistics, bytesRead: bytesRead))
            }
            let statistics = staged.pass.statistics
            if options.refuseQuotedLineBreaks, let first = statistics.multilineRanges.first {
                staged.abort()
                throw InputError(code: .quotedLineBreak, file: options.input == "-" ? "<stdin>" : options.input,
                                 line: first.lowerBound,
                                 detail: "\(statistics.multilineRecords) record\(statistics.multilineRecords == 1 ? " has a quoted field" : "s have quoted fields") over several lines (the first: lines \(first.lowerBound)–\(first.upperBound)); --strict refuses them: check for a stray '\"', or run without --strict")
            }
            let paperLetters = statistics.letters(channel: .print)
            if campaign.print == nil, paperLetters > 0 {
                // Refused before anything is written: no default may pretend to be the supplier's.
                staged.abort()
                throw RunError(code: .printSettingsMissing, spool: options.spool,
                               detail: "the input has \(paperLetters) paper letter(s), but the campaign file sets no "
                                   + "\(Campaign.printKeys.joined(separator: " and ")) (the ForsendelseTypeIdentifikator and "
                                   + "KvitteringsTypeKode your print supplier gives you); add them under [print]")
            }
            return .read(staged)
        } catch {
            let interrupted = error is InputPass.Interrupted
            let refused = error is InputError || (error as? RunError)?.code == .printSettingsMissing
            if !existed, refused || interrupted {
                // Nothing of this run may stay behind: remove the folder we made for it.
                lock.release()
                try? FileManager.default.removeItem(atPath: spool.path)
            }
            guard interrupted, let signal = options.cancellation.signalNumber else { throw error }
            logger.notice("run interrupted before any letter was written", metadata: ["signal": "\(signal)"])
            return .interrupted(RunSummary(outcome: .interrupted(signal: signal), statistics: Statistics(),
                                           lettersWritten: 0, lettersAlreadyDone: 0, resumed: false, fallbacks: 0))
        }
    }

    /// Asks the journal what to do, and puts the staged lists in place only when there is work.
    private func start(journal: RunJournal, staged: StagedInput, identity: String,
                       parts: [String: String]) throws -> RunStart {
        do {
            let expected = Dictionary(uniqueKeysWithValues: staged.pass.batchSizes.map { (SpoolLayout.journalSegment(of: $0.key), $0.value) })
            let start = try journal.start(identity: identity, parts: parts, expected: expected,
                                          forceNewRun: options.forceNewRun,
                                          logger: logger)
            if case .complete = start {
                staged.abort()
            } else {
                try staged.commit()
            }
            return start
        } catch {
            staged.abort()
            throw error
        }
    }

    /// Records the run as started: its time and mass-mailing id stay those of the first attempt.
    private func begin(journal: RunJournal, earlier: RunRecord?, identity: String, parts: [String: String],
                       pass: InputPass) throws -> (RunRecord, Timestamp) {
        let now = earlier.flatMap { Timestamp(iso: $0.now) } ?? options.now ?? Timestamp.now()
        // Every shard of a mailing writes the same mass-mailing id: derive it without the shard.
        let mailing = options.shard == nil ? identity
            : try RunIdentity.compute(inputSHA256: pass.inputSHA256, campaign: campaign, options: options,
                                      includingShard: false)
        let record = RunRecord(identity: identity, now: now.iso,
                               massMailingID: earlier?.massMailingID ?? RunIdentity.massMailingID(identity: mailing),
                               complete: false, parts: parts)
        try journal.save(record)
        return (record, now)
    }

    /// Pass 2 over the batches the journal does not have yet.
    private func writePending(journal: RunJournal, pass: InputPass, record: RunRecord,
                              now: Timestamp) async throws -> (written: Int, alreadyDone: Int, fallbacks: Int) {
        let done = try journal.doneBatches()
        let alreadyDone = pass.batchSizes.filter { journal.isDone($0.key, in: done) }.values.reduce(0, +)
        let toWrite = pass.batchSizes.values.reduce(0, +) - alreadyDone
        logger.info("writing letters", metadata: [
            "letters": "\(toWrite)", "already.done": "\(alreadyDone)", "workers": "\(options.workers)",
            "container": "\(options.container.rawValue)",
        ])
        let (written, fallbacks) = try await writeLetters(journal: journal, pass: pass, done: done, record: record,
                                                          now: now, toWrite: toWrite)
        return (written, alreadyDone, fallbacks)
    }

    /// Pass 2: renders and writes every letter of a batch that is not done yet.
    private func writeLetters(journal: RunJournal, pass: InputPass, done: Set<String>, record: RunRecord,
                              now: Timestamp, toWrite: Int) async throws -> (written: Int, fallbacks: Int) {
        let envelopes = try EnvelopeWriter(campaign: campaign, memoVersion: options.memoVersion,
                                           massMailingID: record.massMailingID, now: now)
        let factory = try LetterFactory(composer: composer, envelopes: envelopes, renderer: options.renderer)
        let input = options.input == "-" ? journal.inputCopyPath : options.input
        let fingerprints = try InputFingerprints(journal: journal)
        let classifier: InputClassifier
        do {
            classifier = try InputClassifier(path: input, delimiter: options.delimiter, schedule: campaign.schedule,
                                             observer: fingerprints.observe)
        } catch {
            // The first pass read this header; if it cannot now, the file is another one.
            throw RunError(code: .inputChanged, spool: options.spool,
                           detail: "the input changed while the run was working: \(error.detail) [\(error.code)]. Run the same command again with the original file to finish, or start over with --force-new-run")
        }
        let sink: any BatchSink = options.container == .none
            ? LooseBatchSink(spool: journal.spool, journal: journal, logger: logger)
            : ContainerBatchSink(spool: journal.spool, journal: journal, logger: logger,
                                 compression: options.compression, now: now, workers: options.workers)
        var pending = PendingLetters(classifier: classifier, numbering: BatchNumbering(size: batchSize),
                                     batchSizes: pass.batchSizes, shard: options.shard, fingerprints: fingerprints,
                                     inputSHA256: pass.inputSHA256, isDone: { journal.isDone($0, in: done) })
        var written = 0
        let store = sink.store
        do {
            _ = try await LetterProduction.run(
                workers: options.workers, cancellation: options.cancellation,
                nextLetter: { try pending.next(opening: sink, logger: logger) },
                make: { [logger] letter, batch, renderers in
                    let made = try factory.produce(letter, batch: batch, renderers: renderers)
                    logger.trace("letter made", metadata: [
                        "input.line": "\(letter.line)", "cpr": "\(letter.recipient.cpr)", "group": "\(letter.group.rawValue)",
                        "channel": "\(letter.channel)", "batch": "\(SpoolLayout.journalSegment(of: batch))",
                        "bytes": "\(made.envelope.count)",
                    ])
                    return try store(made)
                },
                factory: factory,
                consume: { results in
                    try await sink.accept(results)
                    written += results.count
                    progress(RunProgress(phase: .writing, lettersWritten: written, lettersToWrite: toWrite))
                })
            try await sink.finish()
        } catch let error as RunError {
            await sink.abandon()
            throw pending.opened.isEmpty ? error : error.afterWritingLetters()
        } catch {
            await sink.abandon()
            throw error
        }
        // Interrupted: batches still open are not recorded; a re-run writes them again.
        if factory.fallbackCount > 0 {
            logger.info("some letters were rendered by the reference renderer", metadata: ["letters": "\(factory.fallbackCount)"])
        }
        return (written, factory.fallbackCount)
    }
}
