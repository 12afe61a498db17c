import ArgumentParser
import Foundation
import PostbatchKit

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show where each letter of a spool stands: sent, received, refused, on paper.",
        discussion: """
            Counts per group, channel and status (not sent, sent, received, completed, invalid, \
            not allowed, paper) from the spool's ledger, and lists the problems: INVALID letters \
            with their error codes, NOT_ALLOWED letters without a paper letter, letters not sent, \
            and letters sent without a receipt after --stale-after hours. Letters are named by \
            message UUID; no CPR number appears.

            Examples:
              postbatch status spool
              postbatch status spool --format html > status.html
            """
    )

    @Argument(help: ArgumentHelp("The spool folder a run wrote.", valueName: "dir"))
    var directory: String

    @Option(help: "Output format: table, json or html.")
    var format: ReportFormat = .table

    @Option(help: ArgumentHelp("A sent letter without a receipt after this many hours is a problem.", valueName: "hours"))
    var staleAfter: Double = 24

    @Option(help: ArgumentHelp("List at most this many problems; 0 lists all.", valueName: "n"))
    var maxProblems: Int = 100

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if format == .csv { throw ValidationError("--format must be table, json or html") }
        if staleAfter < 0 { throw ValidationError("--stale-after must be 0 hours or more") }
        if maxProblems < 0 { throw ValidationError("--max-problems must be 0 (all) or more") }
    }

    func run() async throws {
        try await withExitCodes {
            let status = try DeliveryStatus.read(spool: directory, staleAfter: .seconds(Int64(staleAfter * 3600)),
                                                 maxProblems: maxProblems)
            FileHandle.standardOutput.write(Data(status.rendered(as: format).utf8))
        }
    }
}
