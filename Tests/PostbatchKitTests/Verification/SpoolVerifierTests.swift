import Crypto
import Foundation
import Glibc
import Testing
@testable import PostbatchKit

/// A small spool written by hand: two loose digital envelopes, one print container
/// with two entries, a manifest and a report that agree.
struct FakeSpool: ~Copyable {
    let folder: TemporaryFolder
    var root: String { folder.path }

    static let uuids = [
        "0d4a3b2c-1e5f-4a6b-8c7d-9e0f1a2b3c41",
        "0d4a3b2c-1e5f-4a6b-8c7d-9e0f1a2b3c42",
        "0d4a3b2c-1e5f-4a6b-8c7d-9e0f1a2b3c43",
        "0d4a3b2c-1e5f-4a6b-8c7d-9e0f1a2b3c44",
    ]

    static func envelope(_ index: Int) -> [UInt8] {
        Array("<?xml version=\"1.0\"?><memo:Message>letter \(index) æøå</memo:Message>\n".utf8)
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    init() throws {
        let made = try TemporaryFolder()
        try Self.populate(made.path)
        folder = made
    }

    private static func populate(_ root: String) throws {
        let spool = SpoolDirectory(path: root)
        let loose = AtomicFileWriter(directory: try spool.makeDirectory("digital/2021-10-06/0001"), syncDirectory: false)
        try loose.write(Self.envelope(0), to: "\(Self.uuids[0]).xml")
        try loose.write(Self.envelope(1), to: "\(Self.uuids[1]).xml")
        let file = try AtomicFileWriter(directory: try spool.makeDirectory("print/2021-10-09"), syncDirectory: false)
            .begin(name: "0001.tar.lzma")
        let tar = try TarLZMAWriter(into: file, modificationTime: 1_633_737_600, compression: .preset(0))
        try tar.append(name: "\(Self.uuids[2]).xml", contents: Self.envelope(2))
        try tar.append(name: "\(Self.uuids[3]).xml", contents: Self.envelope(3))
        try tar.finish()
        try file.commit()

        var manifest = SpoolLayout.manifestHeader + "\n"
        let rows: [(group: Int, channel: String, date: String, language: String, file: String)] = [
            (1, "digital", "2021-10-06", "da", "digital/2021-10-06/0001/\(Self.uuids[0]).xml"),
            (5, "digital", "2021-10-06", "en", "digital/2021-10-06/0001/\(Self.uuids[1]).xml"),
            (3, "print", "2021-10-09", "da", "print/2021-10-09/0001.tar.lzma"),
            (1, "print", "2021-10-09", "da", "print/2021-10-09/0001.tar.lzma"),
        ]
        for (index, row) in rows.enumerated() {
            let bytes = Self.envelope(index)
            manifest += "\(Self.uuids[index]),\(row.group),\(row.channel),\(row.date),\(row.language),"
                + "\(bytes.count),\(Self.sha256(bytes)),\(row.file)\n"
        }
        let top = AtomicFileWriter(directory: root, syncDirectory: false)
        try top.write(Array(manifest.utf8), to: "manifest.csv")
        try top.write(Array(report(total: 4).utf8), to: "report.json")
        try top.write(Array("line,reason,detail\n".utf8), to: "rejects.csv")
        try top.write(Array("line,reason,detail\n7,status_90,010101-XXXX\n".utf8), to: "skipped.csv")
        try top.write(Array("<!doctype html><title>report</title>\n".utf8), to: "report.html")
    }

    static func report(total: Int) -> String {
        """
        {
          "records": 5,
          "letters": {
            "total": \(total),
            "by_group": {"1": 2, "2": 0, "3": 1, "4": 0, "5": 1},
            "by_channel": {"digital": 2, "print": 2},
            "by_group_channel": {"1": {"digital": 1, "print": 1}, "2": {"digital": 0, "print": 0},
                                 "3": {"digital": 0, "print": 1}, "4": {"digital": 0, "print": 0},
                                 "5": {"digital": 1, "print": 0}},
            "by_language": {"da": 3, "en": 1},
            "by_date": {"2021-10-06": 2, "2021-10-09": 2}
          },
          "skipped": {"total": 1, "by_reason": {"status_90": 1}},
          "rejected": {"total": 0, "by_reason": {}},
          "warnings": {"cpr_no_mod11": 0}
        }
        """
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    /// Verifies and returns the result with every problem.
    func verify() throws -> (SpoolVerification, [SpoolProblem]) {
        var problems: [SpoolProblem] = []
        let result = try SpoolVerifier(root: root).verify { problems.append($0) }
        return (result, problems)
    }
}

@Suite("SpoolVerifier")
struct SpoolVerifierTests {
    @Test("a good spool passes, every envelope and entry hashed")
    func goodSpool() throws {
        let spool = try FakeSpool()
        let (result, problems) = try spool.verify()
        #expect(problems == [])
        #expect(result.isValid)
        #expect(result.letters == 4)
        #expect(result.filesChecked == 2)
        #expect(result.containersChecked == 1)
        #expect(result.entriesChecked == 2)
    }

    @Test("a changed byte in a loose envelope is a checksum mismatch")
    func changedByte() throws {
        let spool = try FakeSpool()
        let path = spool.path("digital/2021-10-06/0001/\(FakeSpool.uuids[1]).xml")
        var bytes = try #require(contents(of: path))
        bytes[10] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        let (result, problems) = try spool.verify()
        #expect(problems.map(\.code) == [.checksumMismatch])
        #expect(problems.first?.path == "digital/2021-10-06/0001/\(FakeSpool.uuids[1]).xml")
        #expect(!result.isValid)
    }

    @Test("a longer envelope is a size mismatch")
    func changedSize() throws {
        let spool = try FakeSpool()
        let path = spool.path("digital/2021-10-06/0001/\(FakeSpool.uuids[0]).xml")
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(" ".utf8))
        try handle.close()
        #expect(try spool.verify().1.map(\.code) == [.sizeMismatch])
    }

    @Test("a missing envelope and a missing container are reported")
    func missingFiles() throws {
        let spool = try FakeSpool()
        unlink(spool.path("digital/2021-10-06/0001/\(FakeSpool.uuids[0]).xml"))
        unlink(spool.path("print/2021-10-09/0001.tar.lzma"))
        let problems = try spool.verify().1
        #expect(problems.map(\.code) == [.missingFile, .missingFile])
        #expect(problems.map(\.path) == ["digital/2021-10-06/0001/\(FakeSpool.uuids[0]).xml",
                                         "print/2021-10-09/0001.tar.lzma"])
    }

    @Test("an extra envelope, an extra container entry and a temporary file are reported")
    func extraFiles() throws {
        let spool = try FakeSpool()
        let loose = AtomicFileWriter(directory: spool.path("digital/2021-10-06/0001"), syncDirectory: false)
        try loose.write(FakeSpool.envelope(9), to: "0d4a3b2c-1e5f-4a6b-8c7d-9e0f1a2b3c49.xml")
        let temporary = spool.path("digital/2021-10-06/0001/.x.xml.tmp-1-00")
        #expect(FileManager.default.createFile(atPath: temporary, contents: Data(), attributes: [.posixPermissions: 0o600]))
        // Rewrite the container with one more entry than the manifest lists.
        let file = try AtomicFileWriter(directory: spool.path("print/2021-10-09"), syncDirectory: false)
            .begin(name: "0001.tar.lzma")
        let tar = try TarLZMAWriter(into: file, modificationTime: 0, compression: .preset(0))
        for index in 2...3 { try tar.append(name: "\(FakeSpool.uuids[index]).xml", contents: FakeSpool.envelope(index)) }
        try tar.append(name: "stray.xml", contents: [1, 2, 3])
        try tar.finish()
        try file.commit()
        let problems = try spool.verify().1
        #expect(Set(problems.map(\.code)) == [.extraFile, .extraEntry, .temporaryFile])
        #expect(problems.count == 3)
        #expect(problems.contains { $0.code == .extraEntry && $0.path == "print/2021-10-09/0001.tar.lzma:stray.xml" })
    }

    @Test("a count in report.json that differs from the manifest is reported")
    func countMismatch() throws {
        let spool = try FakeSpool()
        try AtomicFileWriter(directory: spool.root, syncDirectory: false)
            .write(Array(FakeSpool.report(total: 5).utf8), to: "report.json")
        let problems = try spool.verify().1
        #expect(problems.filter { $0.code == .countMismatch }.map(\.detail) == ["letters.total is 5, the manifest has 4"])
        // The report no longer adds up in itself either: its sums are checked too.
        #expect(problems.contains { $0.code == .badReport && $0.detail == "letters + skipped + rejected add up to 6, not 5" })
        #expect(problems.contains { $0.code == .badReport && $0.detail == "letters.by_group add up to 4, not 5" })
    }

    @Test("a report.json that is not SPEC §5 names what is missing")
    func malformedReport() throws {
        let spool = try FakeSpool()
        let broken = FakeSpool.report(total: 4).replacingOccurrences(of: "\"records\": 5,", with: "")
        try AtomicFileWriter(directory: spool.root, syncDirectory: false).write(Array(broken.utf8), to: "report.json")
        let problems = try spool.verify().1
        #expect(problems.map(\.code) == [.badReport])
        #expect(problems.first?.detail == "is not the JSON of SPEC §5: no records")
    }

    @Test("missing or shortened side files are reported; the report page must be the run's", arguments: [
        ("rejects.csv", "delete", "rejects.csv: missing_file"),
        ("skipped.csv", "cut", "skipped.csv: count_mismatch"),
        ("report.html", "delete", "report.html: missing_file"),
    ])
    func sideFiles(name: String, change: String, expected: String) throws {
        let spool = try FakeSpool()
        if change == "delete" {
            try FileManager.default.removeItem(atPath: spool.path(name))
        } else {
            try AtomicFileWriter(directory: spool.root, syncDirectory: false)
                .write(Array("line,reason,detail\n".utf8), to: name)
        }
        let problems = try spool.verify().1
        #expect(problems.map { "\($0.path): \($0.code)" } == [expected])
    }

    @Test("a report page other than the journal's is a checksum mismatch")
    func reportPage() throws {
        let spool = try FakeSpool()
        let page = Array("<!doctype html><title>report</title>\n".utf8)
        try FileManager.default.createDirectory(atPath: spool.path(".journal"), withIntermediateDirectories: true)
        let record = RunRecord(identity: "x", now: "2021-10-01T08:00:00Z", massMailingID: "m", complete: true,
                               reportHTMLSHA256: Hex.string(SHA256.hash(data: page)))
        try JSONEncoder().encode(record).write(to: URL(fileURLWithPath: spool.path(".journal/run.json")))
        #expect(try spool.verify().1.isEmpty)
        try AtomicFileWriter(directory: spool.root, syncDirectory: false)
            .write(Array("<!doctype html><title>other</title>\n".utf8), to: "report.html")
        #expect(try spool.verify().1.map(\.code) == [.checksumMismatch])
    }

    @Test("duplicate UUIDs, malformed lines and loose permissions are reported")
    func manifestAndPermissions() throws {
        let spool = try FakeSpool()
        let manifest = try String(contentsOfFile: spool.path("manifest.csv"), encoding: .utf8)
        let lines = manifest.split(separator: "\n")
        let changed = manifest + lines[1] + "\n" + "not,a,manifest,line\n"
        try AtomicFileWriter(directory: spool.root, syncDirectory: false).write(Array(changed.utf8), to: "manifest.csv")
        chmod(spool.path("digital/2021-10-06"), 0o755)
        chmod(spool.path("rejects.csv"), 0o644)
        let problems = try spool.verify().1
        #expect(problems.map(\.code) == [.duplicateUUID, .badManifest, .permissions, .permissions])
        #expect(problems.first?.detail == "line 6: message \(FakeSpool.uuids[0]) is already on line 2")
    }

    @Test("a folder without a manifest is not a spool")
    func notASpool() throws {
        let folder = try TemporaryFolder()
        let error = #expect(throws: SpoolError.self) { try SpoolVerifier(root: folder.path).verify() }
        #expect(error?.code == .notASpool)
        let missing = #expect(throws: SpoolError.self) { try SpoolVerifier(root: folder.appending("nope")).verify() }
        #expect(missing?.code == .notASpool)
    }
}
