internal import Glibc

/// The root folder of a delivery spool: creates private folders and takes the
/// run lock.
///
/// Every folder the spool creates or reuses at or below ``path`` has mode `0700`,
/// whatever the user's umask: a new folder is `chmod`ed explicitly, and an
/// existing one that group or others could read is tightened. Folders *above*
/// the root that already exist are left as they are; missing ones are created
/// `0700` too (`mkdir -p` semantics).
///
/// ```swift
/// let spool = SpoolDirectory(path: "/srv/spool")
/// var lock = try spool.lock()                  // before anything else
/// defer { lock.release() }
/// let day = try spool.makeDirectory("digital/2021-10-06/0a")
/// let writer = AtomicFileWriter(directory: day)
/// …
/// ```
package struct SpoolDirectory: Sendable {
    /// The name of the lock file inside the spool root.
    package static let lockFileName = SpoolLayout.lock

    /// The spool root as given, without a trailing slash.
    package let path: String

    /// Names a spool root; nothing is touched on disk until a method is called.
    ///
    /// - Parameter path: the spool folder, absolute or relative to the working folder.
    package init(path: String) {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.path = path
    }

    /// Creates the spool root, and any missing parents, as private folders.
    ///
    /// Safe to call again: an existing root is checked and tightened to `0700`.
    ///
    /// - Returns: ``path``.
    /// - Throws: ``SpoolError`` with code `not_writable` when a folder cannot be
    ///   created or its mode not changed (another user's folder, read-only disk),
    ///   `disk_full`, or `io` (for example when a file stands where a folder
    ///   should be).
    @discardableResult
    package func create() throws(SpoolError) -> String {
        try Self.makePrivateDirectories(path)
        return path
    }

    /// Creates `relativePath` below the root, and the root itself, as private
    /// folders (`mkdir -p`).
    ///
    /// - Parameter relativePath: folders below the root separated by `/`,
    ///   `digital/2021-10-06`; empty components are ignored, `..` is refused.
    /// - Returns: the full path of the folder.
    /// - Throws: ``SpoolError``: `invalid_name` for a `..` component, otherwise as
    ///   ``create()``.
    @discardableResult
    package func makeDirectory(_ relativePath: String) throws(SpoolError) -> String {
        let components = relativePath.split(separator: "/").filter { $0 != "." }
        if components.contains("..") {
            throw SpoolError(
                code: .invalidName, path: relativePath,
                message: "'\(relativePath)' climbs out of the spool with '..': name a folder below \(path)")
        }
        try create()
        var full = path
        for component in components {
            full = Syscall.join(full, String(component))
            try Self.makePrivateDirectory(full)
        }
        return full
    }

    /// Takes the spool's run lock: an exclusive, non-blocking `flock` on
    /// `DIR/.lock`, which holds this process's id.
    ///
    /// The lock is held until the returned ``SpoolLock`` is released or goes out
    /// of existence; the operating system also drops it if the process dies, so a
    /// killed run never leaves a stale lock behind. The lock file itself stays.
    /// Creates the root first if it does not exist.
    ///
    /// - Returns: the held lock; call ``SpoolLock/release()`` when the run ends.
    /// - Throws: ``SpoolError`` with code `locked` while another run (in this or
    ///   another process) holds the lock, naming its pid; `not_writable`,
    ///   `disk_full` or `io` when the lock file cannot be created or written.
    package func lock() throws(SpoolError) -> SpoolLock {
        try create()
        let lockPath = Syscall.join(path, Self.lockFileName)
        let fd = try Syscall.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        do throws(SpoolError) {
            try Syscall.fchmod(fd, 0o600, path: lockPath)
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EWOULDBLOCK {
                    let holder = Self.readPid(fd).map { "pid \($0)" } ?? "pid unknown"
                    throw SpoolError(
                        code: .locked, path: path, cause: "flock: \(SpoolError.describe(errno: code))",
                        message: "another postbatch run is using \(path) (\(holder)): wait for it to "
                            + "finish, or stop it, then run the same command again")
                }
                throw SpoolError(errno: code, operation: "flock", path: lockPath)
            }
            if ftruncate(fd, 0) != 0 {
                throw SpoolError(errno: errno, operation: "ftruncate", path: lockPath)
            }
            try Syscall.writeAll(fd, Array("\(getpid())\n".utf8), path: lockPath)
        } catch {
            close(fd)
            throw error
        }
        return SpoolLock(descriptor: fd, path: path)
    }

    // MARK: - Helpers

    /// The pid written in an open lock file, if it holds one.
    private static func readPid(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        return Int32(text.trimmingSpaces())
    }

    /// `mkdir -p` of `path`: missing folders are created `0700`; of the existing
    /// ones only the last, the spool root, is checked and tightened.
    private static func makePrivateDirectories(_ path: String) throws(SpoolError) {
        let components = path.split(separator: "/")
        var current = path.hasPrefix("/") ? "/" : ""
        for (index, component) in components.enumerated() {
            current = index == 0 ? current + component : current + "/" + component
            if index == components.count - 1 {
                try makePrivateDirectory(current)
            } else {
                try makeMissingDirectory(current)
            }
        }
    }

    /// Creates `path` `0700` if it is missing; an existing folder is not changed.
    private static func makeMissingDirectory(_ path: String) throws(SpoolError) {
        if mkdir(path, 0o700) == 0 {
            let fd = try Syscall.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            defer { close(fd) }
            try Syscall.fchmod(fd, 0o700, path: path)
            return
        }
        let code = errno
        if code != EEXIST {
            throw SpoolError(errno: code, operation: "mkdir", path: path)
        }
    }

    /// Creates `path` if missing, then makes sure it is a folder with mode `0700`.
    private static func makePrivateDirectory(_ path: String) throws(SpoolError) {
        var created = false
        if mkdir(path, 0o700) == 0 {
            created = true
        } else if errno != EEXIST {
            throw SpoolError(errno: errno, operation: "mkdir", path: path)
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOTDIR {
                throw SpoolError(
                    code: .io, path: path, cause: "open: \(SpoolError.describe(errno: code))",
                    message: "\(path) exists but is not a folder: move it away or choose another --spool")
            }
            throw SpoolError(errno: code, operation: "open", path: path)
        }
        defer { close(fd) }
        let info = try Syscall.fstat(fd, path: path)
        if created || info.st_mode & 0o7777 != 0o700 {
            try Syscall.fchmod(fd, 0o700, path: path)
        }
        if created {
            // Make the new name durable, so files renamed into it later survive a crash.
            try Syscall.fsyncDirectory(Syscall.parent(of: path))
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    fileprivate func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
