import Foundation
import Glibc
@testable import PostbatchKit
import PostbatchTesting

/// A fresh temporary folder for one test, removed again by `remove()`.
struct TemporaryFolder: ~Copyable {
    let path: String

    init() throws {
        path = try Scratch.folder("spool").path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/name`.
    func appending(_ name: String) -> String { path + "/" + name }
}

/// The permission bits of `path` (without following a final symlink).
func permissions(of path: String) -> mode_t? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return info.st_mode & 0o7777
}

/// The names in a folder, sorted, hidden ones included.
func names(in path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
}

/// Whether a file or folder exists at `path`.
func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}

/// The contents of a file.
func contents(of path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { Array($0) }
}

/// Runs `body` with the process umask set to `mask`, restoring it afterwards.
/// Only call from a `.serialized` suite: the umask is process-wide.
func withUmask<R: ~Copyable>(_ mask: mode_t, _ body: () throws -> R) rethrows -> R {
    let previous = umask(mask)
    defer { umask(previous) }
    return try body()
}
