import Glibc
import Testing
@testable import PostbatchKit

/// A loose run keeps each open batch's folder open for its letters, and lets go of it.
@Suite("Folder descriptors")
struct FolderDescriptorsTests {
    static let first = OpenBatchesTests.first
    static let second = OpenBatchesTests.second

    /// Whether `descriptor` is open on the folder at `path`. (After a close, another test
    /// running beside this one may get the same number, but not for this test's folder.)
    static func isOpen(_ descriptor: Int32, on path: String) -> Bool {
        var opened = stat()
        var named = stat()
        guard fstat(descriptor, &opened) == 0, stat(path, &named) == 0 else { return false }
        return opened.st_dev == named.st_dev && opened.st_ino == named.st_ino
    }

    @Test("a batch's folder is open until the batch is closed; the others close with the object")
    func lifecycle() throws {
        let tmp = try TemporaryFolder()
        let a = tmp.appending("a")
        let b = tmp.appending("b")
        for path in [a, b] { #expect(mkdir(path, 0o700) == 0) }
        var folders: FolderDescriptors? = FolderDescriptors()
        try folders?.open(a, for: Self.first)
        try folders?.open(b, for: Self.second)
        let first = try #require(folders?.folder(of: Self.first)?.descriptor)
        let second = try #require(folders?.folder(of: Self.second)?.descriptor)
        // This machine's file systems and kernel let a loose run's letters begin unnamed.
        #expect(folders?.folder(of: Self.first)?.linksUnnamedFiles == true)
        #expect(Self.isOpen(first, on: a) && Self.isOpen(second, on: b))

        folders?.close(Self.first)
        #expect(folders?.folder(of: Self.first) == nil)
        #expect(!Self.isOpen(first, on: a))
        #expect(Self.isOpen(second, on: b))

        folders = nil
        #expect(!Self.isOpen(second, on: b))
    }

    @Test("a missing folder is a spool error naming it")
    func missingFolder() throws {
        let tmp = try TemporaryFolder()
        let error = #expect(throws: SpoolError.self) {
            try FolderDescriptors().open(tmp.appending("nowhere"), for: Self.first)
        }
        #expect(error?.path == tmp.appending("nowhere"))
    }
}
