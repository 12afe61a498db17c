internal import Foundation

/// The JSON document `run --format json` prints on standard output instead of the table
/// (`docs/json-output.md`): what was done, the counts, problems with codes, the exit status.
public struct RunOutput: Codable, Sendable, Equatable {
    /// Always `run`.
    public let command: String
    /// `completed`, `already_complete`, `dry_run` or `interrupted` (`failed` is a ``FailureOutput``).
    public let status: String
    /// The process's exit status: 0, 1 (`--strict` and records were rejected), 130 or 143.
    public let exitStatus: Int32
    /// The input as given (`-` for standard input).
    public let input: String
    /// The spool folder, or `nil` for a dry run.
    public let spool: String?
    /// Wall-clock time of the run in seconds.
    public let durationSeconds: Double
    /// Letters written by this attempt.
    public let lettersWritten: Int
    /// Letters an earlier, interrupted attempt had written (a resumed run) or the spool already held.
    public let lettersAlreadyDone: Int
    /// Whether this attempt continued an interrupted run.
    public let resumed: Bool
    /// Letters the fast renderer handed to the reference renderer (correct; nothing to do).
    public let fallbacks: Int
    /// Recorded batches found missing or damaged and written again.
    public let repairedBatches: Int
    /// The statistics of the whole input (SPEC §5, as `report.json`).
    public let statistics: ReportDocument
    /// `rejected` with `--strict` when records were rejected, `interrupted` when a signal stopped the run.
    public let problems: [OutputProblem]

    enum CodingKeys: String, CodingKey {
        case command, status, input, spool, resumed, fallbacks, statistics, problems
        case exitStatus = "exit_status"
        case durationSeconds = "duration_seconds"
        case lettersWritten = "letters_written"
        case lettersAlreadyDone = "letters_already_done"
        case repairedBatches = "repaired_batches"
    }

    /// The document of a run that returned.
    ///
    /// - Parameters:
    ///   - summary: what the run did.
    ///   - options: its input and spool.
    ///   - elapsed: its wall-clock time.
    ///   - strict: `--strict` (rejected records make exit status 1).
    public init(summary: RunSummary, options: RunOptions, elapsed: Duration, strict: Bool) {
        var problems: [OutputProblem] = []
        var exit: Int32 = 0
        switch summary.outcome {
        case .completed: status = "completed"
        case .alreadyComplete: status = "already_complete"
        case .dryRun: status = "dry_run"
        case .interrupted(let signal):
            status = "interrupted"
            exit = 128 + signal
            problems.append(OutputProblem(code: "interrupted",
                message: "stopped by signal \(signal); run the same command again to finish"))
        }
        let rejected = summary.statistics.totalRejected
        if strict, rejected > 0, exit == 0 {
            exit = 1
            problems.append(OutputProblem(code: "rejected",
                message: "\(rejected) record\(rejected == 1 ? " was" : "s were") rejected (--strict)"))
        }
        self.command = "run"
        self.exitStatus = exit
        self.input = options.input
        self.spool = options.dryRun ? nil : options.spool
        self.durationSeconds = (ProgressReporter.seconds(elapsed) * 1000).rounded() / 1000
        self.lettersWritten = summary.lettersWritten
        self.lettersAlreadyDone = summary.lettersAlreadyDone
        self.resumed = summary.resumed
        self.fallbacks = summary.fallbacks
        self.repairedBatches = summary.repairedBatches
        self.statistics = ReportDocument(statistics: summary.statistics, includingNotes: true)
        self.problems = problems
    }
}
