import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

/// The second pass proves it reads what the first pass classified.
@Suite("Input fingerprints")
struct InputFingerprintsTests {
    /// Runs the first pass over `first`, then reads `second` as the second pass would,
    /// checking every record; returns the error the check threw, if any, and the lines read.
    static func secondPass(first: String, second: String) throws -> (error: RunError?, linesChecked: [Int]) {
        let spool = try Scratch.folder("fingerprints").appendingPathComponent("spool").path
        let journal = try RunJournal(spool: SpoolDirectory(path: spool))
        let input = try TestInput.file(first)
        let staged = try StagedInput.read(options: RunOptions(input: input, spool: spool), schedule: TestInput.schedule,
                                          batchSize: 1000, journal: journal)
        try staged.commit()
        try Data(second.utf8).write(to: URL(fileURLWithPath: input))
        let fingerprints = try InputFingerprints(journal: journal)
        let classifier = try InputClassifier(path: input, schedule: TestInput.schedule, observer: fingerprints.observe)
        var lines: [Int] = []
        do {
            while let (outcome, fingerprint) = try classifier.nextFingerprinted() {
                try fingerprints.check(fingerprint, line: outcome.line)
                lines.append(outcome.line)
            }
            try fingerprints.finish(expectedSHA256: staged.pass.inputSHA256)
            return (nil, lines)
        } catch let error as RunError {
            return (error, lines)
        }
    }

    static let rows = (0..<6).map { TestInput.row(cpr: SampleGenerator.cpr(for: $0, hyphen: false), name: "Anna Berg \($0)") }

    @Test("the same bytes pass")
    func same() throws {
        let text = TestInput.csv(Self.rows[0], Self.rows[1], Self.rows[2])
        let (error, lines) = try Self.secondPass(first: text, second: text)
        #expect(error == nil)
        #expect(lines == [2, 3, 4])
    }

    @Test("an edited name stops at its line, before that record is used")
    func edited() throws {
        let text = TestInput.csv(Self.rows[0], Self.rows[1], Self.rows[2])
        let edited = text.replacingOccurrences(of: "Anna Berg 1", with: "Onno Berg 1")
        #expect(edited.utf8.count == text.utf8.count)
        let (error, lines) = try Self.secondPass(first: text, second: edited)
        #expect(error?.code == .inputChanged)
        #expect(error?.detail.contains("line 3 differs") == true, "\(error?.detail ?? "")")
        #expect(lines == [2])
    }

    @Test("appended rows stop at the first new line")
    func appended() throws {
        let text = TestInput.csv(Self.rows[0], Self.rows[1])
        let (error, lines) = try Self.secondPass(first: text, second: text + Self.rows[3] + "\n")
        #expect(error?.code == .inputChanged)
        #expect(error?.detail.contains("line 4 was not in the input") == true, "\(error?.detail ?? "")")
        #expect(lines == [2, 3])
    }

    @Test("a cut file is found at the end")
    func cut() throws {
        let text = TestInput.csv(Self.rows[0], Self.rows[1], Self.rows[2])
        let (error, lines) = try Self.secondPass(first: text, second: TestInput.csv(Self.rows[0], Self.rows[1]))
        #expect(error?.code == .inputChanged)
        #expect(error?.detail.contains("ended early") == true)
        #expect(lines == [2, 3])
    }

    @Test("a change that keeps every record but not every byte is found by the hash")
    func trailingBytes() throws {
        let text = TestInput.csv(Self.rows[0], Self.rows[1])
        let (error, _) = try Self.secondPass(first: text, second: text + "\n\n")
        #expect(error?.code == .inputChanged)
        #expect(error?.detail.contains("SHA-256") == true, "\(error?.detail ?? "")")
    }
}
