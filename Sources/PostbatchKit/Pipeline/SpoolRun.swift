internal import Foundation
public import Logging
internal import Glibc

/// What a run did.
public struct RunSummary: Sendable {
    /// How the run ended.
    public enum Outcome: Sendable, Equatable {
        /// Every letter is in the spool; manifest, lists and report are written.
        case completed
        /// The spool already held every letter of this input: nothing was written.
        case alreadyComplete
        /// `--dry-run`: everything but writing.
        case dryRun
        /// Stopped by a signal at a letter boundary; run the same command again to finish.
        case interrupted(signal: Int32)
    }

    /// How the run ended.
    public let outcome: Outcome
    /// The statistics of the whole input (SPEC §5).
    public let statistics: Statistics
    /// Letters written by this attempt.
    public let lettersWritten: Int
    /// Letters found done by an earlier attempt of the same run.
    public let lettersAlreadyDone: Int
    /// Whether this attempt continued an interrupted run.
    public let resumed: Bool
    /// Letters of this attempt that the fast path handed to the reference renderer.
    public let fallbacks: Int
}

/// How far a run has come, for a progress line.
public struct RunProgress: Sendable {
    /// Letters written so far by this attempt.
    public let lettersWritten: Int
    /// Letters this attempt has to write in all.
    public let lettersToWrite: Int
}

/// `postbatch run`: the whole pipeline from input CSV to a finished spool (SPEC §3).
///
/// A run reads the input twice. The first pass classifies every record, hashes the
/// input and stages the reject and skip lists; nothing is written to the spool
/// before it has succeeded, so an input error leaves nothing behind (exit 2). The
/// second pass renders the letters with one worker per core and writes them, batch
/// by batch, recording each finished batch in the journal (``RunJournal``).
///
/// Exactly once: envelope names and bytes depend only on the input and settings
/// (the run's time is kept in the journal), every file appears by an atomic rename,
/// and a batch is recorded only when whole. A killed run started again with the
/// same arguments skips the recorded batches, rewrites the others and finishes; a
/// run over a finished spool writes nothing. A spool that holds another input or
/// other settings is refused unless ``RunOptions/forceNewRun`` is set.
public enum SpoolRun {
    /// Runs the pipeline.
    ///
    /// - Parameters:
    ///   - options: input, spool and settings.
    ///   - campaign: the campaign (sender, titles, schedule, templates).
    ///   - logger: stage starts and ends at `info`, batches at `debug`, letters at `trace`.
    ///   - progress: told after every chunk of letters.
    /// - Returns: what happened, with the statistics.
    /// - Throws: ``InputError`` and ``LetterError`` (templates) before anything is written;
    ///   ``RunError`` when the spool holds another run; ``SpoolError`` when writing fails
    ///   (what was written stays valid; run again to finish).
    public static func run(options: RunOptions, campaign: Campaign, logger: Logger,
                           progress: @escaping @Sendable (RunProgress) -> Void = { _ in }) async throws -> RunSummary {
        let composer = try LetterComposer(campaign: campaign)
        if options.dryRun {
            return try await dryRun(options: options, campaign: campaign, composer: composer, logger: logger,
                                    progress: progress)
        }
        return try await SpoolWriter(options: options, campaign: campaign, composer: composer, logger: logger,
                                     progress: progress).run()
    }

    /// Classifies and renders everything, writes nothing.
    private static func dryRun(options: RunOptions, campaign: Campaign, composer: LetterComposer, logger: Logger,
                               progress: @escaping @Sendable (RunProgress) -> Void) async throws -> RunSummary {
        let envelopes = try EnvelopeWriter(campaign: campaign, memoVersion: options.memoVersion,
                                           massMailingID: "dry-run", now: options.now ?? .now())
        let factory = try LetterFactory(composer: composer, envelopes: envelopes, renderer: options.renderer)
        let classifier = try InputClassifier(path: options.input, delimiter: options.delimiter, schedule: campaign.schedule)
        logger.info("dry run started", metadata: ["input": "\(classifier.file)"])
        var numbering = BatchNumbering(size: SpoolLayout.lettersPerFolder)
        var rendered = 0
        let produced = try await LetterProduction.run(
            workers: options.workers, cancellation: options.cancellation,
            nextLetter: {
                while let outcome = try classifier.next() {
                    if case .letter(let letter) = outcome {
                        return (letter, numbering.next(channel: letter.channel, date: letter.date))
                    }
                }
                return nil
            },
            make: { letter, batch, renderers in
                let made = try factory.produce(letter, batch: batch, renderers: renderers)
                return WrittenLetter(batch: batch, manifestLine: "", envelope: nil, size: made.envelope.count)
            },
            factory: factory,
            consume: { results in
                rendered += results.count
                progress(RunProgress(lettersWritten: rendered, lettersToWrite: classifier.statistics.totalLetters))
            })
        logger.info("dry run finished", metadata: ["letters": "\(produced)", "fallbacks": "\(factory.fallbackCount)"])
        if let signal = options.cancellation.signalNumber {
            return RunSummary(outcome: .interrupted(signal: signal), statistics: classifier.statistics,
                              lettersWritten: 0, lettersAlreadyDone: 0, resumed: false, fallbacks: factory.fallbackCount)
        }
        return RunSummary(outcome: .dryRun, statistics: classifier.statistics, lettersWritten: 0,
                          lettersAlreadyDone: 0, resumed: false, fallbacks: factory.fallbackCount)
    }
}

/// One letter as a worker hands it back to the writer.
struct WrittenLetter: Sendable {
    let batch: BatchKey
    /// The manifest line (empty in a dry run).
    let manifestLine: String
    /// The envelope, when the writer still has to store it (containers).
    let envelope: [UInt8]?
    let size: Int
}

/// Renders letters on worker tasks, at most `workers` chunks at a time (so `workers`
/// is the number of letters rendered in parallel, and memory is bounded), and hands
/// the results back in input order.
enum LetterProduction {
    static let chunkSize = 32

    /// - Parameters:
    ///   - nextLetter: the next letter to make and its batch, or `nil` at the end (called on the calling task).
    ///   - make: makes one letter on a worker.
    ///   - consume: receives each chunk's results, in input order (on the calling task).
    /// - Returns: how many letters were made.
    static func run(workers: Int, cancellation: RunCancellation,
                    nextLetter: () throws -> (Letter, BatchKey)?,
                    make: @escaping @Sendable (Letter, BatchKey, WorkerRenderers) throws -> WrittenLetter,
                    factory: LetterFactory,
                    consume: ([WrittenLetter]) async throws -> Void) async throws -> Int {
        var made = 0
        try await withThrowingTaskGroup(of: (Int, [WrittenLetter]).self) { group in
            var nextIndex = 0
            var nextToConsume = 0
            var inFlight = 0
            var finished: [Int: [WrittenLetter]] = [:]
            let maximumInFlight = workers

            func collect() async throws {
                guard let (index, results) = try await group.next() else { return }
                inFlight -= 1
                finished[index] = results
                while let ready = finished.removeValue(forKey: nextToConsume) {
                    try await consume(ready)
                    made += ready.count
                    nextToConsume += 1
                }
            }

            var exhausted = false
            while !exhausted, !cancellation.isCancelled {
                var chunk: [(Letter, BatchKey)] = []
                while chunk.count < chunkSize, let next = try nextLetter() {
                    chunk.append(next)
                }
                exhausted = chunk.count < chunkSize
                guard !chunk.isEmpty else { break }
                if inFlight >= maximumInFlight {
                    try await collect()
                }
                let index = nextIndex
                nextIndex += 1
                inFlight += 1
                let work = chunk
                group.addTask {
                    let results = try factory.withRenderers { renderers in
                        try work.map { letter, batch in try make(letter, batch, renderers) }
                    }
                    return (index, results)
                }
            }
            while inFlight > 0 {
                try await collect()
            }
        }
        return made
    }
}
