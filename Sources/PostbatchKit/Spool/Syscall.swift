internal import CSystemCalls
internal import Glibc

/// Thin wrappers over the Glibc calls the spool uses: retry on `EINTR`, turn a
/// failure into a ``SpoolError``.
enum Syscall {
    /// Opens `path`, retrying on `EINTR`.
    ///
    /// - Throws: ``SpoolError`` with the code `errno` maps to.
    static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) throws(SpoolError) -> Int32 {
        try open(path, in: AT_FDCWD, flags, mode, path: path)
    }

    /// Opens `name` in the folder open as `folder` (`openat`; `AT_FDCWD` when `name` is a path
    /// of its own), retrying on `EINTR`.
    ///
    /// - Throws: ``SpoolError`` with the code `errno` maps to, naming `path`.
    static func open(
        _ name: String, in folder: Int32, _ flags: Int32, _ mode: mode_t = 0, path: String
    ) throws(SpoolError) -> Int32 {
        while true {
            let fd = Glibc.openat(folder, name, flags, mode)
            if fd >= 0 { return fd }
            let code = errno
            if code == EINTR { continue }
            throw SpoolError(errno: code, operation: "open", path: path)
        }
    }

    /// `O_TMPFILE`: `openat` makes an unnamed file in the folder, which `linkat` names later
    /// (``linkUnnamed(_:in:as:)``); `nil` on an architecture whose value is not written here.
    /// Swift's Glibc module leaves it out (it is declared only under `_GNU_SOURCE`).
    static let openUnnamed: Int32? = {
        #if arch(x86_64) || arch(i386)
        return 0o20_200_000  // __O_TMPFILE | O_DIRECTORY
        #elseif arch(arm64) || arch(arm)
        return 0o20_040_000
        #else
        return nil
        #endif
    }()

    /// Gives the unnamed file open as `fd` the name `name` in the folder open as `folder`
    /// (`linkat` with `AT_EMPTY_PATH`, which Linux allows a file's opener since 6.10, and
    /// root before). Returns `errno` on failure, `EEXIST` when the name is taken.
    static func linkUnnamed(_ fd: Int32, in folder: Int32, as name: String) -> Int32? {
        let emptyPath: Int32 = 0x1000  // AT_EMPTY_PATH, the same on every architecture
        return Glibc.linkat(fd, "", folder, name, emptyPath) == 0 ? nil : errno
    }

    /// The process's umask, read from `/proc/self/status` (Linux 4.7 and later) without
    /// changing it; `nil` where that line cannot be read. Setting the umask to read it
    /// back, the only other way, would race with every thread creating files.
    static func umask() -> mode_t? {
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            if text.hasPrefix("Umask:") {
                return mode_t(text.dropFirst("Umask:".count).filter { !$0.isWhitespace }, radix: 8)
            }
        }
        return nil
    }

    /// Sets the permission bits of an open file or folder.
    ///
    /// - Throws: ``SpoolError`` (`not_writable` when the caller does not own it).
    static func fchmod(_ fd: Int32, _ mode: mode_t, path: String) throws(SpoolError) {
        if Glibc.fchmod(fd, mode) != 0 {
            throw SpoolError(errno: errno, operation: "fchmod", path: path)
        }
    }

    /// Flushes an open file or folder to stable storage, retrying on `EINTR`.
    ///
    /// - Throws: ``SpoolError`` (`disk_full` when delayed allocation fails, `io` otherwise).
    static func fsync(_ fd: Int32, path: String) throws(SpoolError) {
        while Glibc.fsync(fd) != 0 {
            let code = errno
            if code == EINTR { continue }
            throw SpoolError(errno: code, operation: "fsync", path: path)
        }
    }

    /// Opens a folder and flushes its entries (new names, renames) to disk.
    ///
    /// - Throws: ``SpoolError`` when the folder cannot be opened or synced.
    static func fsyncDirectory(_ path: String) throws(SpoolError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { Glibc.close(fd) }
        try fsync(fd, path: path)
    }

    /// Writes back the whole file system that holds the folder `path` (`syncfs(2)`), retrying
    /// on `EINTR`.
    ///
    /// What `sync()` does, but for the spool's file system only (not every disk of the machine),
    /// and with an error when the kernel could not write something back: since Linux 5.8
    /// `syncfs` reports a write-back error that happened since the folder was opened, for
    /// any file of that file system. `sync()` returns nothing, so a batch whose envelopes were
    /// lost on the way to the disk would have been recorded as done.
    ///
    /// - Throws: ``SpoolError``: the code `errno` maps to (`disk_full`, `io`), naming `path`.
    static func syncFileSystem(containing path: String) throws(SpoolError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { Glibc.close(fd) }
        while CSystemCalls.syncfs(fd) != 0 {
            let code = errno
            if code == EINTR { continue }
            throw SpoolError(errno: code, operation: "syncfs", path: path)
        }
    }

    /// Writes all of `bytes` to `fd`, handling short writes and `EINTR`.
    ///
    /// - Parameters:
    ///   - limit: the most bytes to pass to one `write` call (fault injection), or `nil`.
    /// - Throws: ``SpoolError`` with the code `errno` maps to.
    static func writeAll(
        _ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String, limit: Int? = nil
    ) throws(SpoolError) {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let chunk = limit.map { min($0, remaining) } ?? remaining
            let written = Glibc.write(fd, next, chunk)
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                throw SpoolError(errno: code, operation: "write", path: path)
            }
            if written == 0 {
                throw SpoolError(errno: EIO, operation: "write returned 0", path: path)
            }
            next += written
            remaining -= written
        }
    }

    /// Writes all of an array's bytes to `fd`.
    ///
    /// - Throws: ``SpoolError`` with the code `errno` maps to.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SpoolError) {
        try withBytes(of: bytes) { (buffer) throws(SpoolError) in try writeAll(fd, buffer, path: path) }
    }

    /// `Array.withUnsafeBytes` for a body that throws ``SpoolError``, keeping the
    /// error's type (the standard library's version only rethrows `any Error`).
    static func withBytes(
        of bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(SpoolError) -> Void
    ) throws(SpoolError) {
        var failure: SpoolError?
        bytes.withUnsafeBytes { buffer in
            do throws(SpoolError) {
                try body(buffer)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// `stat` of an open descriptor.
    ///
    /// - Throws: ``SpoolError`` when `fstat` fails.
    static func fstat(_ fd: Int32, path: String) throws(SpoolError) -> stat {
        var info = stat()
        if Glibc.fstat(fd, &info) != 0 {
            throw SpoolError(errno: errno, operation: "fstat", path: path)
        }
        return info
    }

    /// The folder holding `path`: `.` for a bare name, `/` for `/name`.
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `path` and `name` joined with one `/`.
    static func join(_ path: String, _ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }
}
