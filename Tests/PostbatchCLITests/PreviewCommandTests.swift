import Foundation
import Testing
import PostbatchTesting

@Suite("postbatch preview")
struct PreviewCommandTests {
    @Test("text shows one letter per group, CPR masked")
    func text() throws {
        let result = try CLI.run(["preview", "samples/letters.csv"])
        #expect(result.status == 0)
        for group in ["1 bank", "2 bank-update", "3 mitid-dk", "4 mitid-dk-update", "5 citizen-service"] {
            #expect(result.stdout.contains("group \(group) ·"), "\(group)")
        }
        #expect(result.stdout.contains("-XXXX"))
        #expect(CLI.leaks(result.stdout, try CLI.cprNumbers(in: CLI.root.appendingPathComponent("samples/letters.csv"))).isEmpty)
    }

    @Test("pdf files for a group and language, named without personal data")
    func pdf() throws {
        let out = try Scratch.folder("cli").appendingPathComponent("previews")
        let result = try CLI.run(["preview", "samples/letters.csv", "--group", "citizen-service", "--language", "en",
                                  "--per-group", "5", "--format", "pdf", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(files == ["5-citizen-service-en-print-line-11.pdf", "5-citizen-service-en-print-line-14.pdf"])
        let text = try CLI.execute(URL(fileURLWithPath: "/usr/bin/pdftotext"), [out.appendingPathComponent(files[0]).path, "-"])
        #expect(text.stdout.contains("Book an appointment at a citizen service centre"))
    }

    @Test("--open writes PDFs into a new temporary folder and prints their paths")
    func open() throws {
        let result = try CLI.run(["preview", "samples/letters.csv", "--group", "1", "--open"])
        #expect(result.status == 0)
        let paths = result.stdout.split(separator: "\n").map(String.init)
        #expect(paths.count == 1)
        #expect(paths.allSatisfy { $0.hasSuffix(".pdf") && FileManager.default.fileExists(atPath: $0) })
        #expect(result.stderr.contains("writing previews into"))
        for path in paths { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
    }

    @Test("bad selections are usage errors", arguments: [["--group", "9"], ["--language", "de"], ["--per-group", "0"],
                                                         ["--open", "--format", "xml"]])
    func badSelections(arguments: [String]) throws {
        let result = try CLI.run(["preview", "samples/letters.csv"] + arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
    }
}
