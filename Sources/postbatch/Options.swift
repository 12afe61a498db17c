import ArgumentParser
import Foundation
import PostbatchKit

/// Options shared by every command that reads an input CSV.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The input CSV file, or - for standard input.", valueName: "input"),
              completion: .file())
    var input: String

    @Option(help: ArgumentHelp("Field delimiter, ; or , (default: detected from the header).", valueName: "char"),
            completion: .list([";", ","]))
    var delimiter: String?

    func validate() throws {
        if let delimiter, delimiter != ";", delimiter != "," {
            throw ValidationError("--delimiter must be ; or , (found '\(delimiter)')")
        }
    }

    var delimiterCharacter: Character? { delimiter?.first }
}

/// Options that pick and adjust the campaign settings.
struct CampaignOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Campaign settings file (default: $POSTBATCH_CAMPAIGN, ./templates/campaign.toml, "
            + "$XDG_CONFIG_HOME/postbatch/campaign.toml, /etc/postbatch/campaign.toml, the installed one; "
            + "'postbatch config' shows which).",
        valueName: "file"), completion: .file(extensions: ["toml"]))
    var campaign: String?

    @Option(help: ArgumentHelp("First day of digital delivery, YYYY-MM-DD (default: from the campaign).", valueName: "date"))
    var firstDay: String?

    @Option(help: ArgumentHelp("Number of daily waves for digital letters (default: from the campaign).", valueName: "n"))
    var waves: Int?

    @Option(help: ArgumentHelp("Date of paper letters, YYYY-MM-DD (default: the first Danish business day after the last wave; must be a business day).", valueName: "date"))
    var printDay: String?

    func validate() throws {
        if let firstDay, CalendarDate(iso: firstDay) == nil {
            throw ValidationError("--first-day must be a date like 2021-10-06 (found '\(firstDay)')")
        }
        if let printDay {
            guard let day = CalendarDate(iso: printDay) else {
                throw ValidationError("--print-day must be a date like 2021-10-11 (found '\(printDay)')")
            }
            if !day.isDanishBusinessDay {
                let next = day.nextDanishBusinessDay()
                throw ValidationError(
                    "--print-day \(day.iso) is a \(day.weekdayName)\(day.weekday == 0 || day.weekday == 6 ? "" : " and a Danish public holiday"), "
                        + "not a Danish business day; the next business day is \(next.weekdayName) \(next.iso)")
            }
        }
        if let waves, !(1...366).contains(waves) {
            throw ValidationError("--waves must be a whole number from 1 to 366 (found \(waves))")
        }
    }

    /// Finds and loads the campaign file (``CampaignLocator``) and applies the overrides.
    func load() throws(CampaignError) -> Campaign {
        try CampaignLocator().load(option: campaign).campaign.with(
            firstDay: firstDay.flatMap { CalendarDate(iso: $0) },
            waves: waves,
            printDay: printDay.flatMap { CalendarDate(iso: $0) })
    }
}

/// `--format text|json` of `run`, `verify` and `validate`.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    /// For people: the report table, problem lines and a summary.
    case text
    /// One JSON document on standard output (`docs/json-output.md`).
    case json
}

/// Whether to show a progress line on standard error.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "Show progress on standard error even when it is not a terminal.")
    var progress = false

    @Flag(name: .shortAndLong, help: "Show no progress (default: progress when standard error is a terminal).")
    var quiet = false

    func validate() throws {
        if progress && quiet {
            throw ValidationError("--progress and --quiet contradict each other: give one of them")
        }
    }

    /// On with `--progress`, off with `--quiet`, otherwise on when standard error is a terminal.
    var isEnabled: Bool {
        progress || (!quiet && isatty(2) != 0)
    }

    /// How progress is shown: redrawn in place on a terminal; with `--progress` and
    /// standard error a file or pipe, a plain line every ten seconds; otherwise not at all.
    var style: ProgressReporter.Style {
        guard isEnabled else { return .off }
        return isatty(2) != 0 ? .redraw : .plain(every: .seconds(10))
    }

    /// The process's ``console``, showing progress as the flags say, sized from the input
    /// when it is a file.
    func reporter(input: String? = nil) -> ProgressReporter {
        console.show(style, totalBytes: input.flatMap(ProgressReporter.inputSize(path:)))
        return console
    }
}
