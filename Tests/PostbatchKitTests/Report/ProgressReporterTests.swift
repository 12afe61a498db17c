import Synchronization
import Testing
@testable import PostbatchKit

@Suite("ProgressReporter")
struct ProgressReporterTests {
    /// Collects what a reporter writes.
    final class Output: Sendable {
        private let texts = Mutex<[String]>([])
        func append(_ text: String) { texts.withLock { $0.append(text) } }
        var all: [String] { texts.withLock { $0 } }
    }

    /// A clock the test moves by hand.
    final class Clock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        func now() -> ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
    }

    @Test("disabled (not a terminal) writes nothing, finish included")
    func disabledWritesNothing() {
        let output = Output()
        let reporter = ProgressReporter(isEnabled: false, totalBytes: 1000) { output.append($0) }
        for step in 1...10 { reporter.update(records: step, letters: step, rejected: 0, bytesRead: step * 100) }
        reporter.finish()
        #expect(output.all.isEmpty)
    }

    @Test("enabled draws one line in place, at most once per interval, and finish clears it")
    func enabledDrawsAndClears() throws {
        let output = Output()
        let clock = Clock()
        let reporter = ProgressReporter(isEnabled: true, totalBytes: 1000, now: { clock.now() }) { output.append($0) }
        reporter.update(records: 1, letters: 1, rejected: 0, bytesRead: 10)
        reporter.update(records: 2, letters: 2, rejected: 0, bytesRead: 20)   // too soon: not drawn
        clock.advance(.seconds(1))
        reporter.update(records: 250_000, letters: 240_000, rejected: 1_234, bytesRead: 250)
        #expect(output.all.count == 2)
        let line = try #require(output.all.last)
        #expect(line.hasPrefix("\r"))
        #expect(!line.contains("\n"))
        #expect(line.contains("records 250,000 · letters 240,000 · rejected 1,234 · 250,000 records/s · 25 % · ETA 0:03"))
        reporter.finish()
        let clear = try #require(output.all.last)
        #expect(output.all.count == 3)
        #expect(clear.hasPrefix("\r") && clear.hasSuffix("\r"))
        #expect(clear.dropFirst().dropLast().allSatisfy { $0 == " " })
        #expect(clear.count >= line.count)
        reporter.finish()   // nothing more to clear
        #expect(output.all.count == 3)
    }

    @Test("without a known size there is no share and no ETA")
    func unknownSize() {
        let line = ProgressReporter.line(records: 10, letters: 9, rejected: 1, bytesRead: 500, totalBytes: nil,
                                         elapsed: .seconds(2))
        #expect(line == "records 10 · letters 9 · rejected 1 · 5 records/s")
    }

    @Test("times left", arguments: [(9.0, "0:09"), (75.2, "1:16"), (3_723.0, "1:02:03")])
    func clock(seconds: Double, expected: String) {
        #expect(ProgressReporter.clock(seconds) == expected)
    }
}
