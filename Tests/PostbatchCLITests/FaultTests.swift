import Foundation
import Testing
import PostbatchTesting

/// A small tmpfs mounted for one test (CI runs as root, which mounting needs).
struct Mount: ~Copyable {
    let path: URL

    init(at path: URL, options: String) throws {
        try #require(getuid() == 0, "mounting a test file system needs root, as CI has")
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        let result = try CLI.execute(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", options, "tmpfs", path.path])
        try #require(result.status == 0, "mount failed: \(result.stderr)")
        self.path = path
    }

    func remount(_ options: String) throws {
        let result = try CLI.execute(URL(fileURLWithPath: "/bin/mount"), ["-o", "remount,\(options)", path.path])
        try #require(result.status == 0, "remount failed: \(result.stderr)")
    }

    deinit {
        _ = try? CLI.execute(URL(fileURLWithPath: "/bin/umount"), ["-l", path.path])
    }
}

@Suite("Faults during a run", .serialized)
struct FaultTests {
    let now = "2021-10-01T08:00:00Z"

    @Test("a full disk stops the run with exit 3; what was written stays valid and a re-run finishes")
    func diskFull() throws {
        try Schemas.require()
        let directory = try Scratch.folder("cli")
        let csv = try CLI.generate(["--count", "600", "--seed", "3"], into: directory)
        let reference = directory.appendingPathComponent("reference")
        #expect(try CLI.run(["run", csv.path, "--spool", reference.path, "--now", now]).status == 0)

        let mount = try Mount(at: directory.appendingPathComponent("small"), options: "size=3m,mode=0700")
        let spool = mount.path.appendingPathComponent("spool")
        let full = try CLI.run(["run", csv.path, "--spool", spool.path, "--now", now])
        #expect(full.status == 3)
        #expect(full.stderr.contains("disk_full"), "\(full.stderr)")
        #expect(full.stderr.split(separator: "\n").contains { $0.hasPrefix("postbatch: error: ") })
        // What is there is whole: every envelope validates, no temporary file is left.
        let partial = try Spool.files(spool)
        #expect(!partial.keys.contains { $0.contains(".tmp-") })
        let validate = try CLI.run(["validate", spool.path, "--schema", Schemas.memo12, "--schema", Schemas.paper])
        #expect(validate.stdout.contains(" 0 failed"), "\(validate.stdout)")

        try mount.remount("size=200m")
        let finish = try CLI.run(["run", csv.path, "--spool", spool.path, "--now", now])
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(try Spool.files(spool) == (try Spool.files(reference)))
    }

    @Test("a read-only spool is exit 3 with a clear message")
    func readOnlySpool() throws {
        let directory = try Scratch.folder("cli")
        let csv = try CLI.generate(["--count", "50", "--seed", "3"], into: directory)
        let mount = try Mount(at: directory.appendingPathComponent("ro"), options: "size=1m,ro")
        let result = try CLI.run(["run", csv.path, "--spool", mount.path.appendingPathComponent("spool").path])
        #expect(result.status == 3)
        #expect(result.stderr.contains("not_writable"), "\(result.stderr)")
    }

    @Test("a spool made read-only in the middle of a run: exit 3, then a re-run finishes the same spool")
    func readOnlyMidRun() throws {
        let directory = try Scratch.folder("cli")
        let csv = try CLI.generate(["--count", "1500", "--seed", "4"], into: directory)
        let reference = directory.appendingPathComponent("reference")
        #expect(try CLI.run(["run", csv.path, "--spool", reference.path, "--now", now]).status == 0)

        // A busy file system cannot be remounted read-only, so the spool's folders and
        // files are made immutable instead (ext4's `chattr +i`, which stops root too).
        let spool = directory.appendingPathComponent("spool")
        let chattr = URL(fileURLWithPath: "/usr/bin/chattr")
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", csv.path, "--spool", spool.path, "--now", now]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while (try? FileManager.default.contentsOfDirectory(atPath: spool.appendingPathComponent("digital").path))?.isEmpty ?? true,
              Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        let wasRunning = process.isRunning
        let freeze = try CLI.execute(chattr, ["-R", "+i", spool.path])
        try #require(freeze.status == 0, "chattr failed (the temporary folder must be on ext4): \(freeze.stderr)")
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        _ = try CLI.execute(chattr, ["-R", "-i", spool.path])
        if wasRunning {
            #expect(process.terminationStatus == 3, "\(stderr)")
            #expect(stderr.contains("not_writable"), "\(stderr)")
        }
        let finish = try CLI.run(["run", csv.path, "--spool", spool.path, "--now", now])
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(try Spool.files(spool) == (try Spool.files(reference)))
    }
}
