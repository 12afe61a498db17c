import Foundation
import Glibc
import Testing
@testable import PostbatchKit

@Suite("AtomicFileWriter")
struct AtomicFileWriterTests {
    let envelope = Array(repeating: Array("<memo:Message>æøå</memo:Message>\n".utf8), count: 500).flatMap { $0 }

    @Test("writes the bytes under the final name and leaves no temporary file")
    func writesWhole() throws {
        let tmp = try TemporaryFolder()
        let path = try AtomicFileWriter(directory: tmp.path).write(envelope, to: "a.xml")
        #expect(path == tmp.appending("a.xml"))
        #expect(contents(of: path) == envelope)
        #expect(names(in: tmp.path) == ["a.xml"])
    }

    @Test("replaces an existing file of the same name")
    func replaces() throws {
        let tmp = try TemporaryFolder()
        let writer = AtomicFileWriter(directory: tmp.path, syncDirectory: false)
        try writer.write(Array("old".utf8), to: "a.xml")
        try writer.write(Array("new".utf8), to: "a.xml")
        #expect(contents(of: tmp.appending("a.xml")) == Array("new".utf8))
        #expect(names(in: tmp.path) == ["a.xml"])
    }

    @Test("streams a file in pieces, visible only after commit")
    func streams() throws {
        let tmp = try TemporaryFolder()
        let file = try AtomicFileWriter(directory: tmp.path).begin(name: "big.tar.lzma")
        #expect(names(in: tmp.path).count == 1)
        #expect(!exists(tmp.appending("big.tar.lzma")))
        #expect(file.temporaryPath.hasPrefix(tmp.appending(".big.tar.lzma.tmp-\(getpid())-")))
        for _ in 0..<10 { try file.write(envelope) }
        try file.write(envelope.lazy.map { $0 })  // a sequence without contiguous storage
        try envelope.withUnsafeBytes { buffer in try file.write(buffer) }
        #expect(file.bytesWritten == envelope.count * 12)
        try file.commit()
        #expect(contents(of: file.finalPath) == Array(repeating: envelope, count: 12).flatMap { $0 })
        #expect(names(in: tmp.path) == ["big.tar.lzma"])
    }

    @Test("short writes are continued until every byte is written")
    func shortWrites() throws {
        let tmp = try TemporaryFolder()
        var writer = AtomicFileWriter(directory: tmp.path)
        writer.faults = FaultInjection(maxBytesPerWrite: 7)
        try writer.write(envelope, to: "a.xml")
        #expect(contents(of: tmp.appending("a.xml")) == envelope)
    }

    @Test("abort and an abandoned file leave nothing behind")
    func abortLeavesNothing() throws {
        let tmp = try TemporaryFolder()
        let writer = AtomicFileWriter(directory: tmp.path)
        let file = try writer.begin(name: "a.xml")
        try file.write(envelope)
        file.abort()
        file.abort()  // a second abort does nothing
        #expect(throws: SpoolError.self) { try file.commit() }
        do {
            let abandoned = try writer.begin(name: "b.xml")
            try abandoned.write(envelope)
        }
        #expect(names(in: tmp.path) == [])
    }

    @Test(
        "an injected ENOSPC or EDQUOT leaves neither final nor temporary file and throws disk_full",
        arguments: [(ENOSPC, 0), (ENOSPC, 1000), (EDQUOT, 17_000)])
    func diskFull(errno code: Int32, afterBytes: Int) throws {
        let tmp = try TemporaryFolder()
        var writer = AtomicFileWriter(directory: tmp.path)
        writer.faults = FaultInjection(failure: .write(afterBytes: afterBytes), errno: code, maxBytesPerWrite: 512)
        let error = #expect(throws: SpoolError.self) { try writer.write(envelope, to: "a.xml") }
        #expect(error?.code == .diskFull)
        #expect(error?.message.contains("the disk holding \(tmp.path) is full") == true)
        #expect(error?.cause?.contains("ENOSPC") == true || error?.cause?.contains("EDQUOT") == true)
        #expect(names(in: tmp.path) == [])
    }

    @Test("ENOSPC in the middle of a streamed file removes it; later calls throw")
    func diskFullWhileStreaming() throws {
        let tmp = try TemporaryFolder()
        var writer = AtomicFileWriter(directory: tmp.path)
        writer.faults = FaultInjection(failure: .write(afterBytes: envelope.count * 2 + 10), errno: ENOSPC)
        let file = try writer.begin(name: "a.tar.lzma")
        try file.write(envelope)
        try file.write(envelope)
        let error = #expect(throws: SpoolError.self) { try file.write(envelope) }
        #expect(error?.code == .diskFull)
        #expect(names(in: tmp.path) == [])
        #expect(throws: SpoolError.self) { try file.write(envelope) }
        #expect(throws: SpoolError.self) { try file.commit() }
        #expect(names(in: tmp.path) == [])
    }

    @Test(
        "failures at open, fsync and rename map errno to the right code and leave nothing",
        arguments: [
            (FaultInjection.Point.open, EROFS, SpoolError.Code.notWritable),
            (.open, EACCES, .notWritable),
            (.fsync, ENOSPC, .diskFull),
            (.fsync, EIO, .io),
            (.rename, EPERM, .notWritable),
        ])
    func injectedFailures(at point: FaultInjection.Point, errno code: Int32, expected: SpoolError.Code) throws {
        let tmp = try TemporaryFolder()
        var writer = AtomicFileWriter(directory: tmp.path)
        writer.faults = FaultInjection(failure: point, errno: code)
        let error = #expect(throws: SpoolError.self) { try writer.write(envelope, to: "a.xml") }
        #expect(error?.code == expected)
        #expect(names(in: tmp.path) == [])
    }

    @Test("a read-only folder gives not_writable")
    func readOnlyFolder() throws {
        let tmp = try TemporaryFolder()
        let target = tmp.appending("ro")
        #expect(mkdir(target, 0o700) == 0)
        if getuid() == 0 {
            // Root ignores mode bits: mount a read-only file system instead.
            let mount = try Process.run(URL(fileURLWithPath: "/bin/mount"), arguments: ["-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", target])
            mount.waitUntilExit()
            try #require(mount.terminationStatus == 0, "mounting a read-only tmpfs failed")
        } else {
            #expect(chmod(target, 0o500) == 0)
        }
        defer {
            if getuid() == 0 {
                let unmount = try? Process.run(URL(fileURLWithPath: "/bin/umount"), arguments: [target])
                unmount?.waitUntilExit()
            } else {
                chmod(target, 0o700)
            }
        }
        let error = #expect(throws: SpoolError.self) {
            try AtomicFileWriter(directory: target).write(envelope, to: "a.xml")
        }
        #expect(error?.code == .notWritable)
    }

    @Test("a missing folder is an io error, not a crash")
    func missingFolder() throws {
        let tmp = try TemporaryFolder()
        let error = #expect(throws: SpoolError.self) {
            try AtomicFileWriter(directory: tmp.appending("nowhere")).write(envelope, to: "a.xml")
        }
        #expect(error?.code == .io)
    }

    @Test("a writer given the open folder creates, replaces, renames and removes relative to it")
    func relativeToFolder() throws {
        let tmp = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: tmp.appending("x"), withIntermediateDirectories: false)
        let folder = open(tmp.appending("x"), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(folder >= 0)
        defer { close(folder) }
        var writer = AtomicFileWriter(directory: tmp.appending("x"), descriptor: folder, syncDirectory: false)
        try writer.write(Array("old".utf8), to: "a.xml")
        let path = try writer.write(envelope, to: "a.xml")
        #expect(path == tmp.appending("x/a.xml"))
        #expect(contents(of: path) == envelope)
        let file = try writer.begin(name: "b.xml")
        try file.write(envelope)
        file.abort()
        writer.faults = FaultInjection(failure: .rename, errno: EIO)
        let error = #expect(throws: SpoolError.self) { try writer.write(envelope, to: "c.xml") }
        #expect(error?.path == tmp.appending("x/c.xml"))
        #expect(names(in: tmp.appending("x")) == ["a.xml"])
        // The descriptor, not the path: the folder moved, and the next file follows it.
        try FileManager.default.moveItem(atPath: tmp.appending("x"), toPath: tmp.appending("y"))
        writer.faults = nil
        try writer.write(envelope, to: "d.xml")
        #expect(names(in: tmp.appending("y")) == ["a.xml", "d.xml"])
        #expect(contents(of: tmp.appending("y/d.xml")) == envelope)
    }

    @Test("an unnamed file has no name until commit links it, replaces its name's file, leaves nothing on abort")
    func unnamedFiles() throws {
        let tmp = try TemporaryFolder()
        let folder = open(tmp.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(folder >= 0)
        defer { close(folder) }
        #expect(AtomicFileWriter.canLinkUnnamedFiles(in: folder), "O_TMPFILE and linkat(AT_EMPTY_PATH) here")
        #expect(names(in: tmp.path) == [], "the check removes the file it made")
        var writer = AtomicFileWriter(directory: tmp.path, descriptor: folder, syncDirectory: false)
        writer.linksUnnamedFiles = true
        writer.umask = 0o077
        let file = try writer.begin(name: "a.xml")
        try file.write(envelope)
        #expect(names(in: tmp.path) == [], "nothing in the folder before the commit")
        try file.commit()
        #expect(names(in: tmp.path) == ["a.xml"])
        #expect(contents(of: tmp.appending("a.xml")) == envelope)
        #expect(permissions(of: tmp.appending("a.xml")) == 0o600)

        try writer.write(Array("new".utf8), to: "a.xml")
        #expect(contents(of: tmp.appending("a.xml")) == Array("new".utf8))
        let dropped = try writer.begin(name: "b.xml")
        try dropped.write(envelope)
        dropped.abort()
        do {
            let abandoned = try writer.begin(name: "c.xml")
            try abandoned.write(envelope)
        }
        let faults: [(FaultInjection.Point, Int32)] = [
            (.rename, EIO), (.fsync, ENOSPC), (.write(afterBytes: 10), ENOSPC),
        ]
        for (point, code) in faults {
            writer.faults = FaultInjection(failure: point, errno: code)
            writer.syncFile = true
            let error = #expect(throws: SpoolError.self) { try writer.write(envelope, to: "d.xml") }
            #expect(error?.path == tmp.appending("d.xml"))
        }
        #expect(names(in: tmp.path) == ["a.xml"])
    }

    @Test("files begin named where they cannot begin unnamed: the check says no for a folder it cannot use")
    func unnamedFilesNotPossible() throws {
        let tmp = try TemporaryFolder()
        try AtomicFileWriter(directory: tmp.path).write(Array("x".utf8), to: "plain")
        let file = open(tmp.appending("plain"), O_RDONLY | O_CLOEXEC)
        try #require(file >= 0)
        defer { close(file) }
        #expect(!AtomicFileWriter.canLinkUnnamedFiles(in: file))
        #expect(!AtomicFileWriter.canLinkUnnamedFiles(in: -1))
        var writer = AtomicFileWriter(directory: tmp.path)
        writer.linksUnnamedFiles = true  // without an open folder: temporary names, as before
        let pending = try writer.begin(name: "a.xml")
        #expect(pending.temporaryPath.hasPrefix(tmp.appending(".a.xml.tmp-")))
        try pending.commit()
        #expect(names(in: tmp.path) == ["a.xml", "plain"])
    }

    @Test("the fchmod is skipped only for a known umask that leaves 0600 whole")
    func fchmodOnlyWhenNeeded() throws {
        let tmp = try TemporaryFolder()
        var writer = AtomicFileWriter(directory: tmp.path)
        writer.faults = FaultInjection(failure: .fchmod, errno: EPERM)
        writer.umask = 0o022
        try writer.write(envelope, to: "skipped.xml")
        for umask: mode_t? in [nil, 0o277, 0o200] {
            writer.umask = umask
            let error = #expect(throws: SpoolError.self, "umask \(String(describing: umask))") {
                try writer.write(envelope, to: "a.xml")
            }
            #expect(error?.code == .notWritable)
        }
        #expect(names(in: tmp.path) == ["skipped.xml"])
    }

    @Test("syncfs of the folder's file system succeeds for a folder and names a missing one")
    func syncsFileSystem() throws {
        let tmp = try TemporaryFolder()
        try AtomicFileWriter(directory: tmp.path, syncDirectory: false).write(envelope, to: "a.xml")
        try Syscall.syncFileSystem(containing: tmp.path)
        let error = #expect(throws: SpoolError.self) {
            try Syscall.syncFileSystem(containing: tmp.appending("nowhere"))
        }
        #expect(error?.code == .io)
        #expect(error?.message.contains(tmp.appending("nowhere")) == true)
    }

    @Test("refuses names that are not one plain component", arguments: ["", ".", "..", "a/b.xml", ".a.xml.tmp-1"])
    func invalidNames(name: String) throws {
        let tmp = try TemporaryFolder()
        let error = #expect(throws: SpoolError.self) {
            try AtomicFileWriter(directory: tmp.path).write(envelope, to: name)
        }
        #expect(error?.code == .invalidName)
        #expect(names(in: tmp.path) == [])
    }

    @Test("removeTemporaries deletes leftovers in every folder and nothing else")
    func removesTemporaries() throws {
        let tmp = try TemporaryFolder()
        let spool = SpoolDirectory(path: tmp.appending("spool"))
        let day = try spool.makeDirectory("digital/2021-10-06/0a")
        var lock = try spool.lock()
        let writer = AtomicFileWriter(directory: day)
        try writer.write(envelope, to: "kept.xml")
        // What a killed run leaves: temporary files that were never committed.
        for folder in [spool.path, day] {
            let leftover = try AtomicFileWriter(directory: folder).begin(name: "lost.xml")
            try leftover.write(envelope)
            #expect(link(leftover.temporaryPath, leftover.temporaryPath + "-copy") == 0)
        }
        #expect(FileManager.default.createFile(atPath: day + "/.hidden", contents: Data()))
        #expect(symlink("kept.xml", day + "/.link.tmp-1") == 0)

        let removed = try AtomicFileWriter.removeTemporaries(in: spool.path)
        #expect(removed == 2)
        #expect(names(in: spool.path) == [".lock", "digital"])
        #expect(names(in: day) == [".hidden", ".link.tmp-1", "kept.xml"])
        #expect(try AtomicFileWriter.removeTemporaries(in: spool.path) == 0)
        #expect(try AtomicFileWriter.removeTemporaries(in: tmp.appending("missing")) == 0)
        lock.release()
    }
}
