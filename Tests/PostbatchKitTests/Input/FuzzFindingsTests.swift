import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting
#if canImport(Glibc)
import Glibc
#endif

/// Regression tests for what `make fuzz` found (Fuzz/): each input as the fuzzer
/// reduced it, fed the way that failed.
@Suite("Fuzz findings")
struct FuzzFindingsTests {
    /// Classifies bytes written to a FIFO in pieces, with a pause after each, so
    /// the reader's reads end where the pieces do (as with a slow pipe on stdin).
    static func statisticsThroughFIFO(_ pieces: [[UInt8]]) throws -> Statistics {
        let directory = try Scratch.folder("input")
        let path = directory.appendingPathComponent("input.fifo").path
        #expect(mkfifo(path, 0o600) == 0)
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            for piece in pieces {
                handle.write(Data(piece))
                usleep(50_000)
            }
            try? handle.close()
        }
        writer.start()
        let classifier = try InputClassifier(path: path, schedule: TestInput.schedule)
        return try classifier.tally()
    }

    @Test("a BOM split over the first reads of a pipe is still skipped")
    func bomSplitOverReads() throws {
        let text = Array((TestInput.header + "\n" + TestInput.row() + "\n").utf8)
        // Fuzz input 01 EF BB BF: a BOM-only file read one byte at a time was
        // missing_column ("\u{FEFF}" as the header) instead of empty_input.
        let statistics = try Self.statisticsThroughFIFO([[0xEF], [0xBB], [0xBF] + text])
        #expect(statistics.records == 1)
        #expect(statistics.totalLetters == 1)
        do {
            _ = try Self.statisticsThroughFIFO([[0xEF], [0xBB, 0xBF]])
            Issue.record("a BOM-only input was read")
        } catch let error as InputError {
            #expect(error.code == .empty)
        }
    }

    @Test("a CRLF inside quotes that a chunk boundary splits counts as one line")
    func quotedCRLFAcrossChunks() throws {
        // Found by the fuzzer (reads of 3, 11, 6, … bytes): a quoted CR at the end of
        // a chunk and its LF at the start of the next counted two lines, so every later
        // line number (reject files, not_utf8 errors) was one too high. In a file this
        // happens at each MiB.
        let head = TestInput.header + "\n0707077077;Anna;\""
        let padding = CSVReader.chunkSize - head.utf8.count - 1
        let text = head + String(repeating: "x", count: padding) + "\r\nbagdør\";Gade 1;1620;By;;01;;ja;nej;;;\n"
            + TestInput.row(cpr: "12") + "\n"
        let outcomes = try TestInput.outcomes(text)
        #expect(outcomes.map(\.line) == [2, 4])
        #expect(outcomes.map(\.rejectionCode) == [nil, .invalidCPR])
        // And split by a pipe's reads, between the CR and the LF.
        let bytes = Array(("x;cpr;name;netbank;skal_opdatere_id\n\"a\r\nb\";0101011234;A;ja;nej\n1;2;3;4;5\n").utf8)
        let split = bytes.firstIndex(of: 0x0D)! + 1
        let statistics = try Self.statisticsThroughFIFO([Array(bytes[..<split]), Array(bytes[split...])])
        #expect(statistics.records == 2)
    }
}
