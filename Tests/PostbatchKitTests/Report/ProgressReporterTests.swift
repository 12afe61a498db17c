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
        #expect(output.all.count == 3)
        #expect(output.all.last == "\r" + ProgressReporter.eraseLine)
        reporter.finish()   // nothing more to clear
        #expect(output.all.count == 3)
    }

    @Test("a message clears the frame, prints on its own line, and draws the frame again")
    func messageBetweenFrames() throws {
        let output = Output()
        let clock = Clock()
        let reporter = ProgressReporter(isEnabled: true, totalBytes: 1000, now: { clock.now() }) { output.append($0) }
        reporter.update(phase: "reading input", records: 5, letters: 4, rejected: 1, bytesRead: 500)
        let frame = try #require(output.all.last)
        reporter.message("postbatch: warning: something")
        let message = try #require(output.all.last)
        let erase = ProgressReporter.eraseLine
        #expect(message == "\r\(erase)postbatch: warning: something\n" + frame)
        #expect(frame.hasSuffix(erase))
        #expect(frame.hasPrefix("\rreading input · records 5"))
        reporter.finish()
        reporter.message("after")
        #expect(output.all.last == "after\n")
    }

    @Test("the line is cut to the terminal's width, and follows a resize", arguments: [(40, 39), (60, 59)])
    func cutToWidth(columns: Int, visible: Int) throws {
        let output = Output()
        let clock = Clock()
        let reporter = ProgressReporter(isEnabled: true, totalBytes: 1000, now: { clock.now() }, columns: { columns }) {
            output.append($0)
        }
        clock.advance(.seconds(1))
        reporter.update(phase: "reading input", records: 250_000, letters: 240_000, rejected: 1_234, bytesRead: 250)
        let frame = try #require(output.all.last)
        let text = frame.dropFirst().dropLast(ProgressReporter.eraseLine.count)
        #expect(text.count == visible)
        #expect(text.hasSuffix("…"))
        #expect(!frame.contains("\n"))
    }

    @Test("not a terminal: a plain line every ten seconds, no carriage returns")
    func plainLines() {
        let output = Output()
        let clock = Clock()
        let reporter = ProgressReporter(style: .plain(every: .seconds(10)), totalBytes: 1000, now: { clock.now() }) {
            output.append($0)
        }
        for _ in 0..<35 {
            reporter.update(phase: "writing letters", letters: 10, of: 100)
            clock.advance(.seconds(1))
        }
        reporter.message("a log line")
        reporter.finish()
        // Updates at 0…34 s: lines at 10, 20 and 30 s, then the message; finish writes nothing.
        #expect(output.all.count == 4)
        #expect(output.all.allSatisfy { $0.hasSuffix("\n") && !$0.contains("\r") })
        #expect(output.all.first?.hasPrefix("writing letters · letters 10 of 100") == true)
    }

    @Test("rates count from show(), and again from the start of each phase")
    func phases() throws {
        let output = Output()
        let clock = Clock()
        let reporter = ProgressReporter(style: .off, totalBytes: nil, now: { clock.now() }) { output.append($0) }
        reporter.show(.redraw, totalBytes: 1_000)
        clock.advance(.seconds(10))
        reporter.update(phase: "reading input", records: 100_000, letters: 90_000, rejected: 0, bytesRead: 500)
        #expect(try #require(output.all.last).contains("reading input · records 100,000 · letters 90,000 · rejected 0 · 10,000 records/s · 50 % · ETA 0:10"))
        clock.advance(.seconds(1))
        reporter.update(phase: "writing letters", letters: 0, of: 100)
        #expect(try #require(output.all.last).contains("writing letters · letters 0 of 100 · 0 %"))
        clock.advance(.seconds(2))
        reporter.update(phase: "writing letters", letters: 50, of: 100)
        #expect(try #require(output.all.last).contains("writing letters · letters 50 of 100 · 25 letters/s · 50 % · ETA 0:02"))
    }

    @Test("show switches the style and clears a drawn frame first")
    func showSwitches() {
        let output = Output()
        let reporter = ProgressReporter(style: .off, totalBytes: nil) { output.append($0) }
        reporter.update(letters: 1, of: 2)
        #expect(output.all.isEmpty)
        reporter.show(.redraw, totalBytes: 10)
        #expect(reporter.isEnabled && reporter.totalBytes == 10)
        reporter.update(letters: 1, of: 2)
        reporter.show(.off)
        #expect(output.all.count == 2)
        #expect(output.all.last == "\r" + ProgressReporter.eraseLine)
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
