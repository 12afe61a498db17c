import Foundation
import Glibc
import Testing
@testable import PostbatchKit

/// Spool folders and the run lock. Tests that change the umask live in
/// ``SpoolPermissionTests``.
@Suite("SpoolDirectory")
struct SpoolDirectoryTests {
    @Test("tightens an existing spool folder that others could read")
    func tightensExistingFolder() throws {
        let tmp = try TemporaryFolder()
        let root = tmp.appending("spool")
        #expect(mkdir(root, 0o755) == 0)
        #expect(mkdir(root + "/print", 0o777) == 0)
        #expect(chmod(root + "/print", 0o777) == 0)
        let spool = SpoolDirectory(path: root + "/")
        #expect(spool.path == root)
        try spool.makeDirectory("print")
        #expect(permissions(of: root) == 0o700)
        #expect(permissions(of: root + "/print") == 0o700)
    }

    @Test("leaves existing folders above the spool root alone")
    func leavesParentsAlone() throws {
        let tmp = try TemporaryFolder()
        #expect(chmod(tmp.path, 0o755) == 0)
        try SpoolDirectory(path: tmp.appending("spool")).create()
        #expect(permissions(of: tmp.path) == 0o755)
    }

    @Test("refuses '..' in a folder below the root")
    func refusesParentComponent() throws {
        let tmp = try TemporaryFolder()
        let error = #expect(throws: SpoolError.self) {
            try SpoolDirectory(path: tmp.path).makeDirectory("digital/../../etc")
        }
        #expect(error?.code == .invalidName)
    }

    @Test("a file where the root should be is an io error naming the path")
    func fileInTheWay() throws {
        let tmp = try TemporaryFolder()
        let root = tmp.appending("spool")
        #expect(FileManager.default.createFile(atPath: root, contents: Data()))
        let error = #expect(throws: SpoolError.self) { try SpoolDirectory(path: root).create() }
        #expect(error?.code == .io)
        #expect(error?.path == root)
    }

    @Test("a second lock fails with code locked and the pid while the first is held")
    func secondLockFails() throws {
        let tmp = try TemporaryFolder()
        let spool = SpoolDirectory(path: tmp.appending("spool"))
        var first = try spool.lock()
        let lockFile = spool.path + "/" + SpoolDirectory.lockFileName
        #expect(permissions(of: lockFile) == 0o600)
        #expect(contents(of: lockFile) == Array("\(getpid())\n".utf8))

        let error = #expect(throws: SpoolError.self) { _ = try spool.lock() }
        #expect(error?.code == .locked)
        #expect(error?.message.hasPrefix("another postbatch run is using \(spool.path) (pid \(getpid()))") == true)

        first.release()
        var again = try spool.lock()
        again.release()
    }

    @Test("a lock from another process is refused too")
    func lockHeldByAnotherProcess() throws {
        let tmp = try TemporaryFolder()
        let spool = SpoolDirectory(path: tmp.appending("spool"))
        try spool.create()
        // flock(1) holds the lock in a child process until its stdin closes.
        let holder = Process()
        let input = Pipe()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [spool.path + "/.lock", "cat"]
        holder.standardInput = input
        holder.standardOutput = FileHandle.nullDevice
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/flock"))
        try holder.run()
        defer {
            try? input.fileHandleForWriting.close()
            holder.waitUntilExit()
        }
        var error: SpoolError?
        for _ in 0..<100 {  // wait until the child has the lock
            do throws(SpoolError) {
                var probe = try spool.lock()
                probe.release()
                usleep(20_000)
            } catch let e {
                error = e
                break
            }
        }
        #expect(error?.code == .locked)
    }
}
