internal import Glibc
internal import Synchronization

/// Writes files into one spool folder so that each appears whole or not at all.
///
/// A file is written under a temporary name, `.<name>.tmp-<pid>-<hex>`, in the
/// same folder, created with `O_CREAT | O_EXCL` and mode `0600` (and `fchmod`ed
/// to `0600`, so the umask cannot change it, unless the writer knows the umask
/// leaves it whole). When all bytes are written the
/// file is `fsync`ed and renamed to its final name; with ``syncDirectory`` the
/// folder is `fsync`ed too, so the new name survives a power cut. A reader of
/// the folder therefore never sees half a file. An existing file of the same
/// name is replaced atomically.
///
/// If anything fails, the temporary file is removed before the error is thrown.
/// Only a killed process can leave a temporary file behind;
/// ``removeTemporaries(in:)`` clears those at the start of the next run.
///
/// ```swift
/// let writer = AtomicFileWriter(directory: try spool.makeDirectory("digital/2021-10-06"))
/// try writer.write(envelopeBytes, to: "\(uuid).xml")
///
/// let file = try writer.begin(name: "batch-0001.tar.lzma")   // large: in pieces
/// try file.write(part1)
/// try file.write(part2)
/// try file.commit()
/// ```
package struct AtomicFileWriter: Sendable {
    /// The folder files are written into. It must exist; see
    /// ``SpoolDirectory/makeDirectory(_:)``.
    package let directory: String
    /// An open descriptor of ``directory``, kept open by the caller while it writes, or `nil`.
    /// With one, files are created and renamed relative to it (`openat`, `renameat`): the
    /// kernel does not walk the folder's path again for every file.
    package let directoryDescriptor: Int32?
    /// Whether ``PendingFile/commit()`` also `fsync`s the folder after the rename.
    package var syncDirectory: Bool
    /// Whether ``PendingFile/commit()`` `fsync`s the file before the rename.
    ///
    /// A run that writes thousands of envelopes a second turns this off and makes a
    /// whole batch durable at once (one `syncfs` by the run journal) before it records the batch as done;
    /// the rename stays atomic either way.
    package var syncFile: Bool = true
    /// The process's umask, when the caller read it (``Syscall/umask()``) and does not change
    /// it while it writes; `nil` otherwise. When it leaves `0600` whole, the `fchmod` after
    /// each `open` is skipped: the file was created with exactly that mode.
    package var umask: UInt32?
    /// Whether files begin unnamed in the open folder (`O_TMPFILE`) and get their final name
    /// at ``PendingFile/commit()`` (`linkat`), instead of a temporary name and a rename.
    ///
    /// Set it only with a ``directoryDescriptor`` for which ``canLinkUnnamedFiles(in:)`` said
    /// yes. Until it is committed such a file has no name at all: a reader of the folder sees
    /// nothing of it, an abort or a killed process leaves nothing to clean up, and the kernel
    /// makes one entry in the folder instead of two. A file of the same name is replaced
    /// atomically, as with a temporary name.
    package var linksUnnamedFiles = false
    /// Failures to inject, for tests only; `nil` in production.
    package var faults: FaultInjection?

    /// Creates a writer for one folder.
    ///
    /// - Parameters:
    ///   - directory: an existing folder, normally made by ``SpoolDirectory``.
    ///   - syncDirectory: `fsync` the folder after each rename (default `true`),
    ///     so that a committed file survives a crash of the machine.
    package init(directory: String, syncDirectory: Bool = true) {
        self.init(directory: directory, descriptor: nil, syncDirectory: syncDirectory)
    }

    /// Creates a writer for one folder that the caller may have open.
    ///
    /// - Parameters:
    ///   - directory: the folder's path, for names in errors and in ``PendingFile``.
    ///   - descriptor: an open descriptor of that folder (`O_DIRECTORY`), which must stay
    ///     open until every file begun with this writer is committed or aborted; `nil` to
    ///     go by the path.
    ///   - syncDirectory: as in ``init(directory:syncDirectory:)``.
    package init(directory: String, descriptor: Int32?, syncDirectory: Bool = true) {
        self.directory = directory
        self.directoryDescriptor = descriptor
        self.syncDirectory = syncDirectory
        self.faults = nil
    }

    /// Writes a whole file atomically.
    ///
    /// - Parameters:
    ///   - bytes: the complete contents.
    ///   - name: the final file name, one path component such as `<uuid>.xml`.
    /// - Returns: the full path of the written file.
    /// - Throws: ``SpoolError``: `invalid_name` for a name that is not one plain
    ///   component; `disk_full` (`ENOSPC`, `EDQUOT`); `not_writable` (`EACCES`,
    ///   `EPERM`, `EROFS`); `io` for any other failure. After an error neither the
    ///   final file (if it did not exist before) nor a temporary file exists.
    @discardableResult
    package func write(_ bytes: some Sequence<UInt8>, to name: String) throws(SpoolError) -> String {
        let file = try begin(name: name)
        try file.write(bytes)
        try file.commit()
        return file.finalPath
    }

    /// Writes a whole file atomically from raw memory.
    ///
    /// - Parameters:
    ///   - bytes: the complete contents.
    ///   - name: the final file name, one path component.
    /// - Returns: the full path of the written file.
    /// - Throws: ``SpoolError``, as ``write(_:to:)``.
    @discardableResult
    package func write(_ bytes: UnsafeRawBufferPointer, to name: String) throws(SpoolError) -> String {
        let file = try begin(name: name)
        try file.write(bytes)
        try file.commit()
        return file.finalPath
    }

    /// Starts a file to be written in pieces.
    ///
    /// Write with ``PendingFile/write(_:)``, then call
    /// ``PendingFile/commit()`` to give the file its final name, or
    /// ``PendingFile/abort()`` to drop it. A `PendingFile` that is neither
    /// committed nor aborted removes its temporary file when it goes away.
    ///
    /// - Parameter name: the final file name, one path component.
    /// - Returns: the open temporary file.
    /// - Throws: ``SpoolError``: `invalid_name`; `not_writable` when the folder
    ///   may not be written; `disk_full`; `io` (for example a missing folder).
    package func begin(name: String) throws(SpoolError) -> PendingFile {
        try Self.validate(name: name, in: directory)
        if linksUnnamedFiles, let folder = directoryDescriptor, let flags = Self.unnamedFileFlags {
            return try beginUnnamed(name: name, in: folder, flags: flags)
        }
        let temporaryName = Self.temporaryName(for: name)
        let temporaryPath = Syscall.join(directory, temporaryName)
        if faults?.failure == .open, let code = faults?.errno {
            throw SpoolError(errno: code, operation: "open (injected)", path: temporaryPath)
        }
        let finalPath = Syscall.join(directory, name)
        // Names relative to the open folder, or whole paths.
        let (location, opening) = if let folder = directoryDescriptor {
            (PendingFile.Location(folder: folder, temporaryName: temporaryName, finalName: name), temporaryName)
        } else {
            (PendingFile.Location(folder: AT_FDCWD, temporaryName: temporaryPath, finalName: finalPath), temporaryPath)
        }
        let fd = try Syscall.open(opening, in: location.folder, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600,
                                  path: temporaryPath)
        return try opened(fd, temporaryPath: temporaryPath, finalPath: finalPath, location: location)
    }

    /// ``begin(name:)`` for ``linksUnnamedFiles``: an unnamed file in the open folder.
    private func beginUnnamed(name: String, in folder: Int32, flags: Int32) throws(SpoolError) -> PendingFile {
        let finalPath = Syscall.join(directory, name)
        if faults?.failure == .open, let code = faults?.errno {
            throw SpoolError(errno: code, operation: "open (injected)", path: finalPath)
        }
        let fd = try Syscall.open(".", in: folder, flags, 0o600, path: finalPath)
        let location = PendingFile.Location(folder: folder, temporaryName: nil, finalName: name)
        return try opened(fd, temporaryPath: finalPath, finalPath: finalPath, location: location)
    }

    /// The pending file open as `fd`, its mode made exactly `0600`.
    private func opened(_ fd: Int32, temporaryPath: String, finalPath: String,
                        location: PendingFile.Location) throws(SpoolError) -> PendingFile {
        let file = PendingFile(
            descriptor: fd, directory: directory, temporaryPath: temporaryPath, finalPath: finalPath,
            location: location, syncFile: syncFile, syncDirectory: syncDirectory, faults: faults)
        // The umask may have removed bits only; fchmod makes the mode exactly 0600.
        if umask.map({ $0 & 0o600 != 0 }) ?? true {
            try file.setPrivateMode()
        }
        return file
    }

    /// Whether files can begin unnamed in the folder open as `folder` and be linked under
    /// a name (``linksUnnamedFiles``): the file system must have `O_TMPFILE` (ext4, XFS, Btrfs
    /// and tmpfs have) and the kernel must let this process name the file (`linkat` with
    /// `AT_EMPTY_PATH`: Linux 6.10 and later, or root). Tried once with a file of its own,
    /// which it removes; `false` for any failure, and the writer then uses temporary names.
    package static func canLinkUnnamedFiles(in folder: Int32) -> Bool {
        guard let flags = unnamedFileFlags else { return false }
        let fd = Glibc.openat(folder, ".", flags, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let probe = temporaryName(for: "probe")
        guard Syscall.linkUnnamed(fd, in: folder, as: probe) == nil else { return false }
        return unlinkat(folder, probe, 0) == 0
    }

    /// `openat(folder, ".", …)` flags of an unnamed file to write: the probe's and the writer's.
    private static let unnamedFileFlags = Syscall.openUnnamed.map { $0 | O_WRONLY | O_CLOEXEC }

    // MARK: - Names

    /// What every temporary name holds after `.<name>`: `.<name>.tmp-<pid>-<hex>`.
    static let temporaryMarker = ".tmp-"

    /// A temporary name for the file `name`, unique within the process: `.<name>.tmp-<pid>-<hex>`.
    static func temporaryName(for name: String) -> String {
        ".\(name)\(temporaryMarker)\(processID)-\(uniqueSuffix())"
    }

    /// Whether `name` has the form of a temporary file left by this writer.
    static func isTemporaryName(_ name: some StringProtocol) -> Bool {
        name.hasPrefix(".") && name.contains(temporaryMarker)
    }

    /// Checks that `name` is one plain path component.
    ///
    /// - Throws: ``SpoolError`` with code `invalid_name`.
    static func validate(name: String, in directory: String) throws(SpoolError) {
        let problem: String? =
            if name.isEmpty { "is empty" }
            else if name == "." || name == ".." { "is '.' or '..'" }
            else if name.contains("/") || name.utf8.contains(0) { "holds '/' or a NUL byte" }
            else if name.utf8.count > 200 { "is longer than 200 bytes" }
            else if isTemporaryName(name) { "looks like a temporary file name" }
            else { nil }
        if let problem {
            throw SpoolError(
                code: .invalidName, path: Syscall.join(directory, name),
                message: "the file name '\(name)' \(problem): name one file, such as '<uuid>.xml'")
        }
    }

    /// This process's id, asked once (a run creates thousands of files a second).
    private static let processID = getpid()
    /// Counts temporary names from a random start: two writers in one process never share
    /// a name, and a name a killed process left behind with the same pid is not met again.
    private static let nextSuffix = Atomic<UInt64>(UInt64.random(in: .min ... .max))

    /// 16 hex digits, unique within the process.
    private static func uniqueSuffix() -> String {
        DecimalText.padded(nextSuffix.add(1, ordering: .relaxed).oldValue, width: 16, radix: 16)
    }
}
