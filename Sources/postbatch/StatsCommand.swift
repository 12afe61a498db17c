import ArgumentParser
import Foundation
import PostbatchKit

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Classify the input without rendering and print the statistics.",
        discussion: """
            Every record ends as a letter (digital or print), skipped (by CPR status) or \
            rejected (with a reason); the report shows the counts per group, channel, \
            language, date and reason, and checks that they add up.

            Examples:
              postbatch stats samples/records.csv
              postbatch stats samples/records.csv --format json
              postbatch stats export.csv --rejects rejects.csv --waves 2
            """
    )

    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var campaignOptions: CampaignOptions
    @OptionGroup var progressOptions: ProgressOptions

    @Option(help: "Output format: table, json, csv or html (one self-contained page).")
    var format: ReportFormat = .table

    @Option(help: ArgumentHelp("Language of --format html (default: report_language of the campaign, else da).",
                               valueName: "language"))
    var reportLanguage: Language?

    @Option(help: ArgumentHelp("Also write one line per rejected record (line,reason,detail; CPR masked) to this file.",
                               valueName: "file"), completion: .file(extensions: ["csv"]))
    var rejects: String?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await withExitCodes {
            let campaign = try campaignOptions.load()
            // The page's template is read before the input, so a broken one stops at once.
            let template = format == .html ? try ReportTemplate.locate(templates: campaign.templateDirectory) : nil
            let classifier = try InputClassifier(path: inputOptions.input, delimiter: inputOptions.delimiterCharacter,
                                                 schedule: campaign.schedule)
            var rejectsWriter: TextFileWriter?
            if let rejects {
                do {
                    rejectsWriter = try TextFileWriter(path: rejects)
                    try rejectsWriter?.write(RecordLists.rejectsHeader)
                } catch {
                    reportMessage("cannot create the rejects file: \(whyCannotCreate(rejects))", code: "not_writable")
                    throw Exit.usage
                }
            }
            var writeFailure: (any Error)?
            let progress = progressOptions.reporter(input: inputOptions.input)
            defer { progress.finish() }
            let statistics = try classifier.tally(progressEvery: 16_384, progress: { statistics, bytesRead in
                progress.update(phase: "classifying", records: statistics.records, letters: statistics.totalLetters,
                                rejected: statistics.totalRejected, bytesRead: bytesRead)
            }, onRejected: { rejection in
                guard writeFailure == nil else { return }
                do { try rejectsWriter?.write(RecordLists.line(for: rejection)) } catch { writeFailure = error }
            })
            progress.finish()
            do {
                try rejectsWriter?.close()
            } catch {
                writeFailure = writeFailure ?? error
            }
            if let writeFailure, let rejects {
                reportMessage("writing the rejects file \(rejects) failed (is the disk full?): "
                              + "\(writeFailure.localizedDescription); the statistics were not printed", code: "io")
                throw Exit.io
            }
            let page = template.map { template in
                (HTMLReportOptions(input: classifier.file, language: reportLanguage ?? campaign.reportLanguage,
                                   printDay: campaign.schedule.printDay), template)
            }
            FileHandle.standardOutput.write(Data(statistics.rendered(as: format, input: classifier.file, page: page).utf8))
            reportNotes(statistics, input: classifier.file)
        }
    }
}
