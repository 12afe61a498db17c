import Foundation
import Testing
import PostbatchTesting

@Suite("postbatch verify, help and completions")
struct OperatorCommandTests {
    @Test("--version prints the version")
    func version() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test("completion scripts name the subcommands", arguments: ["bash", "zsh", "fish"])
    func completions(shell: String) throws {
        let result = try CLI.run(["--generate-completion-script", shell])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("postbatch"))
        #expect(result.stdout.contains("stats") && result.stdout.contains("verify"))
    }

    @Test("every visible command's help has an abstract, defaults and examples", arguments: [[], ["stats"], ["verify"]])
    func help(command: [String]) throws {
        let result = try CLI.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("OVERVIEW: "))
        #expect(result.stdout.contains("Examples:\n  postbatch "))
        if !command.isEmpty { #expect(result.stdout.contains("(default: ")) }
    }

    @Test("a usage error exits 2 and says what is wrong")
    func usageError() throws {
        let result = try CLI.run(["stats", "samples/records.csv", "--format", "xml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'table', 'json', 'csv' or 'html'"))
    }

    @Test("verify: 2 for a folder that is not a spool, 0 for a good spool, 1 after a change")
    func verify() throws {
        let directory = try Scratch.folder("cli")
        let notSpool = try CLI.run(["verify", directory.path])
        #expect(notSpool.status == 2)
        #expect(notSpool.stderr.contains("not_a_spool"))

        // The smallest spool: one loose envelope, its manifest line and a report that agree.
        let fm = FileManager.default
        let spool = directory.appendingPathComponent("spool")
        let uuid = "0d4a3b2c-1e5f-4a6b-8c7d-9e0f1a2b3c41"
        let folder = spool.appendingPathComponent("digital/2021-10-06/0001")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        for path in ["", "digital", "digital/2021-10-06", "digital/2021-10-06/0001"] {
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: spool.appendingPathComponent(path).path)
        }
        let envelope = Data("<memo:Message/>\n".utf8)
        // sha256 of "<memo:Message/>\n", computed by sha256sum.
        let sha = try CLI.execute(URL(fileURLWithPath: "/usr/bin/env"), ["sha256sum"], stdin: envelope)
            .stdout.prefix(64)
        let files: [(String, Data)] = [
            ("digital/2021-10-06/0001/\(uuid).xml", envelope),
            ("manifest.csv", Data("""
                uuid,group,channel,date,language,bytes,sha256,file
                \(uuid),2,digital,2021-10-06,en,\(envelope.count),\(sha),digital/2021-10-06/0001/\(uuid).xml

                """.utf8)),
            ("report.json", Data("""
                {"records": 1, "letters": {"total": 1, "by_group": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0},
                 "by_channel": {"digital": 1, "print": 0},
                 "by_group_channel": {"1": {"digital": 0, "print": 0}, "2": {"digital": 1, "print": 0},
                   "3": {"digital": 0, "print": 0}, "4": {"digital": 0, "print": 0}, "5": {"digital": 0, "print": 0}},
                 "by_language": {"da": 0, "en": 1}, "by_date": {"2021-10-06": 1}},
                 "skipped": {"total": 0, "by_reason": {}}, "rejected": {"total": 0, "by_reason": {}},
                 "warnings": {"cpr_no_mod11": 0}}
                """.utf8)),
            ("rejects.csv", Data("line,reason,detail\n".utf8)),
            ("skipped.csv", Data("line,reason,detail\n".utf8)),
            ("report.html", Data("<!doctype html><title>report</title>\n".utf8)),
        ]
        for (path, data) in files {
            let url = spool.appendingPathComponent(path)
            #expect(fm.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]))
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        }
        let good = try CLI.run(["verify", spool.path])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("OK"))

        let extra = spool.appendingPathComponent("digital/2021-10-06/0001/stray.xml")
        #expect(fm.createFile(atPath: extra.path, contents: envelope, attributes: [.posixPermissions: 0o600]))
        let bad = try CLI.run(["verify", spool.path])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("digital/2021-10-06/0001/stray.xml: not in the manifest [extra_file]"))
    }
}
