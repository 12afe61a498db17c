internal import Glibc

extension AtomicFileWriter {
    /// Deletes the temporary files a killed run left in `directory` and every
    /// folder below it.
    ///
    /// Removes regular files whose name has the form `.<name>.tmp-<suffix>`, as
    /// made by ``begin(name:)``; nothing else is touched (not the spool's `.lock`,
    /// not finished files). Symbolic links are neither followed nor removed.
    /// Call it while holding the spool's ``SpoolLock``: a temporary file of a
    /// running writer looks the same as a leftover one.
    ///
    /// - Parameter directory: the spool root or any folder in it.
    /// - Returns: how many temporary files were removed.
    /// - Throws: ``SpoolError`` with code `not_writable` when a folder cannot be
    ///   read or a file not removed, `io` for other failures. A missing
    ///   `directory` is not an error (nothing to clean; returns 0).
    @discardableResult
    package static func removeTemporaries(in directory: String) throws(SpoolError) -> Int {
        guard let stream = opendir(directory) else {
            let code = errno
            if code == ENOENT { return 0 }
            throw SpoolError(errno: code, operation: "opendir", path: directory)
        }
        defer { closedir(stream) }
        var temporaries: [String] = []
        var folders: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                let code = errno
                if code != 0 { throw SpoolError(errno: code, operation: "readdir", path: directory) }
                break
            }
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let path = Syscall.join(directory, name)
            switch try kind(of: entry.pointee.d_type, at: path) {
            case .folder: folders.append(path)
            case .file where isTemporaryName(name): temporaries.append(path)
            default: break
            }
        }
        var removed = 0
        for path in temporaries {
            if unlink(path) == 0 {
                removed += 1
            } else if errno != ENOENT {
                throw SpoolError(errno: errno, operation: "unlink", path: path)
            }
        }
        for folder in folders {
            removed += try removeTemporaries(in: folder)
        }
        return removed
    }

    private enum EntryKind { case file, folder, other }

    /// The kind of a folder entry, from `d_type` or, when the file system does
    /// not fill it in, from `lstat`.
    private static func kind(of type: UInt8, at path: String) throws(SpoolError) -> EntryKind {
        switch Int(type) {
        case Int(DT_REG): return .file
        case Int(DT_DIR): return .folder
        case Int(DT_UNKNOWN):
            var info = stat()
            if lstat(path, &info) != 0 {
                if errno == ENOENT { return .other }
                throw SpoolError(errno: errno, operation: "lstat", path: path)
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG: return .file
            case S_IFDIR: return .folder
            default: return .other
            }
        default: return .other
        }
    }
}
