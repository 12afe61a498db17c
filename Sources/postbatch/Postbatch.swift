import ArgumentParser
import CMalloc
import Foundation
import PostbatchKit

@main
struct Postbatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postbatch",
        abstract: "Writes the NemID-to-MitID letters into a spool for Danish Digital Post and paper print, and delivers it.",
        discussion: """
            Reads a CSV of former NemID users, checks every record, puts each person in one of \
            five letter groups, renders the group's letter as a PDF and writes one XML envelope \
            per letter into a delivery spool; 'postbatch deliver' hands the spool to Digital \
            Post.

            Examples:
              postbatch stats samples/records.csv --format html > report.html
              postbatch verify spool
              postbatch help stats
            """,
        version: PostbatchVersion.current,
        subcommands: [RunCommand.self, PreviewCommand.self, StatsCommand.self, ValidateCommand.self, VerifyCommand.self,
                      DeliverCommand.self, ReceiptsCommand.self, StatusCommand.self, FallbackCommand.self,
                      ConfigCommand.self,
                      GenerateCommand.self]
    )

    /// Runs the command, with SPEC's exit code 2 for a usage error (the parser's own is 64),
    /// after setting up logging from the command's ``LoggingOptions``.
    static func main() async {
        do {
            let parsed = parseCommand()
            _ = mallopt(M_ARENA_MAX, mallocArenas(for: parsed))
            bootstrapLogging(for: parsed)
            try await runCommand(parsed)
        } catch let code as ExitCode {
            console.finish()
            Foundation.exit(code.rawValue)
        } catch where exitCode(for: error) == .validationFailure || exitCode(for: error) == .success {
            // A usage error found while running, or `help` and `--help` (which run a help command).
            console.finish()
            exitForParseError(error)
        } catch {
            // Commands map the library's errors themselves (`withExitCodes`); anything else is a bug.
            console.finish()
            reportMessage("\(error)", code: "internal")
            Foundation.exit(Exit.io.rawValue)
        }
    }

    /// The command the arguments name; exits on a parse error (``exitForParseError(_:)``).
    static func parseCommand() -> sending any ParsableCommand {
        do {
            return try parseAsRoot()
        } catch {
            exitForParseError(error)
        }
    }

    /// How many heaps (arenas) glibc's malloc may keep for the command's threads.
    ///
    /// Two for a container run: worker threads that free envelopes of 20–40 KB each spread
    /// the heap over many arenas, and two keep its memory flat (242 → 186 MB peak for 200 k
    /// records; with eight, 308 MB for 100 k personal letters, over the 300 MB budget). Eight
    /// for dry and loose runs, whose workers waited for each other's heap with two (with
    /// eight, medians of runs in turn: a two-core personal dry run 0.86–0.94 of the time, a
    /// loose one on tmpfs 0.81; memory as before; `docs/performance.md`). Two for other commands.
    static func mallocArenas(for command: any ParsableCommand) -> Int32 {
        guard let run = command as? RunCommand,
              RunOptions.Container(rawValue: run.container) == RunOptions.Container.none else { return 2 }
        return 8
    }

    /// Sets up logging from the command's ``LoggingOptions`` (the defaults for `help`).
    nonisolated static func bootstrapLogging(for command: any ParsableCommand) {
        if let command = command as? any LoggingCommand {
            command.logging.bootstrap()
        } else {
            LoggingOptions.bootstrap()
        }
    }

    /// Runs a parsed command.
    static func runCommand(_ parsed: sending any ParsableCommand) async throws {
        if var command = parsed as? any AsyncParsableCommand {
            try await command.run()
        } else {
            var command = parsed
            try command.run()
        }
    }

    /// Help and `--version` as swift-argument-parser prints them; a usage error as
    /// `postbatch: error: … [usage]` with a hint where to read more, and SPEC's exit code 2.
    static func exitForParseError(_ error: any Error) -> Never {
        guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
        reportMessage(oneLine(message(for: error)), code: "usage", hint: usageHint(fullMessage(for: error)))
        Foundation.exit(Exit.usage.rawValue)
    }

    /// The parser's message on one line: its list of valid values (`\n  - trace`) joined with commas.
    static func oneLine(_ message: String) -> String {
        let lines = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.first else { return message }
        let rest = lines.dropFirst().map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }
        return rest.isEmpty ? first : first + " " + rest.joined(separator: ", ")
    }

    /// `see 'postbatch run --help'`, from the parser's own full message.
    static func usageHint(_ full: String) -> String {
        let see = full.split(separator: "\n").last { $0.contains("See '") }
        if let see, let open = see.firstIndex(of: "'"), let close = see.lastIndex(of: "'"), open < close {
            return "see \(see[open...close])"
        }
        return "see 'postbatch --help'"
    }
}
