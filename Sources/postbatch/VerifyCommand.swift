import ArgumentParser
import Foundation
import PostbatchKit

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a finished spool against its manifest before it is handed over.",
        discussion: """
            Reads DIR/manifest.csv and checks that every envelope it lists is in the spool, \
            loose or inside its .tar.lzma container, with the same size and SHA-256; that the \
            spool holds no envelope, entry or other file the manifest does not list, no \
            duplicate message UUID and no temporary file left by a stopped run; that the counts \
            in report.json equal the manifest (paper fallbacks aside); that the delivery ledger \
            (DIR/.delivery/ledger.sqlite, when deliver has run) holds exactly the manifest's \
            letters and every paper fallback; and that folders are 0700 and files 0600. \
            DIR/.journal and DIR/.lock are not checked.

            Prints one line per problem (path relative to DIR, what differs, [code]) and a \
            summary. Exit status: 0 the spool matches its manifest; 1 a problem was found; \
            2 DIR is not a spool (missing, or no manifest.csv).

            Examples:
              postbatch verify spool
              postbatch verify /srv/digitalpost/2021-10 --max-problems 0
              postbatch verify spool --quiet && rsync -a spool/ transfer:outgoing/
            """
    )

    @Argument(help: ArgumentHelp("The spool folder a run wrote (its --spool).", valueName: "dir"), completion: .directory)
    var directory: String

    @Option(help: ArgumentHelp("Print at most this many problems; 0 prints all. The summary counts all.",
                               valueName: "n"))
    var maxProblems: Int = 100

    @Flag(name: .shortAndLong, help: "Print only problems, no summary.")
    var quiet = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if maxProblems < 0 {
            throw ValidationError("--max-problems must be 0 (all) or more (found \(maxProblems))")
        }
    }

    @Option(help: ArgumentHelp("Standard output: text (problem lines and a summary) or json (one document, "
                               + "docs/json-output.md).", valueName: "format"))
    var format: OutputFormat = .text

    func run() async throws {
        let output = FileHandle.standardOutput
        var shown: [SpoolProblem] = []
        let verification: SpoolVerification = try await withExitCodes(json: format == .json ? "verify" : nil) {
            // The delivery ledger, when there is one: its paper fallbacks are manifest
            // letters the run's report does not count.
            let ledger = try LedgerCheck.run(spool: directory)
            var verification = try SpoolVerifier(root: directory, excludedFromReport: ledger?.fallbackLetters ?? [])
                .verify { problem in
                    guard maxProblems == 0 || shown.count < maxProblems else { return }
                    shown.append(problem)
                    if format == .text { output.write(Data("\(problem)\n".utf8)) }
                }
            for problem in ledger?.problems ?? [] {
                verification.problemCounts[problem.code, default: 0] += 1
                guard maxProblems == 0 || shown.count < maxProblems else { continue }
                shown.append(problem)
                if format == .text { output.write(Data("\(problem)\n".utf8)) }
            }
            return verification
        }
        if format == .json {
            output.write(Data(CommandOutput.json(VerifyOutput(spool: directory, verification: verification,
                                                               problems: shown)).utf8))
        } else {
            printSummary(verification, shown: shown.count)
        }
        if !verification.isValid { throw ExitCode(1) }
    }

    /// `… and N more problem(s)` and, unless `--quiet`, the summary line.
    private func printSummary(_ verification: SpoolVerification, shown: Int) {
        let output = FileHandle.standardOutput
        let count = verification.problemCount
        if count > shown {
            output.write(Data("… and \(count - shown) more problem(s); --max-problems 0 prints all\n".utf8))
        }
        guard !quiet else { return }
        var summary = "\(directory): \(verification.letters) letter(s) in the manifest; checked "
            + "\(verification.filesChecked) file(s), \(verification.containersChecked) container(s) with "
            + "\(verification.entriesChecked) entr\(verification.entriesChecked == 1 ? "y" : "ies"), "
            + "\(verification.bytesChecked) bytes. "
        if verification.isValid {
            summary += "OK: the spool matches its manifest."
        } else {
            let kinds = verification.problemCounts.sorted { $0.key < $1.key }
                .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            summary += "\(count) problem(s): \(kinds)."
        }
        output.write(Data((summary + "\n").utf8))
    }
}
