import Testing
@testable import PostbatchKit

/// A sink counts each batch's letters and hands the batch back whole, in the order received.
@Suite("Open batches")
struct OpenBatchesTests {
    static let day = CalendarDate(year: 2021, month: 10, day: 6)!
    static let first = BatchKey(channel: .digital, date: day, number: 1)
    static let second = BatchKey(channel: .digital, date: day, number: 2)

    static func letter(_ batch: BatchKey, _ uuid: String, envelope: [UInt8]? = nil) -> WrittenLetter {
        WrittenLetter(batch: batch, manifestLine: "\(uuid),1,digital\n", envelope: envelope, size: envelope?.count ?? 0)
    }

    @Test("a batch is whole at its last letter, with its lines and entries in order; interleaved batches stay apart")
    func wholeInOrder() throws {
        var batches = OpenBatches()
        batches.open(Self.first, expecting: 3)
        batches.open(Self.second, expecting: 1)
        let afterA = batches.add(Self.letter(Self.first, "a", envelope: [1]))
        let afterB = batches.add(Self.letter(Self.first, "b", envelope: [2, 2]))
        #expect(afterA == nil && afterB == nil)

        let wholeSecond = batches.add(Self.letter(Self.second, "x"))
        let second = try #require(wholeSecond)
        #expect(second.key == Self.second)
        #expect(second.manifestLines == "x,1,digital\n")
        #expect(second.entries.isEmpty)
        #expect(!batches.contains(Self.second))

        let wholeFirst = batches.add(Self.letter(Self.first, "c", envelope: [3]))
        let first = try #require(wholeFirst)
        #expect(first.key == Self.first)
        #expect(first.manifestLines == "a,1,digital\nb,1,digital\nc,1,digital\n")
        #expect(first.entries.map(\.name) == ["a.xml", "b.xml", "c.xml"])
        #expect(first.entries.map(\.bytes) == [[1], [2, 2], [3]])
        #expect(!batches.contains(Self.first))
    }

    @Test("a letter of a batch that was never opened, or is already whole, is not counted")
    func unknownBatch() {
        var batches = OpenBatches()
        let unopened = batches.add(Self.letter(Self.first, "a"))
        #expect(unopened == nil)
        batches.open(Self.first, expecting: 1)
        let whole = batches.add(Self.letter(Self.first, "a"))
        #expect(whole?.manifestLines == "a,1,digital\n")
        let afterWhole = batches.add(Self.letter(Self.first, "b"))
        #expect(afterWhole == nil)
        #expect(!batches.contains(Self.first))
    }
}
