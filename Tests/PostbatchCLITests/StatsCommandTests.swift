import Foundation
import Testing
import PostbatchTesting

@Suite("postbatch stats")
struct StatsCommandTests {
    /// Runs `stats --format json` and the independent Python reading of the SPEC on an
    /// input, expects the same report, and returns ours.
    @discardableResult
    static func compareWithReference(_ input: URL) throws -> NSDictionary? {
        let ours = try CLI.run(["stats", input.path, "--format", "json"])
        #expect(ours.status == 0, "\(ours.stderr)")
        let python = try CLI.execute(URL(fileURLWithPath: "/usr/bin/env"),
                                     ["python3", CLI.root.appendingPathComponent("Tests/reference/reference_stats.py").path, input.path])
        #expect(python.status == 0, "\(python.stderr)")
        let mine = try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: Data(python.stdout.utf8)) as? NSDictionary
        #expect(mine != nil)
        #expect(mine == theirs)
        return mine
    }

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
        try Self.compareWithReference(input)
    }

    /// Names and paper addresses at the edges of SPEC §2, mixed at random (seeded): whitespace
    /// of every kind, zero-width characters, combining marks (also right after a space),
    /// `c/o` in any case, `, ` runs, countries whose Danish name is longer than a line.
    static func trickyInput(seed: UInt64, count: Int) -> String {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let pieces = ["a", "B", "Æ", "ø", " ", "  ", "\t", "\u{00A0}", "\u{200B}", "\u{0301}", "\u{030A}", "e\u{0301}",
                      ",", ", ", "\u{2028}", "C/O ", "c/o ", "xxxxxxxxxx", "ÅÅÅÅÅ", "\u{3000}", "\u{FEFF}", "-", "."]
        func text(_ maximum: Int) -> String {
            (0..<next(maximum + 1)).map { _ in pieces[next(pieces.count)] }.joined()
        }
        func quoted(_ value: String) -> String { "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var lines = ["cpr;name;co_name;street;postal_code;city;country;cpr_status;address_protected;"
                     + "has_online_banking;needs_id_update;has_key_app;digital_post_exempt;language"]
        for index in 0..<count {
            let cpr = String(format: "%02d%02d%02d%04d", 1 + next(28), 1 + next(12), next(100), index)
            let names = [text(30), text(80), "Hans \(text(10)) \(text(10)) \(text(12)) Jensen", "\u{00A0}\u{200B}",
                         String(repeating: "A\u{030A}", count: 60 + next(80))]
            let country = ["", "DK", "GL", "FO", "DE", "TF", "GS", "US"][next(8)]
            let postal = ["": "1620", "DK": "1620", "GL": "3900", "FO": "100"][country] ?? ["", "12345", "SW1A 1AA"][next(3)]
            let street = next(2) == 0 ? text(40) : (0...next(5)).map { _ in text(15) }.joined(separator: ", ")
            let fields = [cpr, names[next(names.count)], ["", text(20), "c/o " + text(30)][next(3)], street, postal,
                          next(2) == 0 ? "By" : text(30), country, "01", "", "ja", "nej", "", next(4) == 0 ? "nej" : "ja", "da"]
            lines.append(fields.map(quoted).joined(separator: ";"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("names and paper address blocks at the edges of SPEC §2 give the reference's numbers", arguments: [1, 2, 3] as [UInt64])
    func tricky(seed: UInt64) throws {
        let directory = try Scratch.folder("cli")
        let input = directory.appendingPathComponent("tricky.csv")
        try Self.trickyInput(seed: seed, count: 3000).write(to: input, atomically: true, encoding: .utf8)
        let mine = try Self.compareWithReference(input)
        // The input really exercises the new rules.
        let rejected = try #require((mine?["rejected"] as? NSDictionary)?["by_reason"] as? NSDictionary)
        for reason in ["missing_name", "invalid_name", "address_too_long"] {
            #expect((rejected[reason] as? Int ?? 0) > 50, "\(reason)")
        }
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
        #expect(result.stderr.hasPrefix("postbatch: error: \(input.path):"))
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
            #expect(result.stderr.hasPrefix("postbatch: error: "))
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

        // A print_day that is not a business day is refused, naming the key and the next one.
        let text = try String(contentsOf: CLI.root.appendingPathComponent("templates/campaign.toml"), encoding: .utf8)
            .replacingOccurrences(of: "waves = 3 ", with: "waves = 3\nprint_day = 2021-10-09 ")
        let weekend = directory.appendingPathComponent("weekend.toml")
        try Data(text.utf8).write(to: weekend)
        let refused = try CLI.run(["stats", "samples/records.csv", "--campaign", weekend.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("campaign.print_day") && refused.stderr.contains("2021-10-11"), "\(refused.stderr)")
    }

    @Test("--waves and --first-day move the dates")
    func waveOptions() throws {
        let result = try CLI.run(["stats", "samples/records.csv", "--format", "csv", "--waves", "2", "--first-day", "2021-11-01"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("letters.by_date.2021-11-01,"))
        #expect(result.stdout.contains("letters.by_date.2021-11-02,"))
        #expect(result.stdout.contains("letters.by_date.2021-11-03,"))   // paper
        #expect(!result.stdout.contains("letters.by_date.2021-11-04,"))
        // Waves on Thursday and Friday: paper on Monday, the first business day after.
        let weekend = try CLI.run(["stats", "samples/records.csv", "--format", "csv", "--waves", "2", "--first-day", "2021-11-04"])
        #expect(weekend.stdout.contains("letters.by_date.2021-11-08,"))
        #expect(!weekend.stdout.contains("letters.by_date.2021-11-06,"))
    }

    @Test("paper letters are dated the first business day after the last wave: Monday 2021-10-11 by default")
    func printDay() throws {
        let result = try CLI.run(["stats", "samples/records.csv", "--format", "csv"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("letters.by_date.2021-10-11,"))
        #expect(!result.stdout.contains("letters.by_date.2021-10-09,"))
        let chosen = try CLI.run(["stats", "samples/records.csv", "--format", "csv", "--print-day", "2021-10-12"])
        #expect(chosen.status == 0)
        #expect(chosen.stdout.contains("letters.by_date.2021-10-12,"))
    }

    @Test("--print-day on a weekend or a public holiday is a usage error naming the next business day", arguments: [
        ("2021-10-09", "Saturday", "Monday 2021-10-11"),
        ("2021-12-24", "Friday", "Monday 2021-12-27"),
        ("2023-05-05", "Friday", "Monday 2023-05-08"),   // Great Prayer Day, still a holiday in 2023
    ])
    func printDayRefused(day: String, weekday: String, next: String) throws {
        let directory = try Scratch.folder("cli")
        for command in [["stats", "samples/records.csv"],
                        ["run", "samples/records.csv", "--spool", directory.appendingPathComponent("spool").path]] {
            let result = try CLI.run(command + ["--print-day", day])
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains(day) && result.stderr.contains(weekday) && result.stderr.contains(next),
                    "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("spool").path))
    }
}
