internal import Glibc

extension SpoolError {
    /// Creates the error for a failed system call, choosing the code from `errno`.
    ///
    /// `ENOSPC` and `EDQUOT` become ``Code/diskFull``; `EACCES`, `EPERM` and
    /// `EROFS` become ``Code/notWritable``; `EWOULDBLOCK` becomes
    /// ``Code/locked``; everything else is ``Code/io``. The message names the
    /// folder that holds `path` where that is what the person must act on.
    ///
    /// - Parameters:
    ///   - errno: the value of `errno` right after the failing call.
    ///   - operation: the call that failed, `write`, `fsync`, `rename`; it goes
    ///     into ``cause``.
    ///   - path: the file or folder the call was about.
    package init(errno code: Int32, operation: String, path: String) {
        let cause = "\(operation): \(Self.describe(errno: code))"
        switch code {
        case ENOSPC, EDQUOT:
            self.init(
                code: .diskFull, path: path, cause: cause,
                message: "the disk holding \(Syscall.parent(of: path)) is full: free space and run the "
                    + "same command again; what was written stays valid")
        case EACCES, EPERM, EROFS:
            self.init(
                code: .notWritable, path: path, cause: cause,
                message: "postbatch may not write \(path): make the folder writable for this user "
                    + "(or choose another --spool on a writable disk) and run the same command again")
        case EWOULDBLOCK:
            self.init(
                code: .locked, path: path, cause: cause,
                message: "another process holds the lock on \(path): wait for it to finish")
        default:
            self.init(
                code: .io, path: path, cause: cause,
                message: "reading or writing \(path) failed: check the disk and run the same "
                    + "command again; what was written completely stays valid")
        }
    }

    /// `strerror` text followed by the symbolic name, `No space left on device (ENOSPC)`.
    package static func describe(errno code: Int32) -> String {
        let text = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return symbolicNames[code].map { "\(text) (\($0))" } ?? text
    }

    private static let symbolicNames: [Int32: String] = [
        ENOSPC: "ENOSPC", EDQUOT: "EDQUOT", EACCES: "EACCES", EPERM: "EPERM",
        EROFS: "EROFS", EIO: "EIO", ENOENT: "ENOENT", ENOTDIR: "ENOTDIR",
        EEXIST: "EEXIST", EWOULDBLOCK: "EWOULDBLOCK", EISDIR: "EISDIR",
        EMFILE: "EMFILE", ENFILE: "ENFILE", EXDEV: "EXDEV", ENAMETOOLONG: "ENAMETOOLONG",
    ]
}
