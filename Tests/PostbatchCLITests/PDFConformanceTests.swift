import Foundation
import Testing
import PostbatchTesting

/// One conformance per spool: every PDF of a run, from either renderer, loose or in
/// containers, is PDF/A-2b and tagged (checked by `scripts/spool-pdfs.py check`).
@Suite("every PDF of a run is PDF/A-2b and tagged")
struct PDFConformanceTests {
    /// A small generated input in which a few names are in Chinese script, so the fast
    /// path hands those letters to the reference renderer.
    static func input(in folder: URL) throws -> URL {
        let csv = try CLI.generate(["--count", "40", "--seed", "15", "--defect-rate", "0"], into: folder)
        var lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        var changed = 0
        for index in lines.indices.dropFirst() where changed < 3 && !lines[index].contains("\"") {
            var fields = lines[index].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            guard fields.count > 2 else { continue }
            fields[1] = "王小明"
            lines[index] = fields.joined(separator: ";")
            changed += 1
        }
        try lines.joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        return csv
    }

    @Test("fast path with fallbacks and reference renderer, loose files and tar.lzma containers",
          arguments: [(["--container", "none"], "fast"), (["--container", "tar.lzma", "--per-container", "15"], "fast"),
                      (["--container", "tar.lzma", "--per-container", "15"], "reference")])
    func everyPDF(container: [String], renderer: String) throws {
        let folder = try Scratch.folder("cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = folder.appendingPathComponent("spool")
        let run = try CLI.run(["run", try Self.input(in: folder).path, "--spool", spool.path, "--renderer", renderer]
                              + container)
        #expect(run.status == 0, "\(run.stderr)")
        let letters = try String(contentsOf: spool.appendingPathComponent("manifest.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().count
        #expect(letters > 20)
        let check = try CLI.execute(URL(fileURLWithPath: "/usr/bin/env"),
                                    ["python3", CLI.root.appendingPathComponent("scripts/spool-pdfs.py").path,
                                     "check", spool.path])
        #expect(check.status == 0, "\(check.stdout)")
        let summary = check.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(summary.hasPrefix("\(letters) PDFs checked, 0 failed"), "\(summary)")
        // Both renderers' letters are in the fast run: the CJK names went to the reference renderer.
        #expect(summary.contains("by postbatch reference renderer"), "\(summary)")
        #expect(summary.contains("by postbatch fast path") == (renderer == "fast"), "\(summary)")
    }

    @Test("templates with personal values, in tar.lzma containers: every letter by the fast path, each PDF/A-2b and tagged")
    func personalTemplates() throws {
        let folder = try Scratch.folder("cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        // The shipped templates with the test fixture's salutation, date and personal paragraph laid over them.
        let templates = folder.appendingPathComponent("templates")
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("templates"), to: templates)
        let overlay = CLI.root.appendingPathComponent("Tests/Fixtures/personal-letters")
        for language in ["da", "en"] {
            let partial = "\(language)/partials/intro.mustache"
            let target = templates.appendingPathComponent(partial)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: overlay.appendingPathComponent(partial), to: target)
        }
        let spool = folder.appendingPathComponent("spool")
        let run = try CLI.run(["run", try CLI.generate(["--count", "60", "--seed", "8", "--defect-rate", "0"],
                                                       into: folder).path,
                               "--spool", spool.path, "--campaign", templates.appendingPathComponent("campaign.toml").path,
                               "--container", "tar.lzma", "--per-container", "20"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("reference renderer"), "\(run.stderr)")
        let check = try CLI.execute(URL(fileURLWithPath: "/usr/bin/env"),
                                    ["python3", CLI.root.appendingPathComponent("scripts/spool-pdfs.py").path,
                                     "check", spool.path])
        #expect(check.status == 0, "\(check.stdout)")
        let summary = check.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(summary.contains(" 0 failed") && !summary.contains("reference renderer"), "\(summary)")
    }
}
