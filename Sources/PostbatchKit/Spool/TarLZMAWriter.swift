// The one file that talks to libarchive and liblzma: it owns every archive,
// entry and encoder, frees them in deinit or defer, and turns their return
// codes into SpoolError. Writing and reading are one C concern, so both live here.
internal import CArchive
internal import CLZMA
internal import Glibc

/// Writes a deterministic LZMA-compressed tar (`.tar.lzma`) of envelope files,
/// streaming it into a ``PendingFile``.
///
/// The archive is a ustar tar compressed with LZMA ("lzma alone", not xz), the
/// container the Digital Post bulk interface takes. Each entry is a regular file
/// with the name given (`<messageUUID>.xml`), mode `0600`, uid and gid 0, empty
/// user and group names, and the one modification time given to the writer;
/// entries appear in the order added and no pax headers are written. The same
/// entries with the same settings therefore always give the same bytes.
///
/// libarchive writes the tar; postbatch's ``LZMAEncoder`` or liblzma compresses it, as
/// ``LZMACompression`` says (libarchive's own LZMA filter takes only a preset, see
/// ``encoderOptions(level:)``). Compressed bytes go into the pending file as they come,
/// so memory stays flat however many entries a container holds (apart from the encoder's
/// history, see ``defaultCompressionLevel``). postbatch's encoder is checked as it goes:
/// liblzma's decoder reads its stream back and each byte it gives is compared with the tar
/// given; a difference throws `lzma_check` (and
/// ``writeContainer(folder:name:modificationTime:compression:entries:)`` writes the
/// container again with liblzma). Combine it with the atomic writer so that a container
/// appears whole or not at all:
///
/// ```swift
/// let file = try AtomicFileWriter(directory: dayFolder).begin(name: "0001.tar.lzma")
/// let tar = try TarLZMAWriter(into: file, modificationTime: waveStart, compression: .repeats)
/// for envelope in batch {
///     try tar.append(name: "\(envelope.uuid).xml", contents: envelope.bytes)
/// }
/// try tar.finish()     // ends the tar and flushes the compressor
/// try file.commit()    // fsync and rename into place
/// ```
///
/// After any error the pending file has been aborted (its temporary file is
/// gone) and the writer accepts no more calls.
package final class TarLZMAWriter {
    /// The LZMA preset when a caller names no compression: 6, xz's own default. A run names
    /// its own (``RunOptions/compression``: postbatch's encoder unless `--lzma-encoder` or
    /// `--lzma-level` say otherwise; 1 when only `--lzma-encoder liblzma` is given).
    ///
    /// Measured once by hand with 400 synthetic one-page letters rendered by
    /// pango/cairo (~25.6 KB PDF, ~34.7 KB envelope), bytes per letter:
    ///
    /// | PDF streams | per container | level 3 | level 6 | level 9 |
    /// | --- | --- | --- | --- | --- |
    /// | Flate (cairo default) | 100 | 12 486 | 11 433 | 11 433 |
    /// | Flate (cairo default) | 400 | 11 567 | 10 034 | 9 913 |
    /// | uncompressed (`qpdf --stream-data=uncompress`) | 100 | 1 363 | 1 254 | 1 254 |
    ///
    /// Flate-compressed font subsets and content streams differ in every letter
    /// and look random to LZMA, so no level reaches 8 KB per letter with them;
    /// with uncompressed streams the shared fonts and text compress away. Level 6
    /// needs about 94 MiB for the encoder (97 MiB peak RSS measured); level 9
    /// needs up to 674 MiB and gains almost nothing; level 3 needs 32 MiB.
    package static let defaultCompressionLevel = 6

    /// The history every level keeps, at least: a container's envelopes repeat the fonts,
    /// text and XML of the envelopes before them, which at 20–40 KB an envelope reach
    /// farther back than the 1 MiB of xz's fast presets.
    static let minimumDictionary: UInt32 = 4 << 20

    /// The encoder of a level: xz's preset, with at least ``minimumDictionary`` of history
    /// and, for the fast presets 0–3, a short search: the 3-byte hash chain, walked 4 deep,
    /// a match search ended at 32 bytes. Measured on a container of 500 envelopes
    /// (`xz --lzma1=…`, `docs/performance.md`): preset 1 as xz has it takes 0.28 s and 521 KB,
    /// so tuned 0.16 s and 305 KB; the chain walked 4 deep instead of preset 1's 8 saves
    /// another tenth of the time for 1–2 % more bytes. Nil for a level liblzma has no preset for.
    static func encoderOptions(level: Int) -> lzma_options_lzma? {
        var options = lzma_options_lzma()
        guard (0...9).contains(level), lzma_lzma_preset(&options, UInt32(level)) == 0 else { return nil }
        options.dict_size = max(options.dict_size, minimumDictionary)
        if level <= 3 {
            options.mf = LZMA_MF_HC3
            options.nice_len = 32
            options.depth = 4
        }
        return options
    }

    /// What a level's encoder keeps and searches: its dictionary in bytes, and whether it
    /// uses the short search (3-byte hash chain walked 4 deep, matches ended at 32 bytes).
    static func encoderSummary(level: Int) -> (dictionary: Int, shortSearch: Bool)? {
        encoderOptions(level: level).map {
            (Int($0.dict_size), $0.mf == LZMA_MF_HC3 && $0.nice_len == 32 && $0.depth == 4)
        }
    }

    /// The longest entry name a ustar header holds without a prefix field.
    package static let maximumNameLength = 100

    private var archive: OpaquePointer?
    /// liblzma's encoder, for a preset.
    private var encoder = lzma_stream()
    private var encoding = false
    /// postbatch's encoder and its check, for ``LZMACompression/repeats``.
    private let workspace: LZMAWorkspace?
    /// How many tar bytes went into postbatch's encoder, and how many its check has read back.
    private var given = 0
    private var checked = 0
    /// How many compressed bytes postbatch's encoder has given so far.
    private var compressed = 0
    /// For tests of the check: the offset of a byte of the compressed stream that is
    /// flipped before it is checked.
    var damageForTesting: Int?
    /// Where the encoder writes (or the checking decoder), emptied into the file whenever full.
    private var output = [UInt8](repeating: 0, count: 64 * 1024)
    /// The bytes of ``output`` not yet written to the file.
    private var outputCount = 0
    private let file: PendingFile
    private let modificationTime: Int64
    /// The error the output callback met, kept because libarchive only learns
    /// that the callback failed.
    fileprivate var outputError: SpoolError?
    /// How many entries have been added so far.
    package private(set) var entryCount = 0

    /// Starts an archive that writes into `file`.
    ///
    /// - Parameters:
    ///   - file: an open ``PendingFile``; the writer appends to it and the caller
    ///     commits it after ``finish()``.
    ///   - modificationTime: the time stamped on every entry, in whole seconds
    ///     since 1970-01-01 UTC (for example the start of the wave day), so that
    ///     a re-run produces identical bytes.
    ///   - compression: postbatch's encoder, or liblzma's at a preset 0 (fastest) to 9
    ///     (smallest) as ``encoderOptions(level:)`` tunes it.
    /// - Throws: ``SpoolError`` with code `archive` when the level is outside 0...9
    ///   or libarchive or liblzma cannot start; the file has then been aborted.
    package init(
        into file: PendingFile, modificationTime: Int64,
        compression: LZMACompression = .preset(TarLZMAWriter.defaultCompressionLevel)
    ) throws(SpoolError) {
        self.file = file
        self.modificationTime = modificationTime
        var level = Self.defaultCompressionLevel
        if case .preset(let preset) = compression { level = preset }
        guard (0...9).contains(level), let archive = archive_write_new() else {
            file.abort()
            throw SpoolError(
                code: .archive, path: file.finalPath, cause: "compression level \(level)",
                message: "cannot start the archive \(file.finalPath): the LZMA level must be 0 to 9")
        }
        self.archive = archive
        workspace = compression == .repeats ? LZMAWorkspace.take() : nil
        if let workspace {
            guard workspace.startDecoder() else {
                throw fail(cause: "lzma_alone_decoder failed", "start the LZMA check")
            }
        } else {
            // From here on the encoder may hold memory (even when it fails to start): deinit or fail ends it.
            encoding = true
            guard var options = Self.encoderOptions(level: level),
                  lzma_alone_encoder(&encoder, &options) == LZMA_OK else {
                throw fail(cause: "lzma_alone_encoder failed", "start the LZMA encoder")
            }
        }
        try check(archive_write_set_format_ustar(archive), "set the ustar format")
        // Do not pad the tar to a 10 KiB block.
        try check(archive_write_set_bytes_in_last_block(archive, 1), "set the last block size")
        let client = Unmanaged.passUnretained(self).toOpaque()
        try check(
            archive_write_open2(archive, client, nil, { _, client, buffer, length in
                guard let client, let buffer else { return -1 }
                let writer = Unmanaged<TarLZMAWriter>.fromOpaque(client).takeUnretainedValue()
                do throws(SpoolError) {
                    try writer.compress(UnsafeRawBufferPointer(start: buffer, count: length), finishing: false)
                    return length
                } catch {
                    writer.outputError = error
                    return -1
                }
            }, nil, nil),
            "open the output")
    }

    deinit {
        if let archive {
            archive_write_free(archive)  // also closes it if still open
        }
        if encoding { lzma_end(&encoder) }
    }

    /// Feeds tar bytes to the encoder (all of them, or none and the end when `finishing`).
    ///
    /// What the encoder gives collects in ``output`` and goes into the file when the buffer
    /// is full and at the end: libarchive hands over its tar in 10 KiB blocks, and writing
    /// after each made about two `write` calls per envelope.
    private func compress(_ input: UnsafeRawBufferPointer, finishing: Bool) throws(SpoolError) {
        if let workspace {
            let repeats = workspace.encoder
            repeats.append(input)
            given += input.count
            if finishing { repeats.finish() }
            // Checked at least every MiB of tar: the encoder keeps 4 MiB of what it was given, and
            // a stream of copies can code many MiB into less than the 64 KiB written at once.
            guard repeats.output.count >= output.count || given - checked >= 1 << 20 || finishing else { return }
            if let damage = damageForTesting, (compressed..<compressed + repeats.output.count).contains(damage) {
                repeats.damageOutput(at: damage - compressed)
            }
            compressed += repeats.output.count
            try checkRepeats(workspace, finishing: finishing)
            try file.write(repeats.output)
            repeats.clearOutput()
            return
        }
        encoder.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        encoder.avail_in = input.count
        while true {
            let status = output.withUnsafeMutableBufferPointer { buffer in
                encoder.next_out = buffer.baseAddress.map { $0 + outputCount }
                encoder.avail_out = buffer.count - outputCount
                return lzma_code(&encoder, finishing ? LZMA_FINISH : LZMA_RUN)
            }
            outputCount = output.count - encoder.avail_out
            let done = finishing ? status == LZMA_STREAM_END : (status == LZMA_OK && encoder.avail_in == 0)
            if outputCount == output.count || (finishing && done) {
                try Syscall.withBytes(of: output) { (buffer) throws(SpoolError) in
                    try file.write(UnsafeRawBufferPointer(rebasing: buffer[..<outputCount]))
                }
                outputCount = 0
            }
            if done { return }
            guard status == LZMA_OK else {
                throw SpoolError(
                    code: .archive, path: file.finalPath, cause: "liblzma status \(status.rawValue)",
                    message: "could not compress the archive \(file.finalPath)")
            }
        }
    }

    /// Reads `repeats`' new output back with liblzma's decoder and compares what it gives
    /// with the tar bytes given; at the end, also that the stream ends where the tar does.
    private func checkRepeats(_ workspace: LZMAWorkspace, finishing: Bool) throws(SpoolError) {
        let repeats = workspace.encoder
        let compressed = repeats.output
        workspace.decoder.next_in = compressed.baseAddress?.assumingMemoryBound(to: UInt8.self)
        workspace.decoder.avail_in = compressed.count
        while true {
            let (status, produced) = output.withUnsafeMutableBytes { buffer in
                workspace.decoder.next_out = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
                workspace.decoder.avail_out = buffer.count
                let status = lzma_code(&workspace.decoder, LZMA_RUN)
                let produced = buffer.count - workspace.decoder.avail_out
                return (status, repeats.holds(UnsafeRawBufferPointer(rebasing: buffer[..<produced]), at: checked)
                    ? produced : -1)
            }
            guard produced >= 0, status == LZMA_OK || status == LZMA_STREAM_END else {
                throw mismatch(at: checked, "liblzma status \(status.rawValue)")
            }
            checked += produced
            if status == LZMA_STREAM_END {
                guard finishing, workspace.decoder.avail_in == 0, checked == given else {
                    throw mismatch(at: checked, "the stream ended early")
                }
                return
            }
            if workspace.decoder.avail_in == 0 && workspace.decoder.avail_out > 0 { break }
        }
        if finishing { throw mismatch(at: checked, "no end marker") }
    }

    private func mismatch(at offset: Int, _ detail: String) -> SpoolError {
        SpoolError(
            code: .lzmaCheck, path: file.finalPath, cause: "byte \(offset) of \(given): \(detail)",
            message: "postbatch's LZMA encoder wrote a stream of \(file.finalPath) that liblzma does not read back "
                + "as its tar; nothing of it was kept. Run again with --lzma-encoder liblzma and report this")
    }

    /// Adds one file to the archive.
    ///
    /// - Parameters:
    ///   - name: the entry name, `<messageUUID>.xml`: printable ASCII, no `/`,
    ///     at most ``maximumNameLength`` bytes.
    ///   - contents: the whole file.
    /// - Throws: ``SpoolError``: `invalid_name` for a name that breaks the rules
    ///   above (nothing is written, the writer stays usable); `disk_full`,
    ///   `not_writable` or `io` when writing the output fails; `archive` when
    ///   libarchive fails, or after ``finish()``.
    package func append(name: String, contents: UnsafeRawBufferPointer) throws(SpoolError) {
        try Self.validate(entryName: name, in: file.finalPath)
        guard let archive else { throw finished() }
        guard let entry = archive_entry_new() else {
            throw fail(cause: "archive_entry_new returned NULL", "create an entry")
        }
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, name)
        archive_entry_set_filetype(entry, 0o100000)  // AE_IFREG
        archive_entry_set_perm(entry, 0o600)
        archive_entry_set_size(entry, la_int64_t(contents.count))
        archive_entry_set_mtime(entry, time_t(modificationTime), 0)
        archive_entry_set_uid(entry, 0)
        archive_entry_set_gid(entry, 0)
        try check(archive_write_header(archive, entry), "write the header of \(name)")
        var offset = 0
        while offset < contents.count, let base = contents.baseAddress {
            let written = archive_write_data(archive, base + offset, contents.count - offset)
            if written <= 0 {
                throw fail(cause: errorText(archive), "write the contents of \(name)")
            }
            offset += written
        }
        entryCount += 1
    }

    /// Adds one file to the archive from a byte collection.
    ///
    /// - Throws: ``SpoolError``, as the raw-buffer ``append(name:contents:)``.
    package func append(name: String, contents: [UInt8]) throws(SpoolError) {
        try Syscall.withBytes(of: contents) { (buffer) throws(SpoolError) in
            try append(name: name, contents: buffer)
        }
    }

    /// Ends the tar and flushes the compressor into the pending file.
    ///
    /// The pending file is not committed: call ``PendingFile/commit()`` next.
    ///
    /// - Throws: ``SpoolError``: `disk_full`, `not_writable` or `io` when the last
    ///   bytes cannot be written; `archive` when libarchive fails or when called
    ///   twice.
    package func finish() throws(SpoolError) {
        guard let archive else { throw finished() }
        try check(archive_write_close(archive), "finish the archive")
        archive_write_free(archive)
        self.archive = nil
        do throws(SpoolError) {
            try compress(UnsafeRawBufferPointer(start: nil, count: 0), finishing: true)
        } catch {
            outputError = error
            throw fail(cause: "\(error)", "finish the LZMA stream")
        }
        if let workspace { LZMAWorkspace.give(workspace) }
        if encoding { lzma_end(&encoder) }
        encoding = false
    }

    // MARK: - Errors

    /// Checks that `name` fits a ustar header as one plain file name.
    static func validate(entryName name: String, in path: String) throws(SpoolError) {
        let printable = name.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }
        guard !name.isEmpty, name != ".", name != "..", printable,
              name.utf8.count <= maximumNameLength else {
            throw SpoolError(
                code: .invalidName, path: path,
                message: "the entry name '\(name)' cannot go into \(path): use printable ASCII "
                    + "without '/', at most \(maximumNameLength) bytes, such as '<uuid>.xml'")
        }
    }

    /// Turns a libarchive status below `ARCHIVE_OK` into an error.
    private func check(_ status: Int32, _ operation: String) throws(SpoolError) {
        guard status < ARCHIVE_OK else { return }
        throw fail(cause: archive.map(errorText) ?? "status \(status)", operation)
    }

    /// Closes everything after a failure and returns the error to throw: the
    /// output's own error if it caused the failure, else an `archive` error.
    private func fail(cause: String, _ operation: String) -> SpoolError {
        let outputError = self.outputError
        if let archive {
            archive_write_free(archive)
            self.archive = nil
        }
        if encoding {
            lzma_end(&encoder)
            encoding = false
        }
        file.abort()
        if let outputError { return outputError }
        return SpoolError(
            code: .archive, path: file.finalPath, cause: "\(operation): \(cause)",
            message: "could not write the archive \(file.finalPath); nothing of it was kept, "
                + "run the same command again")
    }

    private func finished() -> SpoolError {
        SpoolError(
            code: .archive, path: file.finalPath, cause: "archive already finished or failed",
            message: "internal error: the archive \(file.finalPath) was already closed")
    }
}

@available(*, unavailable, message: "a TarLZMAWriter belongs to one task at a time")
extension TarLZMAWriter: Sendable {}
