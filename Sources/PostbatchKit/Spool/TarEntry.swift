/// One file read back from a `.tar.lzma` container by ``TarLZMAReader``.
///
/// Holds the whole contents in memory: spool entries are single envelopes of
/// tens of kilobytes.
package struct TarEntry: Sendable, Equatable {
    /// The entry's path inside the archive, `<messageUUID>.xml`.
    package let name: String
    /// The size the header gives, in bytes.
    package let size: Int
    /// The contents.
    package let bytes: [UInt8]
    /// The permission bits, `0o600` for entries ``TarLZMAWriter`` writes.
    package let permissions: UInt32
    /// The modification time, in whole seconds since 1970-01-01 UTC.
    package let modificationTime: Int64

    /// Creates an entry from its parts.
    ///
    /// - Parameters:
    ///   - name: the path inside the archive.
    ///   - bytes: the contents; ``size`` is their count.
    ///   - permissions: the permission bits.
    ///   - modificationTime: seconds since 1970-01-01 UTC.
    package init(name: String, bytes: [UInt8], permissions: UInt32 = 0o600, modificationTime: Int64 = 0) {
        self.name = name
        self.size = bytes.count
        self.bytes = bytes
        self.permissions = permissions
        self.modificationTime = modificationTime
    }
}
