import Foundation
import Testing
import PostbatchTesting

/// Scans every output of every command for full CPR numbers and protected addresses.
@Suite("Personal data")
struct PersonalDataTests {
    /// Protected people on paper, with streets that appear nowhere else.
    static let protectedRows = [
        "1111111118;Hemmelig Hansen;;Skjultvej 17;1620;København V;;01;ja;ja;nej;;ja;da",
        "1212121212;Anonym Andersen;c/o Diskret;Gemtgade 4, 2. tv;8000;Aarhus C;DK;01;ja;nej;ja;ja;ja;en",
        "1303031313;Ukendt Urne;;Lukketsti 99;100;Tórshavn;FO;01;x;nej;nej;;x;da",
    ]
    static let secrets = ["Skjultvej", "Gemtgade", "Lukketsti"]

    func input(in directory: URL) throws -> URL {
        let header = "cpr;name;co_name;street;postal_code;city;country;cpr_status;address_protected;has_online_banking;needs_id_update;has_key_app;digital_post_exempt;language"
        let file = directory.appendingPathComponent("records.csv")
        try Data(([header] + Self.protectedRows).joined(separator: "\n").appending("\n").utf8).write(to: file)
        return file
    }

    @Test("no full CPR number and no protected address outside the envelopes")
    func scanEveryOutput() throws {
        let directory = try Scratch.folder("cli")
        let generated = try CLI.generate(["--count", "800", "--seed", "77", "--defect-rate", "0.15"], into: directory,
                                         name: "generated.csv")
        let protected = try input(in: directory)
        var numbers = try CLI.cprNumbers(in: generated)
        numbers.formUnion(try CLI.cprNumbers(in: protected))
        try #require(numbers.count > 700)

        var outputs: [(String, String)] = []   // (where, text)
        func record(_ label: String, _ result: CLI.Result) {
            outputs.append(("\(label) stdout", result.stdout))
            outputs.append(("\(label) stderr", result.stderr))
        }
        for file in [generated, protected] {
            let name = file.lastPathComponent
            let spool = directory.appendingPathComponent("spool-\(name)")
            record("run \(name)", try CLI.run(["run", file.path, "--spool", spool.path, "--log-level", "trace"]))
            record("run again \(name)", try CLI.run(["run", file.path, "--spool", spool.path, "--log-level", "trace"]))
            record("dry run \(name)", try CLI.run(["run", file.path, "--dry-run", "--log-level", "trace"]))
            for format in ["table", "json", "csv"] {
                record("stats \(format) \(name)", try CLI.run(["stats", file.path, "--format", format,
                                                               "--rejects", directory.appendingPathComponent("rejects-\(name)").path]))
            }
            outputs.append(("stats --rejects \(name)", try String(contentsOf: directory.appendingPathComponent("rejects-\(name)"), encoding: .utf8)))
            record("preview text \(name)", try CLI.run(["preview", file.path, "--per-group", "3"]))
            for format in ["pdf", "xml"] {
                let out = directory.appendingPathComponent("preview-\(format)-\(name)")
                record("preview \(format) \(name)", try CLI.run(["preview", file.path, "--per-group", "3", "--format", format,
                                                                 "--out", out.path]))
                for preview in try FileManager.default.contentsOfDirectory(atPath: out.path) {
                    outputs.append(("preview file name", preview))
                    let path = out.appendingPathComponent(preview).path
                    if format == "pdf" {
                        let text = try CLI.execute(URL(fileURLWithPath: "/usr/bin/pdftotext"), [path, "-"])
                        outputs.append(("preview pdf \(preview)", text.stdout))
                    } else {
                        outputs.append(("preview xml \(preview)", try String(contentsOfFile: path, encoding: .utf8)))
                    }
                }
            }
            // Everything in the spool but the envelopes themselves, and every name in it.
            let walker = FileManager.default.enumerator(atPath: spool.path)
            while let relative = walker?.nextObject() as? String {
                outputs.append(("spool path", relative))
                let url = spool.appendingPathComponent(relative)
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
                guard !isDirectory.boolValue, !relative.hasSuffix(".xml"), relative != ".journal/input.csv" else { continue }
                outputs.append(("spool \(relative)", String(decoding: try Data(contentsOf: url), as: UTF8.self)))
            }
        }
        var hits = 0
        for (label, text) in outputs {
            let leaked = CLI.leaks(text, numbers)
            if !leaked.isEmpty {
                hits += 1
                Issue.record("\(label) shows \(leaked.count) full CPR number(s), e.g. \(leaked[0])")
            }
            for secret in Self.secrets where text.contains(secret) {
                hits += 1
                Issue.record("\(label) shows a protected address (\(secret))")
            }
        }
        #expect(hits == 0)
        // The envelopes do name the recipient: the scan above would have found a real leak.
        let spool = directory.appendingPathComponent("spool-records.csv")
        let envelopes = try Spool.files(spool).filter { $0.key.hasSuffix(".xml") }
        #expect(envelopes.count == 3)
        #expect(envelopes.values.contains { String(decoding: $0, as: UTF8.self).contains("1111111118") })
        #expect(envelopes.values.contains { String(decoding: $0, as: UTF8.self).contains("Skjultvej") })
    }
}
