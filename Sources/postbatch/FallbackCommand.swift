import ArgumentParser
import Foundation
import PostbatchKit

struct FallbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fallback",
        abstract: "Put every NOT_ALLOWED letter on paper, exactly once.",
        discussion: """
            For each digital letter whose receipt says NOT_ALLOWED, writes a fjernprint paper \
            letter with the same group, language and text into DIR/print/<date>/, dated the \
            next Danish business day, with its own manifest line. The address comes from the \
            run's input (--input), which must pass the paper checks; a person whose record \
            does not is listed as undeliverable with the reason. Running it again writes \
            nothing twice.

            Examples:
              postbatch fallback spool --input records.csv
            """
    )

    @Argument(help: ArgumentHelp("The spool folder a run wrote.", valueName: "dir"))
    var directory: String

    @Option(help: ArgumentHelp("The input CSV the run read (the addresses come from it).", valueName: "file"))
    var input: String

    @Option(help: ArgumentHelp("Field delimiter, ; or , (default: detected from the header).", valueName: "char"))
    var delimiter: String?

    @OptionGroup var campaignOptions: CampaignOptions

    @Option(help: ArgumentHelp("Date the command counts from, YYYY-MM-DD (default: today).", valueName: "date"))
    var today: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let delimiter, delimiter != ";", delimiter != "," {
            throw ValidationError("--delimiter must be ; or , (found '\(delimiter)')")
        }
        if let today, CalendarDate(iso: today) == nil {
            throw ValidationError("--today must be a date like 2021-10-12 (found '\(today)')")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        try await withExitCodes {
            let campaign = try campaignOptions.load()
            let day = today.flatMap { CalendarDate(iso: $0) } ?? Timestamp.now().date
            let fallback = PaperFallback(spool: directory, input: input, delimiter: delimiter?.first, campaign: campaign,
                                         logger: logger, today: day)
            let summary = try await fallback.run()
            if summary.candidates == 0 {
                console.message("postbatch: no NOT_ALLOWED letter is waiting for a paper letter")
                return
            }
            console.message("postbatch: wrote \(summary.written) paper letter(s) dated \(summary.date?.iso ?? "?") "
                + "for \(summary.candidates) NOT_ALLOWED letter(s); \(summary.undeliverable.count) undeliverable")
            for (uuid, reason) in summary.undeliverable {
                FileHandle.standardOutput.write(Data("undeliverable \(uuid) \(reason)\n".utf8))
            }
        }
    }
}
