import Foundation
import Testing
@testable import PostbatchKit
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
        let directory = try TestInput.temporaryDirectory()
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
}
