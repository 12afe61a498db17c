extension TarLZMAWriter {
    /// Writes one whole container, `name` in `folder`: a temporary file, the entries that
    /// `fill` appends, compressed, synced and renamed into place.
    ///
    /// When postbatch's encoder fails its check (`lzma_check`), nothing of that attempt is
    /// kept and the container is written again from the start with liblzma
    /// (``LZMACompression/fallback``), so `fill` may be called twice.
    ///
    /// - Returns: the compression the container was written with.
    /// - Throws: what `fill` throws, and ``SpoolError`` as the writer and the atomic
    ///   writer throw; the folder then holds no part of the container.
    package static func writeContainer(
        folder: String, name: String, modificationTime: Int64, compression: LZMACompression,
        entries fill: (TarLZMAWriter) throws -> Void
    ) throws -> LZMACompression {
        try writeContainer(folder: folder, name: name, modificationTime: modificationTime, compression: compression,
                           damaging: nil, entries: fill)
    }

    /// ``writeContainer(folder:name:modificationTime:compression:entries:)``, whose first
    /// attempt may have a byte of its stream damaged before the check (tests of the check).
    static func writeContainer(
        folder: String, name: String, modificationTime: Int64, compression: LZMACompression, damaging: Int?,
        entries fill: (TarLZMAWriter) throws -> Void
    ) throws -> LZMACompression {
        do {
            try writeOnce(folder: folder, name: name, modificationTime: modificationTime, compression: compression,
                          damaging: damaging, entries: fill)
            return compression
        } catch let error as SpoolError where error.code == .lzmaCheck && compression != LZMACompression.fallback {
            try writeOnce(folder: folder, name: name, modificationTime: modificationTime,
                          compression: LZMACompression.fallback, damaging: nil, entries: fill)
            return LZMACompression.fallback
        }
    }

    private static func writeOnce(
        folder: String, name: String, modificationTime: Int64, compression: LZMACompression, damaging: Int?,
        entries fill: (TarLZMAWriter) throws -> Void
    ) throws {
        let file = try AtomicFileWriter(directory: folder).begin(name: name)
        do {
            let archive = try TarLZMAWriter(into: file, modificationTime: modificationTime, compression: compression)
            archive.damageForTesting = damaging
            try fill(archive)
            try archive.finish()
            try file.commit()
        } catch {
            file.abort()
            throw error
        }
    }
}
