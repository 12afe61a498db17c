import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

@Suite("Statistics HTML report")
struct StatisticsHTMLTests {
    /// The shipped template, from the repository's templates/report.
    static func template() throws -> ReportTemplate {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/", !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return try ReportTemplate.load(folder: url.appendingPathComponent("templates/report"))
    }

    func page(_ statistics: Statistics, _ options: HTMLReportOptions = HTMLReportOptions()) throws -> String {
        statistics.html(options, template: try Self.template())
    }

    func sample() throws -> Statistics {
        var generator = SampleGenerator(options: .init(count: 3_000, seed: 4, defectRate: 0.15))
        return try TestInput.statistics(generator.csv())
    }

    /// Every `<data data-key=… data-value=…>shown</data>` of a page, in page order.
    func numbers(in html: String) throws -> [(key: String, value: Int, shown: String)] {
        let regex = try NSRegularExpression(
            pattern: #"<data [^>]*data-key="([^"]+)" data-value="(-?\d+)"[^>]*>([^<]*)</data>"#)
        return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
            guard let key = Range(match.range(at: 1), in: html), let value = Range(match.range(at: 2), in: html),
                  let shown = Range(match.range(at: 3), in: html), let number = Int(html[value]) else { return nil }
            return (String(html[key]), number, String(html[shown]))
        }
    }

    @Test("every number of the JSON appears once, with its key, and is shown as that number")
    func sameNumbersAsJSON() throws {
        let statistics = try sample()
        let html = try page(statistics, HTMLReportOptions(input: "records.csv"))
        let found = try numbers(in: html)
        #expect(found.map(\.key).sorted() == statistics.entries.map(\.key).sorted(), "every entry, once")
        var shown: [String: Int] = [:]
        for (key, value, text) in found {
            #expect(shown[key] == nil, "\(key) appears twice")
            shown[key] = value
            #expect(Int(text.replacingOccurrences(of: ",", with: "")) == value, "\(key) shows '\(text)' for \(value)")
        }
        // The JSON, flattened to dotted keys, holds exactly the same numbers.
        let json = try JSONFlattening.numbers(in: statistics.json())
        #expect(shown == json)
        #expect(statistics.totalRejected > 0 && statistics.totalSkipped > 0, "the sample exercises every section")
    }

    @Test("one self-contained page: no script, no network, inline CSS and SVG, print styles")
    func selfContained() throws {
        let html = try page(try sample())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
        for forbidden in ["<script", "http://", "https://", "src=", "<link", "@import", "url("] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        #expect(html.contains("<style>"))
        #expect(html.contains("@media print"))
        #expect(html.contains("name=\"viewport\""))
        #expect(html.components(separatedBy: "<svg class=\"bar\"").count - 1 >= LetterGroup.allCases.count)
        for group in LetterGroup.allCases { #expect(html.contains(">\(group.slug)<")) }
        #expect(!html.contains("{{") && !html.contains("}}"), "every tag filled")
        #expect(html.contains("data-conserved=\"true\""))
    }

    @Test("the input name is escaped")
    func escapes() throws {
        let html = try page(try sample(), HTMLReportOptions(input: "<script>alert('x')</script> & \"q\".csv"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;.csv"))
    }

    @Test("an empty input gives a page with zeros and no bars drawn")
    func empty() throws {
        let html = try page(Statistics())
        let found = try numbers(in: html)
        #expect(found.map(\.key).sorted() == Statistics().entries.map(\.key).sorted())
        #expect(found.allSatisfy { $0.value == 0 })
        #expect(html.contains("no letters"))
        #expect(HTMLPage.share(0, of: 0) == "")
    }

    @Test("Danish and English: the groups, skip and reject reasons in words with the code beside", arguments: Language.allCases)
    func languages(language: Language) throws {
        let statistics = try sample()
        let html = try page(statistics, HTMLReportOptions(language: language))
        let words = try #require(try Self.template().words[language])
        #expect(html.contains("<html lang=\"\(language.rawValue)\">"))
        for group in LetterGroup.allCases { #expect(html.contains(HTMLPage.escape(try #require(words.groups[group])))) }
        for (code, _) in statistics.rejectedByReason {
            let reason = try #require(words.rejections[code], "\(code) has words in \(language)")
            #expect(html.contains(HTMLPage.escape(reason.reason)) && html.contains(HTMLPage.escape(reason.fix)))
            #expect(html.contains("<code class=\"reason-code\">\(code)</code>"), "the code beside, whole")
        }
        for (code, _) in statistics.skippedByReason {
            #expect(html.contains(HTMLPage.escape(words.skipReason(code))))
        }
        #expect(!html.contains("<wbr>"), "no reason code is broken mid-word")
        // Numbers in the page's language: 1.234 in Danish, 1,234 in English.
        let separator = language == .da ? "." : ","
        let shown = try numbers(in: html).first { $0.value >= 1000 }
        #expect(shown?.shown.contains(separator) == true, "\(String(describing: shown))")
    }

    @Test("every reject reason and the listed skip statuses have words in both languages")
    func everyReasonHasWords() throws {
        let template = try Self.template()
        for language in Language.allCases {
            let words = try #require(template.words[language])
            for code in ClassificationError.Code.allCases {
                #expect(words.rejections[code].map { !$0.reason.isEmpty && !$0.fix.isEmpty } == true, "\(code) \(language)")
            }
            for status in [10, 30, 50, 60, 70, 90] { #expect(words.skipReason("status_\(status)") != "status_\(status)") }
            #expect(words.skipReason("status_42").hasSuffix(" 42"))
        }
    }

    @Test("a words file without a reason, or with a label the other language lacks, stops the template's loading")
    func incompleteWords() throws {
        let folder = try Scratch.folder("report-words")
        let shipped = try Self.template().folder
        for file in try FileManager.default.contentsOfDirectory(atPath: shipped.path) {
            try FileManager.default.copyItem(at: shipped.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        _ = try ReportTemplate.load(folder: folder)
        let english = folder.appendingPathComponent("words.en.toml")
        let text = try String(contentsOf: english, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "[rejections.duplicate_cpr]", with: "[rejections.duplicate_xyz]").utf8)
            .write(to: english)
        let missing = #expect(throws: ReportError.self) { try ReportTemplate.load(folder: folder) }
        #expect(missing?.code == .words && missing?.description.contains("duplicate_cpr") == true)
        try Data(text.replacingOccurrences(of: "title = ", with: "heading = ").utf8).write(to: english)
        let label = #expect(throws: ReportError.self) { try ReportTemplate.load(folder: folder) }
        #expect(label?.code == .words, "\(String(describing: label))")
        #expect([" title", " heading"].contains { label?.description.contains($0) == true }, "names the label")
    }

    @Test("reasons are sorted by count, largest first")
    func sortedByCount() throws {
        let statistics = try sample()
        let html = try page(statistics)
        let order = statistics.rejectedByReason.sorted { ($1.count, "\($0.reason)") < ($0.count, "\($1.reason)") }
        let positions = try order.map { try #require(html.range(of: "data-key=\"rejected.by_reason.\($0.reason)\"")).lowerBound }
        #expect(positions == positions.sorted() && order.count > 1)
    }

    @Test("the paper day is marked, and a spool's page shows the run's facts")
    func paperDayAndFacts() throws {
        let statistics = try sample()
        let paperDay = try #require(statistics.lettersByDate.last?.date)
        let facts = RunFacts(when: "2021-10-01T08:00:00Z", input: "export.csv", inputBytes: 1_234_567,
                             inputSHA256: String(repeating: "ab", count: 32), campaign: "nemid-mitid-2021",
                             templateVersion: "0123456789abcdef", letters: statistics.totalLetters, containers: 7,
                             fallbacks: 2, duration: .seconds(75), version: "9.9.9")
        let html = try page(statistics, HTMLReportOptions(language: .da, printDay: paperDay, facts: facts))
        #expect(html.components(separatedBy: "class=\"paper-day\">papirdag<").count == 2, "one date marked")
        #expect(html.contains("<time datetime=\"\(paperDay.iso)\">\(paperDay.iso)</time><span class=\"paper-day\">"))
        for text in ["2021-10-01T08:00:00Z", "export.csv", "1.234.567 byte", facts.inputSHA256, "nemid-mitid-2021",
                     "0123456789abcdef", "1:15", "9.9.9", "Kørslen"] {
            #expect(html.contains(text), "\(text)")
        }
        #expect(!(try page(statistics)).contains("id=\"h-facts\""), "stats shows no run facts")
    }
}
