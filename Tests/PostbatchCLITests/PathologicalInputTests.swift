import Foundation
import Testing
import PostbatchTesting

/// Hostile and broken inputs, run through the built binary (`stats` and
/// `run --dry-run`). Each must end in rejections with a reason or a clear exit-2
/// message, never a crash, with flat memory (peak RSS of the child under
/// `maximumPeakRSS`, measured with `/usr/bin/time`). Their speed is measured by
/// `make bench` (`scripts/bench.sh`, "pathological inputs"), not asserted here.
///
/// The inputs are generated in temporary folders at test time; the largest is
/// 200 MB (an unterminated quote), so the whole suite stays well under a minute
/// in a debug build.
@Suite("Pathological inputs", .serialized)
struct PathologicalInputTests {
    /// Far above what the reader needs (1 MiB chunk + 1 MiB record + the runtime),
    /// far below what reading a 200 MB input into memory would take.
    static let maximumPeakRSSKiB = 150 * 1024

    static let header = "cpr;name;co_name;street;postal_code;city;country;cpr_status;address_protected;has_online_banking;needs_id_update;has_key_app;digital_post_exempt;language"
    static let row = "0707077077;Anna Berg;;Gade 1;1620;By;;01;;ja;nej;;;"

    struct Measured {
        let result: CLI.Result
        let peakRSSKiB: Int

        /// `stats --format csv` as key → value.
        var values: [String: String] {
            var values: [String: String] = [:]
            for line in result.stdout.split(separator: "\n") {
                let parts = line.split(separator: ",", maxSplits: 1)
                if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
            }
            return values
        }
    }

    /// Runs the binary under `/usr/bin/time`, checking peak memory, and that it
    /// neither crashed (a signal) nor failed other than with exit 0 or 2.
    static func measure(_ arguments: [String]) throws -> Measured {
        let directory = try Scratch.folder("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let rssFile = directory.appendingPathComponent("rss")
        let result = try CLI.execute(URL(fileURLWithPath: "/usr/bin/time"),
                                     ["-f", "%M", "-o", rssFile.path, CLI.binary.path] + arguments)
        let rss = Int(try String(contentsOf: rssFile, encoding: .utf8)
            .split(separator: "\n").last.map(String.init) ?? "") ?? -1
        #expect(result.status == 0 || result.status == 2, "\(arguments): exit \(result.status): \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Crash"), "\(result.stderr)")
        #expect(rss > 0 && rss < maximumPeakRSSKiB, "\(arguments): peak RSS \(rss) KiB")
        return Measured(result: result, peakRSSKiB: rss)
    }

    /// `stats --format csv`, then `run --dry-run`, which must agree on the exit status.
    static func statsAndDryRun(_ input: URL, _ extra: [String] = []) throws -> Measured {
        let stats = try measure(["stats", input.path, "--format", "csv"] + extra)
        let dryRun = try measure(["run", input.path, "--dry-run"] + extra)
        #expect(dryRun.result.status == stats.result.status, "\(dryRun.result.stderr)")
        if stats.result.status == 2 {
            #expect(dryRun.result.stderr == stats.result.stderr)
        }
        return stats
    }

    /// Writes `head`, `count` copies of `block`, then `tail` into a new file.
    static func write(_ name: String, head: [UInt8] = [], block: [UInt8] = [], count: Int = 0,
                      tail: [UInt8] = []) throws -> URL {
        let url = try Scratch.folder("cli").appendingPathComponent(name)
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        handle.write(Data(head))
        if count > 0 {
            // Write in blocks of about 1 MiB.
            let perWrite = max(1, (1 << 20) / max(1, block.count))
            let big = Data([[UInt8]](repeating: block, count: min(perWrite, count)).joined())
            var left = count
            while left >= perWrite { handle.write(big); left -= perWrite }
            if left > 0 { handle.write(Data([[UInt8]](repeating: block, count: left).joined())) }
        }
        handle.write(Data(tail))
        try handle.close()
        return url
    }

    static func removeFolder(of url: URL) {
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
    }

    @Test("a 50 MB field: malformed_row, and the next record is read")
    func hugeField() throws {
        let url = try Self.write("field.csv", head: Array((Self.header + "\n0101011234;").utf8),
                                 block: Array(repeating: UInt8(ascii: "x"), count: 1 << 20), count: 50,
                                 tail: Array((";;Gade 1;1620;By;;01;;ja;nej;;;\n" + Self.row + "\n").utf8))
        defer { Self.removeFolder(of: url) }
        let stats = try Self.statsAndDryRun(url)
        #expect(stats.result.status == 0)
        #expect(stats.values["records"] == "2")
        #expect(stats.values["rejected.by_reason.malformed_row"] == "1")
        #expect(stats.values["letters.total"] == "1")
    }

    @Test("a header of a million columns: header_too_long, exit 2", arguments: [[], ["--delimiter", ";"]])
    func millionColumns(extra: [String]) throws {
        let url = try Self.write("columns.csv", head: Array("cpr;name;netbank;skal_opdatere_id".utf8),
                                 block: Array(";c".utf8), count: 1_000_000,
                                 tail: Array(("\n" + Self.row + "\n").utf8))
        defer { Self.removeFolder(of: url) }
        let stats = try Self.statsAndDryRun(url, extra)
        #expect(stats.result.status == 2)
        #expect(stats.result.stderr.contains("[header_too_long]"), "\(stats.result.stderr)")
        #expect(stats.result.stdout.isEmpty)
    }

    @Test("an unterminated quote at the start of a 200 MB file: one malformed_row")
    func unterminatedQuote() throws {
        let url = try Self.write("quote.csv", head: Array((Self.header + "\n\"").utf8),
                                 block: Array((Self.row + "\n").utf8), count: 200_000_000 / (Self.row.utf8.count + 1))
        defer { Self.removeFolder(of: url) }
        let stats = try Self.measure(["stats", url.path, "--format", "csv"])
        #expect(stats.result.status == 0)
        #expect(stats.values["records"] == "1")
        #expect(stats.values["rejected.by_reason.malformed_row"] == "1")
        let dryRun = try Self.measure(["run", url.path, "--dry-run"])
        #expect(dryRun.result.status == 0)
    }

    @Test("NUL bytes in fields: invalid_cpr and invalid_name; elsewhere kept as text")
    func nulBytes() throws {
        let rows: [[UInt8]] = [
            Array("0707077077;An".utf8) + [0] + Array("na;;Gade 1;1620;By;;01;;ja;nej;;;".utf8),
            Array("07070".utf8) + [0] + Array("77077;Bo;;Gade 1;1620;By;;01;;ja;nej;;;".utf8),
            Array("0101011234;Cy;;G".utf8) + [0] + Array("ade 1;1620;By;;01;;ja;nej;;;".utf8),
        ]
        let url = try Self.write("nul.csv", head: Array((Self.header + "\n").utf8),
                                 tail: Array(rows.map { $0 + [0x0A] }.joined()))
        defer { Self.removeFolder(of: url) }
        let stats = try Self.statsAndDryRun(url)
        #expect(stats.result.status == 0)
        #expect(stats.values["records"] == "3")
        #expect(stats.values["rejected.by_reason.invalid_name"] == "1")
        #expect(stats.values["rejected.by_reason.invalid_cpr"] == "1")
        #expect(stats.values["letters.total"] == "1")
    }

    @Test("invalid UTF-8 in the middle: not_utf8 naming the line, exit 2")
    func invalidUTF8() throws {
        let row = Array((Self.row + "\n").utf8)
        let bad = Array("0101011234;S".utf8) + [0xC3, 0x28] + Array("ren;;Gade 1;1620;By;;01;;ja;nej;;;\n".utf8)
        let url = try Self.write("utf8.csv", head: Array((Self.header + "\n").utf8) + Array([[UInt8]](repeating: row, count: 5_000).joined()),
                                 block: row, count: 5_000, tail: bad + row)
        defer { Self.removeFolder(of: url) }
        let stats = try Self.statsAndDryRun(url)
        #expect(stats.result.status == 2)
        #expect(stats.result.stderr.contains("utf8.csv:10002:"), "\(stats.result.stderr)")
        #expect(stats.result.stderr.contains("[not_utf8]"))
    }

    @Test("a header only: zero records, exit 0")
    func headerOnly() throws {
        let url = try Self.write("header.csv", head: Array((Self.header + "\n").utf8))
        defer { Self.removeFolder(of: url) }
        let stats = try Self.statsAndDryRun(url)
        #expect(stats.result.status == 0)
        #expect(stats.values["records"] == "0")
    }

    @Test("lines of only delimiters: invalid_cpr, or malformed_row when the count differs")
    func onlyDelimiters() throws {
        let url = try Self.write("delimiters.csv", head: Array((Self.header + "\n").utf8),
                                 block: Array(";;;;;;;;;;;;;\n".utf8), count: 100_000, tail: Array(";;;\n".utf8))
        defer { Self.removeFolder(of: url) }
        let stats = try Self.statsAndDryRun(url)
        #expect(stats.result.status == 0)
        #expect(stats.values["records"] == "100001")
        #expect(stats.values["rejected.by_reason.invalid_cpr"] == "100000")
        #expect(stats.values["rejected.by_reason.malformed_row"] == "1")
    }

    @Test("a file of only blank lines, and a BOM-only file: empty_input, exit 2",
          arguments: [("blank lines", 1_000_000), ("BOM only", 0)])
    func empty(name: String, blankLines: Int) throws {
        let bytes = blankLines > 0 ? Array(repeating: UInt8(0x0A), count: blankLines) : [0xEF, 0xBB, 0xBF]
        let url = try Self.write("empty.csv", head: bytes)
        defer { Self.removeFolder(of: url) }
        let stats = try Self.statsAndDryRun(url)
        #expect(stats.result.status == 2)
        #expect(stats.result.stderr.contains("[empty_input]"), "\(stats.result.stderr)")
    }

    @Test("CR-only line ends are line ends")
    func carriageReturnsOnly() throws {
        let text = Self.header + "\r" + Self.row + "\r" + Self.row.replacingOccurrences(of: "0707077077", with: "0101011234") + "\r"
        let url = try Self.write("cr.csv", head: Array(text.utf8))
        defer { Self.removeFolder(of: url) }
        let stats = try Self.statsAndDryRun(url)
        #expect(stats.result.status == 0)
        #expect(stats.values["records"] == "2")
        #expect(stats.values["rejected.total"] == "0")
    }

    @Test("a million short lines: one malformed_row each, in linear time")
    func manyShortLines() throws {
        let url = try Self.write("short.csv", head: Array((Self.header + "\n").utf8),
                                 block: Array("1\n".utf8), count: 1_000_000)
        defer { Self.removeFolder(of: url) }
        let stats = try Self.statsAndDryRun(url)
        #expect(stats.result.status == 0)
        #expect(stats.values["records"] == "1000000")
        #expect(stats.values["rejected.by_reason.malformed_row"] == "1000000")
    }
}
