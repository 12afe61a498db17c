import Foundation
import Testing
import PostbatchTesting

@Suite("postbatch stats")
struct StatsCommandTests {
    /// Compares `stats --format json` with the independent Python reading of the SPEC.
    @Test("numbers equal an independent implementation of the SPEC", arguments: [
        ["--count", "4000", "--seed", "1", "--defect-rate", "0.2"],
        ["--count", "4000", "--seed", "2", "--defect-rate", "0.1", "--header", "english", "--delimiter", ","],
        ["--count", "4000", "--seed", "3", "--defect-rate", "0.15", "--header", "mixed", "--bom", "--crlf"],
        ["--count", "4000", "--seed", "4", "--defect-rate", "0", "--header", "english", "--crlf", "--delimiter", ","],
        ["--count", "4000", "--seed", "5", "--defect-rate", "0.05", "--bom"],
    ])
    func matchesReference(arguments: [String]) throws {
        let directory = try Scratch.folder("cli")
        let input = try CLI.generate(arguments, into: directory)
        let ours = try CLI.run(["stats", input.path, "--format", "json"])
        #expect(ours.status == 0, "\(ours.stderr)")
        let python = try CLI.execute(URL(fileURLWithPath: "/usr/bin/env"),
                                     ["python3", CLI.root.appendingPathComponent("Tests/reference/reference_stats.py").path, input.path])
        #expect(python.status == 0, "\(python.stderr)")
        let mine = try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: Data(python.stdout.utf8)) as? NSDictionary
        #expect(mine != nil)
        #expect(mine == theirs)
    }

    @Test("table, json and csv; the table is the default")
    func formats() throws {
        let table = try CLI.run(["stats", "samples/records.csv"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("1 bank"))
        #expect(table.stdout.contains("5 citizen-service"))
        #expect(table.stdout.contains("= digital "))
        let csv = try CLI.run(["stats", "samples/records.csv", "--format", "csv"])
        #expect(csv.stdout.hasPrefix("key,value\nrecords,"))
        let bad = try CLI.run(["stats", "samples/records.csv", "--format", "xml"])
        #expect(bad.status == 64 || bad.status == 2)
        #expect(bad.stdout.isEmpty)
    }

    @Test("standard input with -")
    func standardInput() throws {
        let data = try Data(contentsOf: CLI.root.appendingPathComponent("samples/records.csv"))
        let piped = try CLI.run(["stats", "-", "--format", "json"], stdin: data)
        let file = try CLI.run(["stats", "samples/records.csv", "--format", "json"])
        #expect(piped.status == 0)
        #expect(piped.stdout == file.stdout)
    }

    @Test("--rejects lists every rejected record with a masked CPR; nothing prints a full CPR")
    func rejectsMasked() throws {
        let directory = try Scratch.folder("cli")
        let input = try CLI.generate(["--count", "3000", "--seed", "8", "--defect-rate", "0.2"], into: directory)
        let rejects = directory.appendingPathComponent("rejects.csv")
        let result = try CLI.run(["stats", input.path, "--rejects", rejects.path, "--format", "json"])
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rejectedTotal = try #require((report["rejected"] as? [String: Any])?["total"] as? Int)
        let lines = try String(contentsOf: rejects, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.first == "line,reason,detail")
        // Details may be quoted and hold commas; count records by their leading line number.
        #expect(lines.dropFirst().filter { $0.first?.isNumber == true }.count == rejectedTotal)
        let numbers = try CLI.cprNumbers(in: input)
        #expect(numbers.count > 2000)
        let table = try CLI.run(["stats", input.path])
        for text in [result.stdout, result.stderr, table.stdout, table.stderr, try String(contentsOf: rejects, encoding: .utf8)] {
            #expect(CLI.leaks(text, numbers).isEmpty)
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: rejects.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test("structure errors: one sentence on stderr, exit 2, nothing on stdout", arguments: [
        ("cpr;navn;netbank\n0101011234;A;ja\n", "missing_column", "needs_id_update"),
        ("cpr;pnr;navn;netbank;skal_opdatere_id\n", "duplicate_column", "both name this field"),
        ("", "empty_input", "empty"),
        ("cpr;n\u{FFFD}vn;netbank;skal_opdatere_id\n", "missing_column", "'name'"),
    ])
    func structureErrors(content: String, code: String, phrase: String) throws {
        let directory = try Scratch.folder("cli")
        let input = directory.appendingPathComponent("bad.csv")
        try Data(content.utf8).write(to: input)
        let result = try CLI.run(["stats", input.path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("error: \(input.path):"))
        #expect(result.stderr.contains("[\(code)]"))
        #expect(result.stderr.contains(phrase))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("a file that is not UTF-8, a missing file and a folder are exit 2")
    func unreadableInputs() throws {
        let directory = try Scratch.folder("cli")
        let latin1 = directory.appendingPathComponent("latin1.csv")
        try Data([0x63, 0x70, 0x72, 0x3B, 0x6E, 0x61, 0x76, 0x6E, 0x3B, 0x6E, 0x65, 0x74, 0x62, 0x61, 0x6E, 0x6B, 0x3B]
                 + Array("skal_opdatere_id\n0101011234;S".utf8) + [0xF8] + Array("ren;ja;nej\n".utf8)).write(to: latin1)
        for path in [latin1.path, directory.appendingPathComponent("missing.csv").path, directory.path] {
            let result = try CLI.run(["stats", path])
            #expect(result.status == 2, "\(path)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("error: "))
        }
        #expect(try CLI.run(["stats", latin1.path]).stderr.contains("not_utf8"))
    }

    @Test("a broken campaign file is exit 2 with the file and the key")
    func brokenCampaign() throws {
        let directory = try Scratch.folder("cli")
        let campaign = directory.appendingPathComponent("campaign.toml")
        try Data("[campaign]\nid = \"x\"\nfirst_day = 2021-10-06\nwaves = \"three\"\n".utf8).write(to: campaign)
        let result = try CLI.run(["stats", "samples/records.csv", "--campaign", campaign.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("campaign.waves"))
        #expect(result.stdout.isEmpty)
    }

    @Test("--waves and --first-day move the dates")
    func waveOptions() throws {
        let result = try CLI.run(["stats", "samples/records.csv", "--format", "csv", "--waves", "2", "--first-day", "2021-11-01"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("letters.by_date.2021-11-01,"))
        #expect(result.stdout.contains("letters.by_date.2021-11-02,"))
        #expect(result.stdout.contains("letters.by_date.2021-11-03,"))   // paper
        #expect(!result.stdout.contains("letters.by_date.2021-11-04,"))
    }
}
