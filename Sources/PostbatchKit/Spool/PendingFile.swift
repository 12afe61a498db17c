internal import Glibc

/// A file being written by ``AtomicFileWriter/begin(name:)``: open under its
/// temporary name until ``commit()`` renames it into place, or, with
/// ``AtomicFileWriter/linksUnnamedFiles``, open without a name until ``commit()`` links it.
///
/// Write any number of pieces, then either ``commit()`` or ``abort()``. After a
/// failed ``write(_:)`` or ``commit()`` the temporary file is already gone and
/// every further call throws; there is nothing to clean up. If the object goes
/// away without either call, its temporary file is removed.
///
/// A `PendingFile` belongs to one task at a time (it is not `Sendable`).
package final class PendingFile {
    private enum State {
        case open(Int32)
        case committed
        case aborted
    }

    private var state: State
    /// The folder the file is written into.
    package let directory: String
    /// The temporary path the bytes go to until ``commit()``; for an unnamed file, which has
    /// no path until then, ``finalPath``.
    package let temporaryPath: String
    /// The path the file has after ``commit()``.
    package let finalPath: String
    /// How many bytes have been written so far.
    package private(set) var bytesWritten: Int = 0
    private let syncDirectory: Bool
    private let syncFile: Bool
    private let faults: FaultInjection?
    private let location: Location

    /// Where the rename and the removal find the file: the names in the folder open as
    /// `folder`, or, with `AT_FDCWD`, the two whole paths. No temporary name: the file is
    /// unnamed in `folder` until it is linked under its final name.
    struct Location {
        let folder: Int32
        let temporaryName: String?
        let finalName: String
    }

    init(
        descriptor: Int32, directory: String, temporaryPath: String, finalPath: String, location: Location,
        syncFile: Bool = true, syncDirectory: Bool, faults: FaultInjection?
    ) {
        self.state = .open(descriptor)
        self.directory = directory
        self.temporaryPath = temporaryPath
        self.finalPath = finalPath
        self.location = location
        self.syncDirectory = syncDirectory
        self.syncFile = syncFile
        self.faults = faults
    }

    deinit {
        abort()
    }

    /// Appends bytes to the file, writing all of them (short writes and `EINTR`
    /// are retried).
    ///
    /// - Parameter bytes: the next piece of the file.
    /// - Throws: ``SpoolError``: `disk_full` (`ENOSPC`, `EDQUOT`), `not_writable`,
    ///   or `io`; the temporary file has then been removed. `io` also when the
    ///   file was already committed or aborted.
    package func write(_ bytes: UnsafeRawBufferPointer) throws(SpoolError) {
        let fd = try openDescriptor(for: "write")
        do throws(SpoolError) {
            if case .write(let afterBytes)? = faults?.failure, let code = faults?.errno {
                let allowed = max(0, afterBytes - bytesWritten)
                if allowed < bytes.count {
                    try Syscall.writeAll(
                        fd, UnsafeRawBufferPointer(rebasing: bytes[..<allowed]),
                        path: temporaryPath, limit: faults?.maxBytesPerWrite)
                    bytesWritten += allowed
                    throw SpoolError(errno: code, operation: "write (injected)", path: temporaryPath)
                }
            }
            try Syscall.writeAll(fd, bytes, path: temporaryPath, limit: faults?.maxBytesPerWrite)
            bytesWritten += bytes.count
        } catch {
            abort()
            throw error
        }
    }

    /// Appends bytes from any sequence, in chunks of at most 64 KiB when the
    /// sequence has no contiguous storage.
    ///
    /// - Parameter bytes: the next piece of the file.
    /// - Throws: ``SpoolError``, as ``write(_:)-(UnsafeRawBufferPointer)``.
    package func write(_ bytes: some Sequence<UInt8>) throws(SpoolError) {
        if try writeContiguous(bytes) { return }
        var chunk: [UInt8] = []
        chunk.reserveCapacity(Self.chunkSize)
        for byte in bytes {
            chunk.append(byte)
            if chunk.count == Self.chunkSize {
                _ = try writeContiguous(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        _ = try writeContiguous(chunk)
    }

    /// Makes the file durable and gives it its final name.
    ///
    /// `fsync`s the file, closes it, renames it to ``finalPath`` (replacing a file
    /// of that name), and `fsync`s the folder when the writer asked for it.
    ///
    /// - Throws: ``SpoolError``: `disk_full` (a delayed allocation can fail at
    ///   `fsync`), `not_writable`, or `io`; the temporary file has then been
    ///   removed and no final file was created. `io` also when called twice or
    ///   after ``abort()``. A failure of the final folder `fsync` is reported
    ///   as `io` although the file is already in place under its final name.
    package func commit() throws(SpoolError) {
        let fd = try openDescriptor(for: "commit")
        do throws(SpoolError) {
            if faults?.failure == .fsync, let code = faults?.errno {
                throw SpoolError(errno: code, operation: "fsync (injected)", path: temporaryPath)
            }
            if syncFile {
                try Syscall.fsync(fd, path: temporaryPath)
            }
            if faults?.failure == .rename, let code = faults?.errno {
                let operation = location.temporaryName == nil ? "link (injected)" : "rename (injected)"
                throw SpoolError(errno: code, operation: operation, path: finalPath)
            }
            try giveFinalName(fd)
        } catch {
            abort()
            throw error
        }
        close(fd)
        state = .committed
        if syncDirectory {
            try Syscall.fsyncDirectory(directory)
        }
    }

    /// Drops the file: closes and removes the temporary file.
    ///
    /// Does nothing after ``commit()`` or a previous ``abort()``; never throws,
    /// since there is nothing a caller could do about a failed `unlink`.
    package func abort() {
        guard case .open(let fd) = state else { return }
        close(fd)
        if let temporaryName = location.temporaryName {
            unlinkat(location.folder, temporaryName, 0)
        }
        state = .aborted
    }

    // MARK: - Internal

    /// Sets the temporary file's mode to exactly `0600`.
    ///
    /// - Throws: ``SpoolError``; the temporary file has then been removed.
    func setPrivateMode() throws(SpoolError) {
        let fd = try openDescriptor(for: "fchmod")
        do throws(SpoolError) {
            if faults?.failure == .fchmod, let code = faults?.errno {
                throw SpoolError(errno: code, operation: "fchmod (injected)", path: temporaryPath)
            }
            try Syscall.fchmod(fd, 0o600, path: temporaryPath)
        } catch {
            abort()
            throw error
        }
    }

    private static let chunkSize = 64 * 1024

    /// Renames the temporary file to its final name, or links the unnamed one under it.
    ///
    /// - Throws: ``SpoolError``; the file then has no name but its temporary one, if any.
    private func giveFinalName(_ fd: Int32) throws(SpoolError) {
        if let temporaryName = location.temporaryName {
            return try rename(temporaryName)
        }
        guard let code = Syscall.linkUnnamed(fd, in: location.folder, as: location.finalName) else { return }
        guard code == EEXIST else { throw SpoolError(errno: code, operation: "link", path: finalPath) }
        // The name is taken (a rerun writes a batch again): link under a temporary name and
        // rename that over it, so the old file is replaced atomically, as `rename` does.
        let temporaryName = AtomicFileWriter.temporaryName(for: location.finalName)
        if let code = Syscall.linkUnnamed(fd, in: location.folder, as: temporaryName) {
            throw SpoolError(errno: code, operation: "link", path: Syscall.join(directory, temporaryName))
        }
        do throws(SpoolError) {
            try rename(temporaryName)
        } catch {
            unlinkat(location.folder, temporaryName, 0)
            throw error
        }
    }

    private func rename(_ temporaryName: String) throws(SpoolError) {
        if renameat(location.folder, temporaryName, location.folder, location.finalName) != 0 {
            throw SpoolError(errno: errno, operation: "rename", path: finalPath)
        }
    }

    private func openDescriptor(for operation: String) throws(SpoolError) -> Int32 {
        guard case .open(let fd) = state else {
            throw SpoolError(
                code: .io, path: finalPath, cause: "\(operation) after commit or abort",
                message: "internal error: \(finalPath) was already finished; nothing was written")
        }
        return fd
    }

    /// Writes the sequence's bytes in one piece when it has contiguous storage.
    ///
    /// - Returns: `false` when the sequence has no contiguous storage and nothing
    ///   was written.
    private func writeContiguous(_ bytes: some Sequence<UInt8>) throws(SpoolError) -> Bool {
        var failure: SpoolError?
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            do throws(SpoolError) {
                try write(UnsafeRawBufferPointer(buffer))
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return done != nil
    }
}

@available(*, unavailable, message: "a PendingFile belongs to one task at a time")
extension PendingFile: Sendable {}
