import Foundation
import Logging
import Testing
@testable import PostbatchKit

@Suite("ConsoleLogHandler")
struct ConsoleLogHandlerTests {
    typealias Lines = ProgressReporterTests.Output

    private func logger(_ format: ConsoleLogHandler.Format, colour: Bool = false, level: Logger.Level = .notice,
                        into lines: Lines) -> Logger {
        Logger(label: "postbatch") { label in
            ConsoleLogHandler(label: label, level: level, format: format, colour: colour,
                              now: { Date(timeIntervalSince1970: 1_800_000_000) }) { lines.append($0) }
        }
    }

    @Test("text: postbatch: level: message (key=value, …), sorted keys, below the level dropped")
    func text() {
        let lines = Lines()
        let logger = logger(.text, into: lines)
        logger.info("not shown")
        logger.warning("letters were rendered by the reference renderer", metadata: ["letters": "3", "batch": "a/b"])
        #expect(lines.all == ["postbatch: warning: letters were rendered by the reference renderer (batch=a/b, letters=3)"])
    }

    @Test("colour only on the level word, and only when asked for")
    func colour() {
        let lines = Lines()
        logger(.text, colour: true, into: lines).error("failed")
        logger(.text, colour: false, into: lines).error("failed")
        #expect(lines.all == ["postbatch: \u{1B}[31merror\u{1B}[0m: failed", "postbatch: error: failed"])
    }

    @Test("json: one object per line that parses, with time, level, message and metadata")
    func json() throws {
        let lines = Lines()
        logger(.json, colour: true, level: .debug, into: lines)
            .debug("batch written", metadata: ["batch": "digital/2021-10-06/0001", "letters": "500"])
        let line = try #require(lines.all.first)
        #expect(!line.contains("\n") && !line.contains("\u{1B}"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "debug")
        #expect(object["message"] as? String == "batch written")
        #expect(object["label"] as? String == "postbatch")
        #expect(object["time"] as? String == "2027-01-15T08:00:00Z")
        #expect(object["metadata"] as? [String: String] == ["batch": "digital/2021-10-06/0001", "letters": "500"])
    }
}
