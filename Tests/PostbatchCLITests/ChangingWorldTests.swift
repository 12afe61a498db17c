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

    /// A finished spool of a generated input, and a copy of it to compare with.
    static func finishedSpool(count: Int = 1200, seed: Int = 3) throws -> (directory: URL, csv: URL, spool: URL, reference: [String: Data]) {
        let directory = try Scratch.folder("cli")
        let csv = try CLI.generate(["--count", "\(count)", "--seed", "\(seed)"], into: directory)
        let spool = directory.appendingPathComponent("spool")
        let first = try CLI.run(["run", csv.path, "--spool", spool.path, "--now", now])
        #expect(first.status == 0, "\(first.stderr)")
        return (directory, csv, spool, try Spool.files(spool))
    }

    static func files(under folder: URL, suffix: String) -> [URL] {
        (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(suffix) }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test("a re-run checks what the journal claims: a deleted or edited envelope and a junk journal line are repaired")
    func rerunRepairs() throws {
        let (_, csv, spool, reference) = try Self.finishedSpool()
        let envelopes = Self.files(under: spool.appendingPathComponent("digital"), suffix: ".xml")
        try FileManager.default.removeItem(at: envelopes[3])
        let edited = envelopes[700]
        try Data("<memo:Message/>".utf8).write(to: edited)
        let segments = Self.files(under: spool.appendingPathComponent(".journal/batches"), suffix: ".csv")
        let junk = try #require(segments.last)
        let handle = try FileHandle(forWritingTo: junk)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("junk,line\n".utf8))
        try handle.close()

        let again = try CLI.run(["run", csv.path, "--spool", spool.path, "--now", Self.now])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("repaired 3 recorded batches"), "\(again.stderr)")
        #expect(again.stderr.contains("1 file missing, 1 with the wrong size, 1 bad journal record"), "\(again.stderr)")
        #expect(try Spool.files(spool) == reference)
        #expect(!(try String(contentsOf: spool.appendingPathComponent("manifest.csv"), encoding: .utf8)).contains("junk"))
        #expect(try CLI.run(["run", csv.path, "--spool", spool.path, "--now", Self.now]).stderr.contains("nothing new"))
    }

    @Test("--force-new-run refuses a folder that holds anything a spool is not made of, and lists it")
    func forceNewRunRefusesForeignFiles() throws {
        let directory = try Scratch.folder("cli")
        let csv = try CLI.generate(["--count", "50", "--seed", "4"], into: directory)
        let documents = directory.appendingPathComponent("Documents")
        try FileManager.default.createDirectory(at: documents.appendingPathComponent("digital/photos"),
                                                withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: documents.appendingPathComponent("thesis.txt"))
        try Data("mine".utf8).write(to: documents.appendingPathComponent("digital/photos/cat.jpg"))
        let result = try CLI.run(["run", csv.path, "--spool", documents.path, "--force-new-run"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("[spool_not_empty]"), "\(result.stderr)")
        #expect(result.stderr.contains("digital/photos/") && result.stderr.contains("thesis.txt"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: documents.appendingPathComponent("thesis.txt").path))
        #expect(FileManager.default.fileExists(atPath: documents.appendingPathComponent("digital/photos/cat.jpg").path))

        // A finished spool with one stray file of the user's is refused the same way.
        let (_, other, spool, _) = try Self.finishedSpool(count: 100, seed: 5)
        try Data("notes".utf8).write(to: spool.appendingPathComponent("notes.txt"))
        let refused = try CLI.run(["run", other.path, "--spool", spool.path, "--force-new-run"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("notes.txt"), "\(refused.stderr)")
        #expect(FileManager.default.fileExists(atPath: spool.appendingPathComponent("manifest.csv").path))
    }

    @Test("a kill during --force-new-run leaves a journal that says abandoned; the next run rebuilds, never 'nothing new'")
    func abandonedJournal() throws {
        let (_, csv, spool, reference) = try Self.finishedSpool()
        // The state a kill leaves after the journal was marked and half the envelopes were deleted.
        let record = spool.appendingPathComponent(".journal/run.json")
        let text = try String(contentsOf: record, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"complete\" : true", with: "\"abandoned\" : true,\n  \"complete\" : false").utf8)
            .write(to: record)
        #expect(try String(contentsOf: record, encoding: .utf8).contains("abandoned"))
        for envelope in Self.files(under: spool.appendingPathComponent("digital"), suffix: ".xml").prefix(600) {
            try FileManager.default.removeItem(at: envelope)
        }
        let again = try CLI.run(["run", csv.path, "--spool", spool.path, "--now", Self.now])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stderr.contains("nothing new"))
        #expect(try Spool.files(spool) == reference)
    }

    @Test("a CPR number typed into a name or address is masked in every preview format", arguments: ["text", "xml", "pdf"])
    func cprInName(format: String) throws {
        let directory = try Scratch.folder("cli")
        let header = "cpr;name;co_name;street;postal_code;city;country;cpr_status;address_protected;has_online_banking;needs_id_update;has_key_app;digital_post_exempt;language"
        let rows = ["0707077077;Ole 0101601234 Olsen;c/o 020260-4321;Gade 1;1620;By;;01;;ja;nej;;ja;",
                    "0808087088;Eva 3112991234;;Gade 2;1620;By;;01;;ja;nej;;;"]
        let csv = directory.appendingPathComponent("records.csv")
        try Data((([header] + rows).joined(separator: "\n") + "\n").utf8).write(to: csv)
        let out = directory.appendingPathComponent("previews")
        let result = try CLI.run(["preview", csv.path, "--format", format, "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        var shown = result.stdout + result.stderr
        for file in (FileManager.default.enumerator(atPath: out.path)?.allObjects as? [String] ?? []) {
            let url = out.appendingPathComponent(file)
            if file.hasSuffix(".pdf") {
                shown += try CLI.execute(URL(fileURLWithPath: "/usr/bin/pdftotext"), [url.path, "-"]).stdout
            } else {
                shown += String(decoding: try Data(contentsOf: url), as: UTF8.self)
            }
        }
        for number in ["0101601234", "010160-1234", "0202604321", "020260-4321", "3112991234", "0707077077", "0808087088"] {
            #expect(!shown.contains(number), "\(number) shown in the \(format) preview")
        }
        #expect(shown.contains("010160-XXXX"), "\(shown.prefix(400))")
    }

    @Test("a stray quote that joins records is reported with its lines; --strict refuses the input")
    func strayQuote() throws {
        let directory = try Scratch.folder("cli")
        var lines = ["cpr;navn;netbank;skal_opdatere_id"]
        for index in 1...30 { lines.append("\(String(format: "%02d", index % 28 + 1))0160\(String(format: "%04d", index));Person \(index);ja;nej") }
        lines[6] = lines[6].replacingOccurrences(of: ";Person 6;", with: ";\"Person 6;")    // line 7 opens a quote
        lines[29] = lines[29].replacingOccurrences(of: ";Person 29;", with: ";Person 29\";")  // line 30 closes it
        let csv = directory.appendingPathComponent("records.csv")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: csv)

        let stats = try CLI.run(["stats", csv.path, "--format", "json"])
        #expect(stats.status == 0)
        #expect(stats.stderr.contains("warning") && stats.stderr.contains("lines 7–30"), "\(stats.stderr)")
        // stats --format json keeps to SPEC §5's counts; the note goes to standard error.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect(object["notes"] == nil)

        let spool = directory.appendingPathComponent("spool")
        let strict = try CLI.run(["run", csv.path, "--spool", spool.path, "--strict"])
        #expect(strict.status == 2)
        #expect(strict.stderr.contains("[quoted_line_break]"), "\(strict.stderr)")
        #expect(!FileManager.default.fileExists(atPath: spool.path))

        let lenient = try CLI.run(["run", csv.path, "--spool", spool.path])
        #expect(lenient.status == 0, "\(lenient.stderr)")
        let report = try String(contentsOf: spool.appendingPathComponent("report.json"), encoding: .utf8)
        #expect(report.contains("\"notes\"") && report.contains("lines 7–30"))
        #expect(try CLI.run(["verify", spool.path]).status == 0)
    }

    @Test("a standard-input run: SIGINT stops it within a second while the producer is silent; no copy of the input stays")
    func standardInput() throws {
        let directory = try Scratch.folder("cli")
        let csv = try CLI.generate(["--count", "300", "--seed", "6"], into: directory)
        let spool = directory.appendingPathComponent("spool")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", "-", "--spool", spool.path]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Half the input, then silence with the pipe held open.
        let bytes = try Data(contentsOf: csv)
        try input.fileHandleForWriting.write(contentsOf: bytes.prefix(bytes.count / 2))
        // The run has started (its signal handlers are in place) once it keeps its journal;
        // on a loaded machine that can take longer than a fixed pause.
        let copy = spool.appendingPathComponent(".journal")
        let started = Date()
        while !FileManager.default.fileExists(atPath: copy.path), Date().timeIntervalSince(started) < 20 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, SIGINT)
        let start = Date()
        while process.isRunning, Date().timeIntervalSince(start) < 5 { Thread.sleep(forTimeInterval: 0.02) }
        let stopped = !process.isRunning
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(stopped && Date().timeIntervalSince(start) < 2, "still running \(Date().timeIntervalSince(start)) s after SIGINT")
        #expect(process.terminationStatus == 130)
        let left = (FileManager.default.enumerator(atPath: copy.path)?.allObjects as? [String] ?? [])
        #expect(!left.contains { $0.hasPrefix("input.csv") || $0.contains(".input.csv") }, "\(left)")

        // A whole standard-input run keeps no copy either, and a second one says nothing new.
        let whole = try CLI.run(["run", "-", "--spool", spool.path, "--now", Self.now], stdin: bytes)
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(!FileManager.default.fileExists(atPath: spool.appendingPathComponent(".journal/input.csv").path))
        #expect(try CLI.run(["run", "-", "--spool", spool.path, "--now", Self.now], stdin: bytes).stderr.contains("nothing new"))
    }

    @Test("a refused re-run names what differs from the run the spool holds")
    func refusalNamesDifference() throws {
        let (directory, csv, spool, _) = try Self.finishedSpool(count: 100, seed: 7)
        let container = try CLI.run(["run", csv.path, "--spool", spool.path, "--container", "tar.lzma", "--now", Self.now])
        #expect(container.status == 2)
        #expect(container.stderr.contains("what differs: --container, --per-container, --lzma-encoder, --lzma-level;"),
                "\(container.stderr)")
        let other = try CLI.generate(["--count", "100", "--seed", "8"], into: directory, name: "other.csv")
        let input = try CLI.run(["run", other.path, "--spool", spool.path, "--now", Self.now])
        #expect(input.status == 2)
        #expect(input.stderr.contains("what differs: input;"), "\(input.stderr)")
    }

    @Test("--force-new-run refuses a spool that went to Digital Post (it has a delivery ledger)")
    func forceNewRunKeepsDeliveredSpools() throws {
        let (directory, _, spool, reference) = try Self.finishedSpool(count: 100, seed: 9)
        try FileManager.default.createDirectory(at: spool.appendingPathComponent(".delivery"), withIntermediateDirectories: true)
        let other = try CLI.generate(["--count", "100", "--seed", "10"], into: directory, name: "other.csv")
        let result = try CLI.run(["run", other.path, "--spool", spool.path, "--force-new-run"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("delivery ledger"), "\(result.stderr)")
        #expect(try Spool.files(spool).filter { !$0.key.hasPrefix(".delivery") } == reference)
    }
}
