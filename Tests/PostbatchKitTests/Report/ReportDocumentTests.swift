import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

@Suite("Report document")
struct ReportDocumentTests {
    static func statistics(seed: UInt64) throws -> Statistics {
        var generator = SampleGenerator(options: .init(count: 2_000, seed: seed, defectRate: 0.2))
        return try TestInput.statistics(generator.csv())
    }

    @Test("what the writer writes decodes into the document it describes", arguments: [3, 8] as [UInt64])
    func roundTrip(seed: UInt64) throws {
        let statistics = try Self.statistics(seed: seed)
        let decoded = try JSONDecoder().decode(ReportDocument.self, from: Data(statistics.json().utf8))
        #expect(decoded == ReportDocument(statistics: statistics))
        #expect(decoded.inconsistencies.isEmpty)
        let withNotes = try JSONDecoder().decode(ReportDocument.self,
                                                 from: Data(statistics.json(includingNotes: true).utf8))
        #expect(withNotes == ReportDocument(statistics: statistics, includingNotes: true))
        #expect(withNotes.notes?.isEmpty == false)   // the generator writes line breaks in quotes
        #expect(decoded.records == statistics.records)
    }

    @Test("a shard's report carries the shard's letters")
    func shard() throws {
        let statistics = try Self.statistics(seed: 5)
        let shard = ShardReport(index: 2, count: 3, letters: try Self.statistics(seed: 6))
        let decoded = try JSONDecoder().decode(ReportDocument.self, from: Data(statistics.json(shard: shard).utf8))
        #expect(decoded == ReportDocument(statistics: statistics, shard: shard))
        #expect(decoded.spoolLetters == ReportDocument(statistics: shard.letters).letters)
    }

    @Test("a report whose sums do not hold names each one")
    func inconsistencies() throws {
        var document = ReportDocument(statistics: try Self.statistics(seed: 3))
        document.records += 1
        document.rejected.byReason["invalid_cpr", default: 0] += 2
        document.letters.byGroupChannel["1"]?["print", default: 0] += 1
        let found = document.inconsistencies
        #expect(found.count == 3, "\(found)")
        #expect(found.contains { $0.hasPrefix("letters + skipped + rejected") })
        #expect(found.contains { $0.hasPrefix("rejected.by_reason") })
        #expect(found.contains { $0.hasPrefix("letters.by_group_channel.1") })
    }

    @Test("a missing key is named", arguments: [("records", "no records"), ("letters", "no letters")])
    func missingKey(key: String, expected: String) throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(Self.statistics(seed: 3).json().utf8)) as? [String: Any])
        object[key] = nil
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ReportDocument.self, from: data) }
        do {
            _ = try JSONDecoder().decode(ReportDocument.self, from: data)
        } catch {
            #expect(ReportDocument.describe(error) == expected)
        }
    }
}
