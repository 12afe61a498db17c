import Foundation
import PostbatchTesting
import Testing

/// `--format json` of run, verify and validate: one document on standard output, as docs/json-output.md says.
@Suite("--format json", .serialized)
struct JSONOutputTests {
    /// Standard output parsed as one JSON object.
    func document(_ result: CLI.Result) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any], "\(result.stdout)")
    }

    @Test("run, verify and validate: what was done, the counts, problems with codes, the exit status")
    func runVerifyValidate() throws {
        try Schemas.require()
        let directory = try Scratch.folder("json")
        let csv = try CLI.generate(["--count", "120", "--seed", "6", "--defect-rate", "0.1"], into: directory)
        let spool = directory.appendingPathComponent("spool")
        let stats = try document(try CLI.run(["stats", csv.path, "--format", "json"]))

        let run = try CLI.run(["run", csv.path, "--spool", spool.path, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let written = try document(run)
        #expect(written["command"] as? String == "run")
        #expect(written["status"] as? String == "completed")
        #expect(written["exit_status"] as? Int == 0)
        #expect(written["spool"] as? String == spool.path)
        let statistics = try #require(written["statistics"] as? [String: Any])
        let letters = try #require((statistics["letters"] as? [String: Any])?["total"] as? Int)
        #expect(letters == (stats["letters"] as? [String: Any])?["total"] as? Int)
        #expect(written["letters_written"] as? Int == letters)
        #expect(statistics["records"] as? Int == 120)
        #expect((written["problems"] as? [Any])?.isEmpty == true)
        let rejected = try #require((statistics["rejected"] as? [String: Any])?["total"] as? Int)
        #expect(rejected > 0, "the input exercises the rejected counts")
        #expect((written["duration_seconds"] as? Double).map { $0 > 0 } == true)

        let again = try document(try CLI.run(["run", csv.path, "--spool", spool.path, "--format", "json"]))
        #expect(again["status"] as? String == "already_complete" && again["exit_status"] as? Int == 0)

        let verify = try CLI.run(["verify", spool.path, "--format", "json"])
        #expect(verify.status == 0)
        let verified = try document(verify)
        #expect(verified["status"] as? String == "ok" && verified["letters"] as? Int == letters)
        #expect((verified["problems"] as? [Any])?.isEmpty == true)

        let validate = try CLI.run(["validate", spool.path, "--format", "json"])
        #expect(validate.status == 0, "\(validate.stderr)")
        let validated = try document(validate)
        #expect(validated["checked"] as? Int == letters && validated["failed"] as? Int == 0)
        #expect((validated["schemas"] as? [[String: Any]])?.isEmpty == false)

        // A damaged envelope: verify names it with a code and a path, exit 1.
        let manifest = try String(contentsOf: spool.appendingPathComponent("manifest.csv"), encoding: .utf8)
        let firstPath = try #require(manifest.split(separator: "\n").dropFirst().first?.split(separator: ",").last)
        let envelope = spool.appendingPathComponent(String(firstPath))
        try Data("<broken/>".utf8).write(to: envelope)
        let damaged = try CLI.run(["verify", spool.path, "--format", "json"])
        #expect(damaged.status == 1)
        let found = try document(damaged)
        #expect(found["status"] as? String == "problems" && found["exit_status"] as? Int == 1)
        let codes = try #require(found["problems"] as? [[String: Any]]).compactMap { $0["code"] as? String }
        #expect(codes.contains("size_mismatch") || codes.contains("checksum_mismatch"), "\(codes)")
    }

    @Test("a failure is a document too: status failed, the error's code, SPEC's exit status", arguments: [
        (["run", "/nonexistent/records.csv", "--dry-run", "--format", "json"], 2),
        (["verify", "/nonexistent/spool", "--format", "json"], 2),
        (["run", "samples/records.csv", "--dry-run", "--memo-version", "9", "--format", "json"], 2),
    ])
    func failure(arguments: [String], status: Int) throws {
        let result = try CLI.run(arguments)
        #expect(Int(result.status) == status, "\(result.stderr)")
        let failed = try document(result)
        #expect(failed["status"] as? String == "failed" && failed["exit_status"] as? Int == status)
        let problem = try #require((failed["problems"] as? [[String: Any]])?.first)
        let code = try #require(problem["code"] as? String)
        #expect(code != "internal" && result.stderr.contains("[\(code)]"), "\(result.stdout) \(result.stderr)")
    }

    @Test("--log-format json: every standard-error line of a run is one JSON object; --log-level is checked")
    func logFormat() throws {
        let result = try CLI.run(["run", "samples/records.csv", "--dry-run", "--log-level", "info", "--log-format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let logs = result.stderr.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(logs.count >= 2, "\(result.stderr)")
        for line in logs {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["level"] as? String == "info" && object["message"] is String)
        }
        #expect(try CLI.run(["validate", "spool", "--log-level", "verbose"]).status == 2)
        for command in ["run", "preview", "stats", "validate", "verify", "deliver", "receipts", "status", "fallback",
                        "config"] {
            let help = try CLI.run([command, "--help"]).stdout
            #expect(help.contains("--log-level") && help.contains("--log-format"), "\(command)")
        }
    }
}
