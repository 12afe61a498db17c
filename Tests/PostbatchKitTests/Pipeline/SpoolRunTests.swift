import Foundation
import InMemoryLogging
import Logging
import Testing
@testable import PostbatchKit
import PostbatchTesting

@Suite("Spool run")
struct SpoolRunTests {
    static let templates: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("templates/campaign.toml")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: "templates/campaign.toml")
    }()

    @Test("a run's identity covers the letter templates, not the HTML report's template and words")
    func identityLeavesTheReportOut() throws {
        let folder = try Scratch.folder("identity")
        let shipped = Self.templates.deletingLastPathComponent()
        for item in try FileManager.default.contentsOfDirectory(atPath: shipped.path) {
            try FileManager.default.copyItem(at: shipped.appendingPathComponent(item), to: folder.appendingPathComponent(item))
        }
        let options = RunOptions(input: "records.csv", spool: "spool")
        func templatesPart() throws -> String? {
            let campaign = try Campaign.load(from: folder.appendingPathComponent("campaign.toml"))
            #expect(campaign.templateDirectory.standardizedFileURL.path == folder.standardizedFileURL.path)
            return try RunIdentity.parts(inputSHA256: "0", campaign: campaign, options: options).parts["templates"]
        }
        let before = try templatesPart()
        let words = folder.appendingPathComponent("report/words.en.toml")
        try Data((try String(contentsOf: words, encoding: .utf8) + "# a new comment\n").utf8).write(to: words)
        #expect(try templatesPart() == before, "a changed report word is the same run")
        let letter = folder.appendingPathComponent(Campaign.templateFile(.bank, .da))
        try Data((try String(contentsOf: letter, encoding: .utf8) + "\n").utf8).write(to: letter)
        #expect(try templatesPart() != before, "a changed letter template is another run")
    }

    @Test("the sample through the pipeline at trace level logs no full CPR number")
    func noCPRInLogs() async throws {
        var generator = SampleGenerator(options: .init(count: 300, seed: 5, defectRate: 0.2))
        let csv = generator.csv()
        let input = try TestInput.file(csv)
        let spool = try Scratch.folder("input").appendingPathComponent("spool").path
        var handler = InMemoryLogHandler()
        handler.logLevel = .trace
        let logger = Logger(label: "test", factory: { _ in handler })
        let campaign = try Campaign.load(from: Self.templates)
        let summary = try await SpoolRun.run(options: RunOptions(input: input, spool: spool), campaign: campaign, logger: logger)
        #expect(summary.outcome == .completed)
        #expect(summary.statistics.isConserved)
        let again = try await SpoolRun.run(options: RunOptions(input: input, spool: spool), campaign: campaign, logger: logger)
        #expect(again.outcome == .alreadyComplete)
        #expect(handler.entries.count >= 6)
        let numbers = Set(csv.split(separator: "\n").compactMap { line -> String? in
            let field = line.split(separator: ";", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let digits = field.filter(\.isNumber)
            return digits.count == 10 ? digits : nil
        })
        try #require(numbers.count > 200)
        for entry in handler.entries {
            let text = "\(entry.message) \(entry.metadata)".replacingOccurrences(of: "-", with: "")
            #expect(!numbers.contains { text.contains($0) }, "a log entry holds a full CPR number: \(entry.message)")
        }
    }

    @Test("batches: letters are numbered per channel and date, in input order")
    func batchNumbering() {
        var numbering = BatchNumbering(size: 2)
        let day = CalendarDate(year: 2021, month: 10, day: 6)!
        let keys = (0..<5).map { _ in numbering.next(channel: .digital, date: day) }
        #expect(keys.map(\.number) == [1, 1, 2, 2, 3])
        #expect(numbering.next(channel: .print, date: day).number == 1)
        #expect(SpoolLayout.looseFolder(of: keys[0]) == "digital/2021-10-06/0001")
        #expect(SpoolLayout.journalSegment(of: keys[4]) == "digital-2021-10-06-0003.csv")
        #expect(BatchNumbering.size(of: keys[4], total: 5, batchSize: 2) == 1)
    }

    @Test("shards split the letters without overlap", arguments: [2, 3, 5])
    func shards(count: Int) throws {
        let shards = (1...count).compactMap { Shard(argument: "\($0)/\(count)") }
        #expect(shards.count == count)
        for index in 0..<2000 {
            let cpr = try CPR.parse(Array(SampleGenerator.cpr(for: index, hyphen: false).utf8)).get()
            #expect(shards.filter { $0.contains(cpr) }.count == 1)
        }
        #expect(Shard(argument: "0/3") == nil)
        #expect(Shard(argument: "4/3") == nil)
        #expect(Shard(argument: "x") == nil)
    }
}
