import Foundation
import Glibc
import Testing
@testable import PostbatchKit

/// Every test that changes the process-wide umask, in one serialized suite so no
/// two of them race on setting and restoring it.
@Suite("Spool permissions under umask 000", .serialized)
struct SpoolPermissionTests {
    @Test("creates the root and nested folders 0700")
    func privateFolders() throws {
        let tmp = try TemporaryFolder()
        let root = tmp.appending("out/spool")
        let spool = SpoolDirectory(path: root)
        let day = try withUmask(0) { try spool.makeDirectory("digital/2021-10-06/0a") }
        #expect(day == root + "/digital/2021-10-06/0a")
        for path in [tmp.appending("out"), root, root + "/digital", root + "/digital/2021-10-06", day] {
            #expect(permissions(of: path) == 0o700, "\(path)")
        }
    }

    @Test("writes files 0600, whole and streamed")
    func privateFiles() throws {
        let tmp = try TemporaryFolder()
        let writer = AtomicFileWriter(directory: tmp.path)
        try withUmask(0) {
            try writer.write(Array("<a/>".utf8), to: "whole.xml")
            let file = try writer.begin(name: "streamed.xml")
            #expect(permissions(of: file.temporaryPath) == 0o600)
            try file.write(Array("<b/>".utf8))
            try file.commit()
        }
        #expect(permissions(of: tmp.appending("whole.xml")) == 0o600)
        #expect(permissions(of: tmp.appending("streamed.xml")) == 0o600)
    }

    @Test("the umask is read without being changed")
    func readsUmask() throws {
        let outside = Syscall.umask()
        #expect(outside != nil)
        for mask: mode_t in [0, 0o027, 0o277] {
            #expect(withUmask(mask) { Syscall.umask() } == mask)
        }
        #expect(Syscall.umask() == outside)
    }

    @Test("the lock file is 0600")
    func privateLockFile() throws {
        let tmp = try TemporaryFolder()
        let spool = SpoolDirectory(path: tmp.appending("spool"))
        var lock = try withUmask(0) { try spool.lock() }
        defer { lock.release() }
        #expect(permissions(of: spool.path + "/.lock") == 0o600)
    }
}
