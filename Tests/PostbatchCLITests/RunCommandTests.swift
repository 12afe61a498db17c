import Foundation
import Testing
import PostbatchTesting

/// Where the schemas are: `schemas/` in the repository, as the product ships them.
enum Schemas {
    static let folder = CLI.root.appendingPathComponent("schemas")
    static let memo12 = folder.appendingPathComponent("memo/v1.2/Version1.2/MeMo_core.xsd").path
    static let memo11 = folder.appendingPathComponent("memo/v1.1/MeMo_core.xsd").path
    static let paper = folder.appendingPathComponent("fjernprint/wrapper-ForsendelseI.xsd").path

    static func require() throws {
        try #require(FileManager.default.fileExists(atPath: memo12),
                     "the schemas are expected in schemas/ of the repository (\(folder.path))")
    }
}

/// Reading a spool back.
enum Spool {
    /// Every regular file under the folder, relative path → bytes (without the lock file);
    /// report.html without the facts of one attempt (duration, fallbacks: `class="attempt"`),
    /// the one part of a spool that differs between two runs, and so without the page's
    /// SHA-256 in the journal's run record (`verify` checks that one).
    static func files(_ root: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: root.path)
        while let relative = walker?.nextObject() as? String {
            let url = root.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  relative != ".lock"
            else { continue }
            out[relative] = try Data(contentsOf: url)
        }
        if let page = out["report.html"] {
            let text = String(decoding: page, as: UTF8.self)
                .replacingOccurrences(of: #"<dt class="attempt">[^<]*</dt><dd class="attempt">[^<]*</dd>"#, with: "",
                                      options: .regularExpression)
            out["report.html"] = Data(text.utf8)
        }
        if let record = out[".journal/run.json"] {
            let text = String(decoding: record, as: UTF8.self)
                .replacingOccurrences(of: #""reportHTMLSHA256" : "[0-9a-f]{64}""#, with: #""reportHTMLSHA256" : "…""#,
                                      options: .regularExpression)
            out[".journal/run.json"] = Data(text.utf8)
        }
        return out
    }

    static func report(_ root: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent("report.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func lines(_ file: URL) throws -> [Substring] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").dropFirst().map { $0 }
    }
}

@Suite("postbatch run", .serialized)
struct RunCommandTests {
    let now = "2021-10-01T08:00:00Z"

    func input(count: Int = 300, seed: Int = 21, defectRate: String = "0.1", in directory: URL) throws -> URL {
        try CLI.generate(["--count", "\(count)", "--seed", "\(seed)", "--defect-rate", defectRate], into: directory)
    }

    @Test("paper letters need the print supplier's settings: without them the run is refused and writes nothing")
    func printSettingsRequired() throws {
        let directory = try Scratch.folder("cli")
        let templates = directory.appendingPathComponent("templates")
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("templates"), to: templates)
        let file = templates.appendingPathComponent("campaign.toml")
        var lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        lines.removeAll { $0 == "[print]" || $0.hasPrefix("shipment_type") || $0.hasPrefix("receipts") }
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)

        let paper = CLI.root.appendingPathComponent("samples/letters.csv")
        let spool = directory.appendingPathComponent("spool")
        let refused = try CLI.run(["run", paper.path, "--spool", spool.path, "--campaign", file.path, "--now", now])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("print.shipment_type") && refused.stderr.contains("print.receipts"),
                "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: spool.path))

        // Digital letters only: the settings are not needed.
        let digitalOnly = directory.appendingPathComponent("digital.csv")
        let rows = try String(contentsOf: paper, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasSuffix(";ja;da") && !$0.hasSuffix(";ja;en") }
        try (rows.joined(separator: "\n") + "\n").write(to: digitalOnly, atomically: true, encoding: .utf8)
        let fine = try CLI.run(["run", digitalOnly.path, "--spool", spool.path, "--campaign", file.path, "--now", now])
        #expect(fine.status == 0, "\(fine.stderr)")
    }

    @Test("the spool holds one valid envelope per letter, and the lists hold the rest")
    func spoolMatchesReport() throws {
        try Schemas.require()
        let directory = try Scratch.folder("cli")
        let csv = try input(count: 600, in: directory)
        let spool = directory.appendingPathComponent("spool")
        let result = try CLI.run(["run", csv.path, "--spool", spool.path, "--now", now])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Spool.report(spool)
        let letters = try #require(report["letters"] as? [String: Any])
        let byChannel = try #require(letters["by_channel"] as? [String: Int])
        let byDate = try #require(letters["by_date"] as? [String: Int])
        let files = try Spool.files(spool)
        for channel in ["digital", "print"] {
            let count = files.keys.filter { $0.hasPrefix("\(channel)/") && $0.hasSuffix(".xml") }.count
            #expect(count == byChannel[channel])
        }
        for (date, count) in byDate {
            #expect(files.keys.filter { $0.contains("/\(date)/") && $0.hasSuffix(".xml") }.count == count)
        }
        // Manifest: one line per envelope, sizes and digests right.
        let manifest = try Spool.lines(spool.appendingPathComponent("manifest.csv"))
        #expect(manifest.count == letters["total"] as? Int)
        #expect(Set(manifest.map { $0.split(separator: ",")[0] }).count == manifest.count)
        for line in manifest.prefix(50) {
            let fields = line.split(separator: ",").map(String.init)
            let data = try #require(files[fields[7]])
            #expect(data.count == Int(fields[5]))
            #expect(fields[7].hasSuffix("\(fields[0]).xml"))
        }
        // Rejects and skipped: one line per record, in the counts of the report.
        let rejected = try #require((report["rejected"] as? [String: Any])?["total"] as? Int)
        let skipped = try #require((report["skipped"] as? [String: Any])?["total"] as? Int)
        #expect(try Spool.lines(spool.appendingPathComponent("rejects.csv")).filter { $0.first?.isNumber == true }.count == rejected)
        #expect(try Spool.lines(spool.appendingPathComponent("skipped.csv")).count == skipped)
        // The run's reject list is the one `stats --rejects` writes.
        let statsRejects = directory.appendingPathComponent("stats-rejects.csv")
        #expect(try CLI.run(["stats", csv.path, "--rejects", statsRejects.path]).status == 0)
        #expect(try Data(contentsOf: statsRejects) == (try Data(contentsOf: spool.appendingPathComponent("rejects.csv"))))
        // Every envelope validates, with postbatch and with xmllint.
        let validate = try CLI.run(["validate", spool.path, "--schema", Schemas.memo12, "--schema", Schemas.paper])
        #expect(validate.status == 0, "\(validate.stdout)")
        #expect(validate.stdout.contains("checked \(letters["total"] as? Int ?? -1) envelopes: 0 failed"))
        let digital = files.keys.filter { $0.hasPrefix("digital/") }.prefix(40).map { spool.appendingPathComponent($0).path }
        let paper = files.keys.filter { $0.hasPrefix("print/") }.prefix(40).map { spool.appendingPathComponent($0).path }
        let xmllint = URL(fileURLWithPath: "/usr/bin/xmllint")
        #expect(try CLI.execute(xmllint, ["--noout", "--nonet", "--schema", Schemas.memo12] + digital).status == 0)
        #expect(try CLI.execute(xmllint, ["--noout", "--nonet", "--schema", Schemas.paper] + paper).status == 0)
        // verify agrees, and the HTML report is there.
        let verify = try CLI.run(["verify", spool.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(files["report.html"] != nil)
        // Private: folders 0700, files 0600.
        let walker = FileManager.default.enumerator(atPath: spool.path)
        while let relative = walker?.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: spool.appendingPathComponent(relative).path)
            let mode = attributes[.posixPermissions] as? Int
            let isDirectory = attributes[.type] as? FileAttributeType == .typeDirectory
            #expect(mode == (isDirectory ? 0o700 : 0o600), "\(relative)")
        }
    }

    @Test("two runs give byte-identical spools; a second run over the same spool adds nothing")
    func deterministicAndOnce() throws {
        let directory = try Scratch.folder("cli")
        let csv = try input(in: directory)
        let first = directory.appendingPathComponent("a")
        let second = directory.appendingPathComponent("b")
        #expect(try CLI.run(["run", csv.path, "--spool", first.path, "--now", now]).status == 0)
        #expect(try CLI.run(["run", csv.path, "--spool", second.path, "--now", now, "--workers", "1"]).status == 0)
        // Byte for byte, but for the attempt's own facts on the report page.
        let a = try Spool.files(first)
        #expect(a == (try Spool.files(second)))
        let page = try String(contentsOf: first.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("<dt class=\"attempt\">Varighed (dette forsøg)</dt><dd class=\"attempt\">0:"),
                "the Danish page shows the duration")
        let again = try CLI.run(["run", csv.path, "--spool", first.path, "--now", now])
        #expect(again.status == 0)
        #expect(again.stderr.contains("nothing new"))
        #expect(try Spool.files(first) == a)
    }

    @Test("a spool of other input is refused with exit 2, unless --force-new-run")
    func otherInputRefused() throws {
        let directory = try Scratch.folder("cli")
        let csv = try input(in: directory)
        let other = try CLI.generate(["--count", "100", "--seed", "5"], into: directory, name: "other.csv")
        let spool = directory.appendingPathComponent("spool")
        #expect(try CLI.run(["run", csv.path, "--spool", spool.path]).status == 0)
        let before = try Spool.files(spool)
        let refused = try CLI.run(["run", other.path, "--spool", spool.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--force-new-run"))
        #expect(try Spool.files(spool) == before)
        let forced = try CLI.run(["run", other.path, "--spool", spool.path, "--force-new-run"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try Spool.report(spool)["records"] as? Int == 100)
    }

    @Test("a run killed at many points and started again ends with the same spool", arguments: [0, 1])
    func killedRuns(container: Int) throws {
        let directory = try Scratch.folder("cli")
        let csv = try input(count: 400, in: directory)
        let extra = container == 1 ? ["--container", "tar.lzma", "--per-container", "40"] : []
        let reference = directory.appendingPathComponent("reference")
        #expect(try CLI.run(["run", csv.path, "--spool", reference.path, "--now", now] + extra).status == 0)
        let expected = try Spool.files(reference)

        let spool = directory.appendingPathComponent("killed")
        let arguments = ["run", csv.path, "--spool", spool.path, "--now", now] + extra
        var killed = 0
        for step in 0..<20 {
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = arguments
            process.currentDirectoryURL = CLI.root
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: 0.02 + Double(step % 10) * 0.03)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
        }
        #expect(killed > 5, "the runs finished before they could be killed")
        let finish = try CLI.run(arguments)
        #expect(finish.status == 0, "\(finish.stderr)")
        let actual = try Spool.files(spool)
        #expect(Set(actual.keys) == Set(expected.keys))
        for (path, data) in expected where actual[path] != data {
            Issue.record("\(path) differs from an uninterrupted run's")
        }
        #expect(!actual.keys.contains { ($0 as NSString).lastPathComponent.contains(".tmp-") })
    }

    @Test("the union of the shard spools holds a single run's envelopes, file by file")
    func shards() throws {
        let directory = try Scratch.folder("cli")
        let csv = try input(count: 400, in: directory)
        let whole = directory.appendingPathComponent("whole")
        #expect(try CLI.run(["run", csv.path, "--spool", whole.path, "--now", now]).status == 0)
        let envelopes = { (files: [String: Data]) in files.filter { $0.key.hasSuffix(".xml") } }
        var union: [String: Data] = [:]
        for index in 1...3 {
            let spool = directory.appendingPathComponent("shard-\(index)")
            let result = try CLI.run(["run", csv.path, "--spool", spool.path, "--now", now, "--shard", "\(index)/3"])
            #expect(result.status == 0, "\(result.stderr)")
            let part = envelopes(try Spool.files(spool))
            #expect(!part.isEmpty)
            let verify = try CLI.run(["verify", spool.path])
            #expect(verify.status == 0, "\(verify.stdout)")
            #expect(Set(part.keys).isDisjoint(with: union.keys))
            union.merge(part) { first, _ in first }
        }
        #expect(union == envelopes(try Spool.files(whole)))
    }

    @Test("--dry-run writes nothing and prints the report")
    func dryRun() throws {
        let directory = try Scratch.folder("cli")
        let csv = try input(in: directory)
        let spool = directory.appendingPathComponent("spool")
        let result = try CLI.run(["run", csv.path, "--spool", spool.path, "--dry-run"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("1 bank"))
        #expect(!FileManager.default.fileExists(atPath: spool.path))
        #expect(try CLI.run(["run", csv.path, "--dry-run"]).status == 0)
    }

    @Test("MeMo 1.1 envelopes validate against the 1.1 schema; an unknown version is exit 2")
    func memoVersions() throws {
        try Schemas.require()
        let directory = try Scratch.folder("cli")
        let csv = try input(count: 100, in: directory)
        let spool = directory.appendingPathComponent("spool")
        #expect(try CLI.run(["run", csv.path, "--spool", spool.path, "--memo-version", "1.1"]).status == 0)
        let validate = try CLI.run(["validate", spool.path, "--schema", Schemas.memo11])
        #expect(validate.status == 0, "\(validate.stdout)")
        // Without --schema: the shipped schemas, 1.1 for these messages, run from another folder.
        let shipped = try CLI.run(["validate", spool.path], in: directory)
        #expect(shipped.status == 0, "\(shipped.stdout)\(shipped.stderr)")
        #expect(shipped.stdout.contains("digital (MeMo 1.1) envelopes against \(Schemas.memo11)"), "\(shipped.stdout)")
        #expect(!shipped.stdout.contains("not checked"))
        let bad = try CLI.run(["run", csv.path, "--spool", directory.appendingPathComponent("x").path, "--memo-version", "2.0"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--memo-version"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x").path))
    }

    @Test("tar.lzma containers hold every envelope of the manifest, at most --per-container each")
    func containers() throws {
        try Schemas.require()
        let directory = try Scratch.folder("cli")
        let csv = try input(count: 300, in: directory)
        let spool = directory.appendingPathComponent("spool")
        #expect(try CLI.run(["run", csv.path, "--spool", spool.path, "--container", "tar.lzma", "--per-container", "30"]).status == 0)
        let manifest = try Spool.lines(spool.appendingPathComponent("manifest.csv"))
        let containers = Set(manifest.map { String($0.split(separator: ",")[7]) })
        var entries = 0
        for container in containers {
            #expect(container.hasSuffix(".tar.lzma"))
            let listing = try CLI.execute(URL(fileURLWithPath: "/usr/bin/tar"), ["--lzma", "-tf", spool.appendingPathComponent(container).path])
            let names = listing.stdout.split(separator: "\n")
            #expect(names.count <= 30)
            entries += names.count
        }
        #expect(entries == manifest.count)
        let validate = try CLI.run(["validate", spool.path, "--schema", Schemas.memo12, "--schema", Schemas.paper])
        #expect(validate.status == 0, "\(validate.stdout)")
    }

    @Test("postbatch's LZMA encoder and liblzma's give containers with the same tars; bad choices are usage errors")
    func lzmaEncoders() throws {
        let directory = try Scratch.folder("cli")
        let csv = try input(count: 200, in: directory)
        var tars: [String: [String: String]] = [:]
        for (name, flags) in [("postbatch", [String]()), ("liblzma", ["--lzma-encoder", "liblzma"]),
                              ("level", ["--lzma-level", "0"])] {
            let spool = directory.appendingPathComponent("spool-\(name)")
            let run = try CLI.run(["run", csv.path, "--spool", spool.path, "--container", "tar.lzma",
                                   "--per-container", "40", "--now", "2021-10-01T08:00:00Z"] + flags)
            #expect(run.status == 0, "\(run.stderr)")
            let manifest = try Spool.lines(spool.appendingPathComponent("manifest.csv"))
            var contents: [String: String] = [:]
            for container in Set(manifest.map { String($0.split(separator: ",")[7]) }) {
                // xz itself reads the stream: the bytes of the tar, not just its listing, must agree.
                let tar = try CLI.execute(URL(fileURLWithPath: "/usr/bin/xz"),
                                          ["--format=lzma", "-dc", spool.appendingPathComponent(container).path])
                #expect(tar.status == 0, "\(container): \(tar.stderr)")
                contents[container] = tar.stdout
            }
            #expect(contents.count >= 4)
            tars[name] = contents
        }
        // The run's identity names the encoder, so the paper envelopes' mass-mailing id differs;
        // the digital containers must hold the very same tars.
        let digital = { (all: [String: String]) in all.filter { $0.key.hasPrefix("digital/") } }
        #expect(!digital(tars["postbatch"] ?? [:]).isEmpty)
        #expect(digital(tars["postbatch"] ?? [:]) == digital(tars["liblzma"] ?? [:]))
        #expect(digital(tars["postbatch"] ?? [:]) == digital(tars["level"] ?? [:]))

        for flags in [["--lzma-encoder", "zstd"], ["--lzma-encoder", "postbatch", "--lzma-level", "3"],
                      ["--lzma-level", "10"]] {
            let spool = directory.appendingPathComponent("refused")
            let bad = try CLI.run(["run", csv.path, "--spool", spool.path, "--container", "tar.lzma"] + flags)
            #expect(bad.status == 2, "\(flags)")
            #expect(bad.stderr.contains("--lzma-"), "\(flags): \(bad.stderr)")
            #expect(!FileManager.default.fileExists(atPath: spool.path))
        }
    }

    @Test("input errors are exit 2 and create no spool")
    func inputErrors() throws {
        let directory = try Scratch.folder("cli")
        let bad = directory.appendingPathComponent("bad.csv")
        try Data("cpr;navn\n0101011234;Anna\n".utf8).write(to: bad)
        let spool = directory.appendingPathComponent("spool")
        let result = try CLI.run(["run", bad.path, "--spool", spool.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("missing_column"))
        #expect(!FileManager.default.fileExists(atPath: spool.path))
    }

    @Test("a second run on a spool in use is refused while the first holds the lock")
    func lock() throws {
        let directory = try Scratch.folder("cli")
        let csv = try input(count: 1500, in: directory)
        let spool = directory.appendingPathComponent("spool")
        let first = Process()
        first.executableURL = CLI.binary
        first.arguments = ["run", csv.path, "--spool", spool.path]
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        // Wait until the first run holds the lock and is writing.
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: spool.appendingPathComponent(".journal/run.json").path), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        let second = try CLI.run(["run", csv.path, "--spool", spool.path])
        let firstRunning = first.isRunning
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        if firstRunning {
            #expect(second.status == 2)
            #expect(second.stderr.contains("another postbatch run"))
        }
        #expect(try CLI.run(["run", csv.path, "--spool", spool.path]).stderr.contains("nothing new"))
    }

    @Test("SIGTERM during the input pass: exit 143 and no spool left behind")
    func terminateEarly() throws {
        let directory = try Scratch.folder("cli")
        let csv = try input(count: 200_000, in: directory)
        let spool = directory.appendingPathComponent("spool")
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", csv.path, "--spool", spool.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 0.3)
        let wasRunning = process.isRunning
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        if wasRunning {
            #expect(process.terminationStatus == 143)
            if !FileManager.default.fileExists(atPath: spool.appendingPathComponent(".journal/run.json").path) {
                #expect(!FileManager.default.fileExists(atPath: spool.path))
            }
        }
    }

    @Test("SIGINT stops at a letter boundary with exit 130; the same command finishes")
    func interrupt() throws {
        let directory = try Scratch.folder("cli")
        let csv = try input(count: 1500, in: directory)
        let spool = directory.appendingPathComponent("spool")
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", csv.path, "--spool", spool.path, "--now", now]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: spool.appendingPathComponent(".journal/run.json").path), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        Thread.sleep(forTimeInterval: 0.2)
        let wasRunning = process.isRunning
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        if wasRunning {
            #expect(process.terminationStatus == 130)
        }
        let finish = try CLI.run(["run", csv.path, "--spool", spool.path, "--now", now])
        #expect(finish.status == 0, "\(finish.stderr)")
        let reference = directory.appendingPathComponent("reference")
        #expect(try CLI.run(["run", csv.path, "--spool", reference.path, "--now", now]).status == 0)
        #expect(try Spool.files(spool) == (try Spool.files(reference)))
    }
}
