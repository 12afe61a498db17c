internal import Crypto
internal import Glibc

/// Proof that a run's second pass reads the bytes its first pass classified.
///
/// The first pass writes one 64-bit fingerprint per record (``CSVRecord``'s, little-endian)
/// to `.journal/input.fingerprints`. The second pass checks each record against it
/// *before* the record's letter goes to a renderer, and at the end compares the input's
/// size and SHA-256 with the first pass's. A file replaced, edited, appended to or cut
/// while the run works stops the run with ``RunError`` `input_changed` at the first
/// record that differs; no letter of a changed record is written. Memory is one buffer.
final class InputFingerprints {
    /// Bytes read from or written to the fingerprint file at a time.
    static let bufferBytes = 64 * 1024

    private let path: String
    private let spool: String
    private let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: bufferBytes)
    private var available = 0
    private var position = 0
    private var hasher = SHA256()
    private var bytes = 0
    /// Set once a check failed, so that every later call fails the same way.
    private var failure: RunError?

    static func append(_ fingerprint: UInt64, to buffer: inout [UInt8]) {
        var value = fingerprint.littleEndian
        withUnsafeBytes(of: &value) { buffer.append(contentsOf: $0) }
    }

    /// Opens the first pass's fingerprints.
    init(journal: RunJournal) throws(SpoolError) {
        path = journal.directory + "/" + SpoolLayout.journalFingerprints
        spool = journal.spool.path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SpoolError(errno: errno, operation: "open", path: path)
        }
    }

    deinit {
        close(descriptor)
    }

    /// Sees the second pass's bytes, for the size and hash compared at the end.
    func observe(_ chunk: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: chunk)
        bytes += chunk.count
    }

    /// Checks the next record of the second pass.
    ///
    /// - Throws: ``RunError`` `input_changed` naming the line when it differs from (or is
    ///   not among) the first pass's records.
    func check(_ fingerprint: UInt64, line: Int) throws {
        if let failure { throw failure }
        guard let expected = try nextExpected() else {
            throw fail("line \(line) was not in the input when the run classified it (rows were added)")
        }
        if expected != fingerprint {
            throw fail("line \(line) differs from what the run classified (the file was edited or replaced)")
        }
    }

    /// Checks, at the end of the second pass, that no record is missing and that the input
    /// has the first pass's size and SHA-256.
    func finish(expectedSHA256: String) throws {
        if let failure { throw failure }
        if try nextExpected() != nil {
            throw fail("the input ended early (rows were removed or the file was cut)")
        }
        if Hex.string(hasher.finalize()) != expectedSHA256 {
            throw fail("its \(bytes) bytes do not have the SHA-256 the run classified")
        }
    }

    private func fail(_ what: String) -> RunError {
        let error = RunError(code: .inputChanged, spool: spool,
                             detail: "the input changed while the run was working: \(what); nothing of the changed part was written. Run the same command again with the original file to finish, or start over with --force-new-run")
        failure = error
        return error
    }

    private func nextExpected() throws(SpoolError) -> UInt64? {
        if position + 8 > available {
            try refill()
            guard position + 8 <= available else { return nil }
        }
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { target in
            buffer.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<position + 8]))
            }
        }
        position += 8
        return UInt64(littleEndian: value)
    }

    private func refill() throws(SpoolError) {
        let rest = available - position
        if rest > 0 {
            buffer.withUnsafeMutableBytes { bytes in
                guard let base = bytes.baseAddress else { return }
                memmove(base, base + position, rest)
            }
        }
        available = rest
        position = 0
        while available < buffer.count {
            let count = buffer.withUnsafeMutableBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                return read(descriptor, base + available, bytes.count - available)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw SpoolError(errno: errno, operation: "read", path: path)
            }
            if count == 0 { break }
            available += count
        }
    }
}
