import Foundation
import Glibc
import Testing
@testable import PostbatchKit

@Suite("TarLZMAWriter and TarLZMAReader")
struct TarLZMATests {
    /// 2021-10-06T00:00:00Z, the first wave day.
    static let waveStart: Int64 = 1_633_478_400

    static let entries: [TarEntry] = (1...3).map { index in
        let uuid = "0b7c4f1e-5a2d-4c3b-9e8f-00000000000\(index)"
        let body = "<memo:Message>letter \(index) æøå</memo:Message>\n"
        return TarEntry(
            name: "\(uuid).xml", bytes: Array(String(repeating: body, count: 200 * index).utf8),
            permissions: 0o600, modificationTime: waveStart)
    }

    /// Writes `entries` into `folder/name` through the atomic writer.
    @discardableResult
    static func writeContainer(_ entries: [TarEntry], in folder: String, name: String,
                               compression: LZMACompression = .preset(6)) throws -> String {
        let file = try AtomicFileWriter(directory: folder).begin(name: name)
        let tar = try TarLZMAWriter(into: file, modificationTime: waveStart, compression: compression)
        for entry in entries { try tar.append(name: entry.name, contents: entry.bytes) }
        #expect(tar.entryCount == entries.count)
        try tar.finish()
        try file.commit()
        return file.finalPath
    }

    @Test("three entries read back equal, in order, 0600, with the given mtime",
          arguments: [LZMACompression.repeats, .preset(6)])
    func roundTrip(compression: LZMACompression) throws {
        let tmp = try TemporaryFolder()
        let path = try Self.writeContainer(Self.entries, in: tmp.path, name: "0001.tar.lzma", compression: compression)
        #expect(try TarLZMAReader.entries(atPath: path) == Self.entries)
        #expect(permissions(of: path) == 0o600)
        #expect(names(in: tmp.path) == ["0001.tar.lzma"])
    }

    @Test("the file is LZMA-alone, not xz, and GNU tar --lzma lists the entries",
          arguments: [LZMACompression.repeats, .preset(6)])
    func gnuTarLists(compression: LZMACompression) throws {
        let tmp = try TemporaryFolder()
        let path = try Self.writeContainer(Self.entries, in: tmp.path, name: "0001.tar.lzma", compression: compression)
        let head = try #require(contents(of: path)).prefix(6)
        #expect(Array(head) != [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz magic")
        #expect(head.first == 0x5D, "lzma-alone properties byte for lc=3 lp=0 pb=2")

        let tar = Process()
        let output = Pipe()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = ["--lzma", "--utc", "-tvf", path]
        tar.standardOutput = output
        try tar.run()
        let listing = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        let lines = listing.split(separator: "\n")
        #expect(lines.count == 3)
        for (line, entry) in zip(lines, Self.entries) {
            #expect(line.hasPrefix("-rw------- 0/0"), "\(line)")
            #expect(line.contains(" \(entry.size) 2021-10-06 00:00 \(entry.name)"), "\(line)")
        }
    }

    @Test("every level keeps 4 MiB of history at least, the fast ones with short match searches")
    func encoderOptions() throws {
        for level in 0...9 {
            let encoder = try #require(TarLZMAWriter.encoderSummary(level: level))
            #expect(encoder.dictionary >= 4 << 20)
            #expect(encoder.shortSearch == (level <= 3), "level \(level)")
        }
        #expect(TarLZMAWriter.encoderSummary(level: 10) == nil)
    }

    @Test("an envelope repeated 2 MiB of others later costs the container almost nothing")
    func farRepeats() throws {
        // Random bytes do not compress: only a match with the first copy saves the second.
        var generator = SystemRandomNumberGenerator()
        func random(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        let repeated = random(256 * 1024)
        let others = (0..<8).map { _ in random(256 * 1024) }
        let entries = ([repeated] + others + [repeated]).enumerated().map { index, bytes in
            TarEntry(name: "\(index).xml", bytes: bytes, permissions: 0o600, modificationTime: Self.waveStart)
        }
        let tmp = try TemporaryFolder()
        let path = try Self.writeContainer(entries, in: tmp.path, name: "0001.tar.lzma")
        let size = try #require(contents(of: path)).count
        // The header's dictionary size, little-endian after the properties byte.
        let head = try #require(contents(of: path)).prefix(5)
        #expect(head.dropFirst().reversed().reduce(0) { $0 << 8 | Int($1) } >= 4 << 20)
        #expect(size < 9 * 256 * 1024 + 64 * 1024, "\(size) bytes: the second copy was not found")
        #expect(try TarLZMAReader.entries(atPath: path) == entries)
    }

    @Test("two writes of the same entries are byte-identical", arguments: [LZMACompression.repeats, .preset(6)])
    func deterministic(compression: LZMACompression) throws {
        let tmp = try TemporaryFolder()
        let first = try Self.writeContainer(Self.entries, in: tmp.path, name: "a.tar.lzma", compression: compression)
        usleep(1_100_000)  // a clock-dependent header would now differ
        let second = try Self.writeContainer(Self.entries, in: tmp.path, name: "b.tar.lzma", compression: compression)
        let firstBytes = try #require(contents(of: first))
        #expect(firstBytes == contents(of: second))
    }

    /// Entries large enough that the compressed stream passes the check in several pieces.
    static let largeEntries: [TarEntry] = (0..<40).map { index in
        var state = UInt64(index + 1)
        let body = (0..<6_000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        return TarEntry(name: "\(index).xml", bytes: body, permissions: 0o600, modificationTime: waveStart)
    }

    @Test("postbatch's encoder passes its check on 24 MiB of copies, more than its 4 MiB of history between writes")
    func copiesPassTheCheck() throws {
        let tmp = try TemporaryFolder()
        let envelope = Self.largeEntries[0].bytes
        let entries = (0..<4_000).map {
            TarEntry(name: "\($0).xml", bytes: envelope, permissions: 0o600, modificationTime: Self.waveStart)
        }
        let written = try TarLZMAWriter.writeContainer(
            folder: tmp.path, name: "0001.tar.lzma", modificationTime: Self.waveStart, compression: .repeats
        ) { tar in
            for entry in entries { try tar.append(name: entry.name, contents: entry.bytes) }
        }
        #expect(written == .repeats, "the check failed and liblzma wrote the container")
        let path = tmp.appending("0001.tar.lzma")
        // About 60 bytes a copy: 64 KiB of stream holds some 6 MiB of tar.
        #expect(try #require(contents(of: path)).count < envelope.count * entries.count / 40)
        #expect(try TarLZMAReader.entries(atPath: path) == entries)
    }

    @Test("a byte of postbatch's stream damaged before the check: lzma_check, and no file is left")
    func damagedStreamIsCaught() throws {
        for offset in [5, 20, 150_000] {
            let tmp = try TemporaryFolder()
            let file = try AtomicFileWriter(directory: tmp.path).begin(name: "0001.tar.lzma")
            let tar = try TarLZMAWriter(into: file, modificationTime: Self.waveStart, compression: .repeats)
            tar.damageForTesting = offset
            let error = #expect(throws: SpoolError.self, "byte \(offset)") {
                for entry in Self.largeEntries { try tar.append(name: entry.name, contents: entry.bytes) }
                try tar.finish()
            }
            #expect(error?.code == .lzmaCheck, "byte \(offset)")
            #expect(names(in: tmp.path) == [], "byte \(offset)")
        }
    }

    @Test("a container whose stream fails the check is written again with liblzma and reads back whole")
    func damagedStreamFallsBack() throws {
        let tmp = try TemporaryFolder()
        var attempts = 0
        let written = try TarLZMAWriter.writeContainer(
            folder: tmp.path, name: "0001.tar.lzma", modificationTime: Self.waveStart, compression: .repeats,
            damaging: 1_000
        ) { tar in
            attempts += 1
            for entry in Self.largeEntries { try tar.append(name: entry.name, contents: entry.bytes) }
        }
        #expect(written == LZMACompression.fallback)
        #expect(attempts == 2)
        #expect(names(in: tmp.path) == ["0001.tar.lzma"])
        #expect(try TarLZMAReader.entries(atPath: tmp.appending("0001.tar.lzma")) == Self.largeEntries)

        let clean = try TarLZMAWriter.writeContainer(
            folder: tmp.path, name: "0002.tar.lzma", modificationTime: Self.waveStart, compression: .repeats
        ) { tar in
            for entry in Self.largeEntries { try tar.append(name: entry.name, contents: entry.bytes) }
        }
        #expect(clean == .repeats)
        #expect(try TarLZMAReader.entries(atPath: tmp.appending("0002.tar.lzma")) == Self.largeEntries)
    }

    @Test("ENOSPC while writing the container leaves no file and throws disk_full")
    func diskFull() throws {
        let tmp = try TemporaryFolder()
        var writer = AtomicFileWriter(directory: tmp.path)
        writer.faults = FaultInjection(failure: .write(afterBytes: 100), errno: ENOSPC)
        let file = try writer.begin(name: "0001.tar.lzma")
        let tar = try TarLZMAWriter(into: file, modificationTime: Self.waveStart, compression: .preset(0))
        let noise = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        let error = #expect(throws: SpoolError.self) {
            for index in 0..<20 { try tar.append(name: "\(index).xml", contents: noise) }
            try tar.finish()
        }
        #expect(error?.code == .diskFull)
        #expect(names(in: tmp.path) == [])
        #expect(throws: SpoolError.self) { try tar.append(name: "late.xml", contents: noise) }
    }

    @Test("refuses entry names a ustar header cannot hold", arguments: ["", "a/b.xml", String(repeating: "x", count: 101), "æ.xml"])
    func invalidEntryNames(name: String) throws {
        let tmp = try TemporaryFolder()
        let file = try AtomicFileWriter(directory: tmp.path).begin(name: "0001.tar.lzma")
        let tar = try TarLZMAWriter(into: file, modificationTime: Self.waveStart)
        let error = #expect(throws: SpoolError.self) { try tar.append(name: name, contents: [1, 2, 3]) }
        #expect(error?.code == .invalidName)
        try tar.append(name: "ok.xml", contents: [1, 2, 3])  // still usable
        try tar.finish()
        try file.commit()
        #expect(try TarLZMAReader.entries(atPath: file.finalPath).map(\.name) == ["ok.xml"])
    }

    @Test("a level outside 0...9 is an archive error and removes the file")
    func badLevel() throws {
        let tmp = try TemporaryFolder()
        let file = try AtomicFileWriter(directory: tmp.path).begin(name: "0001.tar.lzma")
        let error = #expect(throws: SpoolError.self) {
            _ = try TarLZMAWriter(into: file, modificationTime: Self.waveStart, compression: .preset(10))
        }
        #expect(error?.code == .archive)
        #expect(names(in: tmp.path) == [])
    }

    @Test("the reader refuses a plain tar, a truncated container and a missing file")
    func readerRefuses() throws {
        let tmp = try TemporaryFolder()
        let path = try Self.writeContainer(Self.entries, in: tmp.path, name: "0001.tar.lzma")
        let bytes = try #require(contents(of: path))
        let truncated = tmp.appending("cut.tar.lzma")
        #expect(FileManager.default.createFile(atPath: truncated, contents: Data(bytes.prefix(bytes.count / 2))))
        let plain = tmp.appending("plain.tar")
        let unpack = Process()
        unpack.executableURL = URL(fileURLWithPath: "/usr/bin/lzma")
        unpack.arguments = ["-dkc", path]
        let raw = Pipe()
        unpack.standardOutput = raw
        try unpack.run()
        let rawTar = raw.fileHandleForReading.readDataToEndOfFile()
        unpack.waitUntilExit()
        #expect(FileManager.default.createFile(atPath: plain, contents: rawTar))

        for bad in [truncated, plain, tmp.appending("missing.tar.lzma")] {
            let error = #expect(throws: SpoolError.self, "\(bad)") {
                _ = try TarLZMAReader.entries(atPath: bad)
            }
            #expect(error?.code == .archive)
        }
    }
}
