import ArgumentParser
import Dispatch
import Foundation
import Logging
import PostbatchKit

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Render every letter and write its envelope into the delivery spool.",
        discussion: """
            Digital letters become MeMo messages under DIR/digital/<date>/, paper letters \
            fjernprint ForsendelseI files under DIR/print/<date>/; manifest.csv, rejects.csv, \
            skipped.csv and report.json sit beside them. A run that is stopped (Ctrl-C, a kill, \
            a full disk) finishes when the same command is run again, and writes no letter twice.

            Examples:
              postbatch run samples/records.csv --spool spool
              postbatch run export.csv --spool /data/spool \\
                  --container tar.lzma --per-container 500
              postbatch run export.csv --dry-run
            """
    )

    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var campaignOptions: CampaignOptions

    @Option(help: ArgumentHelp("The spool folder to write (created private, 0700).", valueName: "dir"), completion: .directory)
    var spool: String?

    @Flag(help: "Do everything but write: classify, render, and print the report.")
    var dryRun = false

    @Option(help: ArgumentHelp("MeMo version of digital envelopes: 1.2 or 1.1.", valueName: "version"),
            completion: .list(["1.2", "1.1"]))
    var memoVersion: String = "1.2"

    @Option(help: ArgumentHelp("How envelopes are stored: none (one file each) or tar.lzma.", valueName: "kind"),
            completion: .list(RunOptions.Container.allCases.map(\.rawValue)))
    var container: String = "none"

    @Option(help: "Messages per container with --container tar.lzma.")
    var perContainer: Int = 500

    @Option(help: ArgumentHelp("LZMA encoder of containers: postbatch (default; made for repeated envelopes, "
                               + "checked by liblzma as it writes) or liblzma.", valueName: "encoder"),
            completion: .list(["postbatch", "liblzma"]))
    var lzmaEncoder: String?

    @Option(help: ArgumentHelp("liblzma's preset, 0 (fastest) to 9 (smallest), with 4 MiB of history at least; "
                               + "implies --lzma-encoder liblzma (default there: 1).", valueName: "level"))
    var lzmaLevel: Int?

    @Option(help: ArgumentHelp("The envelopes' creation time, like 2021-10-01T08:00:00Z (default: now; a resumed run keeps its first time).",
                               valueName: "time"))
    var now: String?

    @Flag(help: "Start over in a spool that holds another run (deletes that run's envelopes).")
    var forceNewRun = false

    @Option(help: "Letters rendered in parallel (default: the number of cores).")
    var workers: Int?

    @Option(help: ArgumentHelp("PDF renderer: fast (compiled templates, falling back to reference when needed) or reference.",
                               valueName: "kind"), completion: .list(["fast", "reference"]))
    var renderer: String = "fast"

    @Option(help: ArgumentHelp("Write only shard K of N (by CPR hash); the whole input is still classified.", valueName: "K/N"))
    var shard: String?

    @Flag(help: "Exit with 1 when any record was rejected.")
    var strict = false

    @Option(help: ArgumentHelp("Standard output: text (the report table) or json (one document, docs/json-output.md).",
                               valueName: "format"))
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("Language of the spool's report.html (default: report_language of the campaign, else da).",
                               valueName: "language"))
    var reportLanguage: Language?

    @OptionGroup var logging: LoggingOptions
    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        if spool == nil, !dryRun {
            throw ValidationError("name the spool folder with --spool DIR (or use --dry-run)")
        }
        if let spool, spool.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--spool must name a folder (found an empty name)")
        }
        if !(1...1_000_000).contains(perContainer) {
            throw ValidationError("--per-container must be from 1 to 1000000 (found \(perContainer))")
        }
        if let lzmaLevel, !(0...9).contains(lzmaLevel) {
            throw ValidationError("--lzma-level must be from 0 to 9 (found \(lzmaLevel))")
        }
        if let lzmaEncoder, lzmaEncoder != "postbatch", lzmaEncoder != "liblzma" {
            throw ValidationError("--lzma-encoder must be postbatch or liblzma (found '\(lzmaEncoder)')")
        }
        if lzmaEncoder == "postbatch", let lzmaLevel {
            throw ValidationError("--lzma-level \(lzmaLevel) is a liblzma preset; postbatch's encoder has no levels "
                                  + "(drop --lzma-level, or use --lzma-encoder liblzma)")
        }
        if let workers, !(1...256).contains(workers) {
            throw ValidationError("--workers must be from 1 to 256 (found \(workers))")
        }
        if let shard, Shard(argument: shard) == nil {
            throw ValidationError("--shard must be K/N with 1 ≤ K ≤ N, like 2/4 (found '\(shard)')")
        }
        if RendererChoice(rawValue: renderer) == nil {
            throw ValidationError("--renderer must be fast or reference (found '\(renderer)')")
        }
        if RunOptions.Container(rawValue: container) == nil {
            throw ValidationError("--container must be none or tar.lzma (found '\(container)')")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        try await withExitCodes(json: format == .json ? "run" : nil) {
            let started = ContinuousClock.now
            // Signals first: a stop during start-up then ends as a stop, with SPEC's exit code.
            let cancellation = RunCancellation()
            let signals = SignalWatch(cancellation: cancellation)
            defer { signals.stop() }
            let options = try runOptions(cancellation: cancellation)
            let campaign = try campaignOptions.load()
            let reporter = progressOptions.reporter(input: inputOptions.input)
            defer { reporter.finish() }
            let summary = try await SpoolRun.run(options: options, campaign: campaign, logger: logger) { progress in
                Self.show(progress, on: reporter)
            }
            reporter.finish()
            try finish(summary, options: options, elapsed: ContinuousClock.now - started)
        }
    }

    /// The library's options from the flags; a flag the parser could not check is a usage error.
    private func runOptions(cancellation: RunCancellation) throws -> RunOptions {
        guard let memo = MemoVersion(argument: memoVersion) else {
            throw CommandFailure(message: "unknown --memo-version '\(memoVersion)'; expected 1.2 or 1.1", code: "usage")
        }
        let time: Timestamp? = try now.map { text in
            guard let time = Timestamp(iso: text) else {
                throw CommandFailure(message: "--now must be a UTC time like 2021-10-01T08:00:00Z (found '\(text)')",
                                     code: "usage")
            }
            return time
        }
        let compression: LZMACompression = lzmaEncoder == "liblzma" || lzmaLevel != nil
            ? .preset(lzmaLevel ?? 1) : .standard
        var options = RunOptions(
            input: inputOptions.input, spool: spool ?? "", delimiter: inputOptions.delimiterCharacter,
            memoVersion: memo, container: RunOptions.Container(rawValue: container) ?? .none,
            perContainer: perContainer, compression: compression, now: time, dryRun: dryRun, forceNewRun: forceNewRun,
            workers: workers, renderer: RendererChoice(rawValue: renderer) ?? .fast,
            shard: shard.flatMap(Shard.init(argument:)), cancellation: cancellation)
        options.refuseQuotedLineBreaks = strict
        options.reportLanguage = reportLanguage
        return options
    }

    /// Draws a run's progress: against the input's bytes while reading, the plan's letters while writing.
    private static func show(_ progress: RunProgress, on reporter: ProgressReporter) {
        switch progress.phase {
        case .writing:
            reporter.update(phase: progress.phase.rawValue, letters: progress.lettersWritten, of: progress.lettersToWrite)
        case .reading:
            reporter.update(phase: progress.phase.rawValue, records: progress.records, letters: progress.lettersQueued,
                            rejected: progress.rejected, bytesRead: progress.bytesRead)
        case .rendering:
            reporter.update(phase: progress.phase.rawValue, records: progress.records, letters: progress.lettersWritten,
                            rejected: progress.rejected, bytesRead: progress.bytesRead)
        }
    }

    /// Prints the report (unless stopped), the notes and the final line; throws the exit code.
    private func finish(_ summary: RunSummary, options: RunOptions, elapsed: Duration) throws {
        if format == .json {
            let document = RunOutput(summary: summary, options: options, elapsed: elapsed, strict: strict)
            FileHandle.standardOutput.write(Data(CommandOutput.json(document).utf8))
        } else if case .interrupted = summary.outcome {} else {
            FileHandle.standardOutput.write(Data(summary.statistics.rendered(as: .table, input: inputOptions.input).utf8))
        }
        if case .interrupted = summary.outcome {} else { reportNotes(summary.statistics, input: inputOptions.input) }
        summary.repairNote.map(say)
        summary.fallbackNote.map(say)
        say(summary.finalLine(spool: options.spool, elapsed: elapsed))
        if case .interrupted(let signal) = summary.outcome { throw ExitCode(128 + signal) }
        if strict, summary.statistics.totalRejected > 0 { throw Exit.rejected }
    }
}

/// Turns SIGINT and SIGTERM into a request to stop at the next letter boundary.
final class SignalWatch {
    private let sources: [any DispatchSourceSignal]

    /// - Parameter secondSignalExits: a second signal ends the process at once (exit
    ///   128 + the signal) instead of waiting for the work in flight (`deliver`, whose
    ///   ledger is consistent at every moment).
    init(cancellation: RunCancellation, secondSignalExits: Bool = false) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if secondSignalExits, cancellation.isCancelled {
                    FileHandle.standardError.write(Data("postbatch: stopped at once by a second signal\n".utf8))
                    exit(128 + number)
                }
                cancellation.cancel(signal: number)
            }
            source.resume()
            return source
        }
    }

    func stop() {
        for source in sources { source.cancel() }
    }
}
