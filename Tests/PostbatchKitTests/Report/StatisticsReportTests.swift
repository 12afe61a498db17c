import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

@Suite("Statistics report")
struct StatisticsReportTests {
    func sample() throws -> Statistics {
        var generator = SampleGenerator(options: .init(count: 3_000, seed: 4, defectRate: 0.15))
        return try TestInput.statistics(generator.csv())
    }

    @Test("the JSON has every key of SPEC §5, all groups and both channels even when zero")
    func jsonShape() throws {
        let statistics = try TestInput.statistics(TestInput.csv(TestInput.row()))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(statistics.json().utf8)) as? [String: Any])
        #expect(object["records"] as? Int == 1)
        let letters = try #require(object["letters"] as? [String: Any])
        #expect(letters["total"] as? Int == 1)
        #expect((letters["by_group"] as? [String: Int]) == ["1": 1, "2": 0, "3": 0, "4": 0, "5": 0])
        #expect((letters["by_channel"] as? [String: Int]) == ["digital": 1, "print": 0])
        let byGroupChannel = try #require(letters["by_group_channel"] as? [String: [String: Int]])
        #expect(byGroupChannel.count == 5)
        #expect(byGroupChannel["5"] == ["digital": 0, "print": 0])
        #expect((letters["by_language"] as? [String: Int]) == ["da": 1, "en": 0])
        #expect((letters["by_date"] as? [String: Int]) == ["2021-10-06": 1])
        #expect((object["skipped"] as? [String: Any])?["total"] as? Int == 0)
        #expect(((object["skipped"] as? [String: Any])?["by_reason"] as? [String: Int]) == [:])
        #expect((object["rejected"] as? [String: Any])?["total"] as? Int == 0)
        #expect((object["warnings"] as? [String: Int])?["cpr_no_mod11"] == 0)   // 070707-7077 passes
    }

    @Test("JSON, CSV and table carry the same numbers")
    func formatsAgree() throws {
        let statistics = try sample()
        #expect(statistics.isConserved)
        let fromJSON = try JSONFlattening.numbers(in: statistics.json())
        var fromCSV: [String: Int] = [:]
        for line in statistics.csv().split(separator: "\n").dropFirst() {
            let parts = line.split(separator: ",")
            fromCSV[String(parts[0])] = Int(parts[1])
        }
        #expect(fromJSON == fromCSV)
        #expect(fromJSON == Dictionary(uniqueKeysWithValues: statistics.entries.map { ($0.key, $0.value) }))
        let table = statistics.table()
        for group in LetterGroup.allCases {
            #expect(table.contains("\(group.rawValue) \(group.slug)"))
        }
        for (reason, _) in statistics.rejectedByReason { #expect(table.contains(reason.description)) }
        for (reason, _) in statistics.skippedByReason { #expect(table.contains(reason)) }
        #expect(table.contains("Records: 3,000\n"))
    }

    @Test("the table states the conservation line")
    func conservationLine() throws {
        let statistics = try TestInput.statistics(TestInput.csv(
            TestInput.row(), TestInput.row(cpr: "0101011234", exempt: "ja"), TestInput.row(cpr: "0202021234", status: "90"),
            TestInput.row(cpr: "x")))
        #expect(statistics.table().contains("Records: 4\n  = digital 1 + print 1 + skipped 1 + rejected 1\n"))
    }

    @Test("every record is counted once", arguments: [0.0, 0.05, 0.2])
    func conservation(defectRate: Double) throws {
        var generator = SampleGenerator(options: .init(count: 5_000, seed: 9, defectRate: defectRate))
        let statistics = try TestInput.statistics(generator.csv())
        #expect(statistics.records == 5_000)
        #expect(statistics.isConserved)
        #expect(statistics.totalLetters + statistics.totalSkipped + statistics.totalRejected == 5_000)
    }
}
