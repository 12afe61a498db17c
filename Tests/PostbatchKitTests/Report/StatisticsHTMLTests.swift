import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

@Suite("Statistics HTML report")
struct StatisticsHTMLTests {
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
        let html = statistics.html(input: "records.csv")
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
        let html = try sample().html()
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
        #expect(html.contains("data-conserved=\"true\""))
    }

    @Test("the input name is escaped")
    func escapes() throws {
        let html = try sample().html(input: "<script>alert('x')</script> & \"q\".csv")
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;.csv"))
    }

    @Test("an empty input gives a page with zeros and no bars drawn")
    func empty() throws {
        let html = Statistics().html()
        let found = try numbers(in: html)
        #expect(found.map(\.key).sorted() == Statistics().entries.map(\.key).sorted())
        #expect(found.allSatisfy { $0.value == 0 })
        #expect(html.contains("no letters"))
        #expect(HTMLPage.share(0, of: 0) == "")
    }
}
