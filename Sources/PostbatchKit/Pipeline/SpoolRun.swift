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
    /// Recorded batches this attempt found missing or damaged and wrote again.
    public var repairedBatches = 0
    /// What was wrong with them: `2 files missing, 1 with the wrong size`.
    public var repairs = ""
}

/// How far a run has come, for a progress line: always against a total known in
/// advance (bytes of the input while reading it, the plan's letters while writing).
public struct RunProgress: Sendable {
    /// What the run is doing.
    public enum Phase: String, Sendable {
        /// Pass 1: classifying the input (share: bytes read of the input's size).
        case reading = "reading input"
        /// Pass 2: rendering and writing the letters of the plan.
        case writing = "writing letters"
        /// `--dry-run`'s one pass: classifying and rendering (share: bytes read).
        case rendering = "rendering (dry run)"
    }

    /// What the run is doing.
    public let phase: Phase
    /// Letters written (rendered in a dry run) so far by this attempt.
    public let lettersWritten: Int
    /// Letters this attempt has to write in all (``Phase/writing`` only; else 0).
    public let lettersToWrite: Int
    /// Records read so far (reading and rendering).
    public var records = 0
    /// Records rejected so far (reading and rendering).
    public var rejected = 0
    /// Bytes of input read so far (reading and rendering).
    public var bytesRead = 0

    init(phase: Phase, lettersWritten: Int, lettersToWrite: Int) {
        self.phase = phase
        self.lettersWritten = lettersWritten
        self.lettersToWrite = lettersToWrite
    }

    init(reading statistics: Statistics, bytesRead: Int) {
        self.init(phase: .reading, lettersWritten: 0, lettersToWrite: 0)
        (records, rejected, self.bytesRead) = (statistics.records, statistics.totalRejected, bytesRead)
        lettersQueued = statistics.totalLetters
    }

    init(rendering statistics: Statistics, letters: Int, bytesRead: Int) {
        self.init(phase: .rendering, lettersWritten: letters, lettersToWrite: 0)
        (records, rejected, self.bytesRead) = (statistics.records, statistics.totalRejected, bytesRead)
    }

    /// Letters found in the input so far (reading).
    public var lettersQueued = 0
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
            return try await DryRun(options: options, campaign: campaign, composer: composer, logger: logger,
                                     progress: progress).run()
        }
        // A report template that does not load stops the run before anything is written.
        let template = try ReportTemplate.locate(templates: campaign.templateDirectory)
        return try await WritingRun(options: options, campaign: campaign, composer: composer, logger: logger,
                                     progress: progress, template: template).run()
    }
}
