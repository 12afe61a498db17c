internal import CArchive
internal import Glibc

/// Reads the entries of a `.tar.lzma` container, one at a time.
///
/// Used by `validate`/`verify` and by tests. Refuses archives that are not
/// LZMA-compressed tars, so a container written with the wrong filter is found.
///
/// ```swift
/// let reader = try TarLZMAReader(path: container)
/// while let entry = try reader.next() { … }
/// ```
package final class TarLZMAReader {
    private let archive: OpaquePointer
    /// The archive being read.
    package let path: String
    /// The largest entry ``next()`` accepts, in bytes.
    package let maximumEntrySize: Int

    /// Opens a container for reading.
    ///
    /// - Parameters:
    ///   - path: the `.tar.lzma` file.
    ///   - maximumEntrySize: larger entries are refused rather than loaded
    ///     (default 64 MiB).
    /// - Throws: ``SpoolError`` with code `archive` when the file cannot be opened
    ///   or is not an LZMA-compressed tar.
    package init(path: String, maximumEntrySize: Int = 64 << 20) throws(SpoolError) {
        self.path = path
        self.maximumEntrySize = maximumEntrySize
        guard let archive = archive_read_new() else {
            throw SpoolError(
                code: .archive, path: path, cause: "archive_read_new returned NULL",
                message: "cannot read \(path): out of memory")
        }
        self.archive = archive
        archive_read_support_filter_lzma(archive)
        archive_read_support_format_tar(archive)
        if archive_read_open_filename(archive, path, 64 * 1024) != ARCHIVE_OK {
            throw readError("open")
        }
    }

    deinit {
        archive_read_free(archive)
    }

    /// Reads the next entry with its contents.
    ///
    /// - Returns: the entry, or `nil` at the end of the archive.
    /// - Throws: ``SpoolError`` with code `archive` when the archive is damaged,
    ///   truncated, not LZMA-compressed, or an entry is larger than
    ///   ``maximumEntrySize``.
    package func next() throws(SpoolError) -> TarEntry? {
        var header: OpaquePointer?
        let status = archive_read_next_header(archive, &header)
        if status == ARCHIVE_EOF { return nil }
        guard status == ARCHIVE_OK, let header else { throw readError("read a header") }
        guard archive_filter_code(archive, 0) == ARCHIVE_FILTER_LZMA else {
            throw SpoolError(
                code: .archive, path: path, cause: "filter \(archive_filter_name(archive, 0).map { String(cString: $0) } ?? "unknown")",
                message: "\(path) is not an LZMA-compressed tar: write it again with --container tar.lzma")
        }
        let name = archive_entry_pathname(header).map { String(cString: $0) } ?? ""
        let size = Int(archive_entry_size(header))
        guard size >= 0, size <= maximumEntrySize else {
            throw SpoolError(
                code: .archive, path: path, cause: "entry '\(name)' of \(size) bytes",
                message: "\(path) holds an entry larger than \(maximumEntrySize) bytes; it is not a spool container")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { buffer in
                archive_read_data(archive, buffer.baseAddress.map { $0 + filled }, size - filled)
            }
            if count < 0 { throw readError("read the contents of \(name)") }
            if count == 0 { break }
            filled += count
        }
        guard filled == size else {
            throw SpoolError(
                code: .archive, path: path, cause: "entry '\(name)': \(filled) of \(size) bytes",
                message: "\(path) is truncated: write the container again")
        }
        return TarEntry(
            name: name, bytes: bytes, permissions: UInt32(archive_entry_perm(header)),
            modificationTime: Int64(archive_entry_mtime(header)))
    }

    /// Reads every entry of a container.
    ///
    /// - Parameter path: the `.tar.lzma` file.
    /// - Returns: the entries in archive order.
    /// - Throws: ``SpoolError`` with code `archive`, as ``next()``.
    package static func entries(atPath path: String) throws(SpoolError) -> [TarEntry] {
        let reader = try TarLZMAReader(path: path)
        var entries: [TarEntry] = []
        while let entry = try reader.next() { entries.append(entry) }
        return entries
    }

    private func readError(_ operation: String) -> SpoolError {
        SpoolError(
            code: .archive, path: path, cause: "\(operation): \(errorText(archive))",
            message: "cannot read the container \(path): it is missing, damaged or not a .tar.lzma")
    }
}

@available(*, unavailable, message: "a TarLZMAReader belongs to one task at a time")
extension TarLZMAReader: Sendable {}
