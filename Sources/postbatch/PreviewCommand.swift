import ArgumentParser
import Foundation
import PostbatchKit

struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Render sample letters without sending anything (CPR masked).",
        discussion: """
            Picks the first letters of each group from the input. `text` prints what they \
            say; `pdf` and `xml` write files into --out (default: a new private folder, \
            named on standard error). File names hold group, language, channel and input \
            line, never a CPR number.

            Examples:
              postbatch preview samples/records.csv
              postbatch preview samples/records.csv --format pdf --per-group 2
              postbatch preview samples/records.csv --open
              postbatch preview samples/records.csv --group citizen-service \\
                  --language en --format pdf --out letters
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, pdf, xml
    }

    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var campaignOptions: CampaignOptions

    @Option(help: "Letters per group.")
    var perGroup: Int = 1

    @Option(help: ArgumentHelp("Only this group: 1-5 or its slug (bank, bank-update, mitid-dk, mitid-dk-update, citizen-service).",
                               valueName: "group"),
            completion: .list(LetterGroup.allCases.map { "\($0.rawValue)" } + LetterGroup.allCases.map(\.slug)))
    var group: String?

    @Option(help: ArgumentHelp("Only this language: da or en.", valueName: "language"),
            completion: .list(Language.allCases.map(\.rawValue)))
    var language: String?

    @Option(help: "What to make: text, pdf or xml.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Folder for pdf and xml files (default: a new temporary folder).", valueName: "dir"),
            completion: .directory)
    var out: String?

    @Flag(help: "Write the PDFs to a new temporary folder and print their paths, to open them (same as --format pdf).")
    var open = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if !(1...1000).contains(perGroup) { throw ValidationError("--per-group must be from 1 to 1000") }
        if open, format == .xml || out != nil {
            throw ValidationError("--open writes PDFs into a new temporary folder: leave out --format xml and --out")
        }
        if let group, LetterGroup(argument: group) == nil {
            throw ValidationError("--group must be 1-5 or one of bank, bank-update, mitid-dk, mitid-dk-update, citizen-service (found '\(group)')")
        }
        if let language, Language(rawValue: language.lowercased()) == nil {
            throw ValidationError("--language must be da or en (found '\(language)')")
        }
    }

    func run() async throws {
        try await withExitCodes {
            let campaign = try campaignOptions.load()
            let preview = try LetterPreview(campaign: campaign)
            let selection = LetterPreview.Selection(perGroup: perGroup, group: group.flatMap(LetterGroup.init(argument:)),
                                                    language: language.flatMap { Language(rawValue: $0.lowercased()) })
            let samples = try preview.samples(input: inputOptions.input, delimiter: inputOptions.delimiterCharacter,
                                              selection: selection)
            if samples.isEmpty {
                say("no letter in the input matches the selection")
                return
            }
            let format = open ? Format.pdf : self.format
            if format == .text {
                let text = try samples.map { try preview.text($0) }.joined(separator: "\n")
                FileHandle.standardOutput.write(Data(text.utf8))
                return
            }
            let folder = try outputFolder()
            let renderer = try LetterRenderer()
            let writer = try EnvelopeWriter(campaign: campaign, massMailingID: "preview", now: .now())
            for sample in samples {
                let bytes = format == .pdf
                    ? try preview.pdf(sample, renderer: renderer)
                    : try preview.envelope(sample, renderer: renderer, writer: writer)
                let file = folder.appendingPathComponent("\(sample.stem).\(format.rawValue)")
                try Data(bytes).write(to: file)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
                FileHandle.standardOutput.write(Data("\(file.path)\n".utf8))
            }
        }
    }

    private func outputFolder() throws -> URL {
        let url: URL
        if let out {
            url = URL(fileURLWithPath: out)
        } else {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("postbatch-preview-\(UUID().uuidString.prefix(8).lowercased())")
            say("writing previews into \(url.path)")
        }
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        return url
    }
}
