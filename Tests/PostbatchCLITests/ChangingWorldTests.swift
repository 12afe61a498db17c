import Foundation
import Testing
import PostbatchTesting

/// Issue 12: a run against a world that changes under it. Each case ends with a clear
/// message and a defined exit code, and loses nothing.
@Suite("A changing world", .serialized)
struct ChangingWorldTests {
    static let now = "2021-10-01T08:00:00Z"

    /// Starts `run` in the background and waits until its first pass is done (the journal's
    /// run record exists), then calls `change` and waits for the run to end.
    static func runChanging(_ csv: URL, spool: URL, extra: [String] = [],
                            change: () throws -> Void) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", csv.path, "--spool", spool.path, "--now", now, "--workers", "1"] + extra
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: spool.appendingPathComponent(".journal/run.json").path),
              process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        try change()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stderr)
    }

    /// Overwrites the file's bytes in place (same inode), as an editor saving over it would.
    static func overwrite(_ file: URL, with data: Data) throws {
        let handle = try FileHandle(forWritingTo: file)
        try handle.write(contentsOf: data)
        try handle.truncate(atOffset: UInt64(data.count))
        try handle.close()
    }

    @Test("an input edited in place during the run: input_changed, nothing of it written; the original finishes the run",
          arguments: ["edit", "append"])
    func inputChanged(kind: String) throws {
        let directory = try Scratch.folder("cli")
        let csv = try CLI.generate(["--count", "2500", "--seed", "12"], into: directory)
        let original = try Data(contentsOf: csv)
        let text = String(decoding: original, as: UTF8.self)
        let header = text.prefix { $0 != "\n" }
        let changed = kind == "edit"
            ? Data((header + text.dropFirst(header.count).replacingOccurrences(of: "a", with: "o")).utf8)
            : original + Data(text.split(separator: "\n").dropFirst().prefix(50).map { line in
                // New people: their CPR numbers exist nowhere in the original.
                "99" + line.dropFirst(2) }.joined(separator: "\n").utf8) + Data("\n".utf8)
        #expect(changed.count >= original.count)

        let spool = directory.appendingPathComponent("spool")
        let result = try Self.runChanging(csv, spool: spool) { try Self.overwrite(csv, with: changed) }
        #expect(result.status == 2 || result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("[input_changed]"), "\(result.stderr)")
        // Whatever was written validates and is resumable with the original file.
        try Self.overwrite(csv, with: original)
        let resumed = try CLI.run(["run", csv.path, "--spool", spool.path, "--now", Self.now])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let reference = directory.appendingPathComponent("reference")
        #expect(try CLI.run(["run", csv.path, "--spool", reference.path, "--now", Self.now]).status == 0)
        #expect(try Spool.files(spool) == (try Spool.files(reference)))
        #expect(try CLI.run(["verify", spool.path]).status == 0)
    }
}
