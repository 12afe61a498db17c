/// Failures to inject into ``AtomicFileWriter`` so tests can prove what a failed
/// write leaves behind.
///
/// Production code never sets this: it exists so that a test can make a write
/// fail with `ENOSPC` after a given number of bytes, or make opening, syncing or
/// renaming fail, without filling a real disk or needing a read-only mount
/// (tests run as root, and root ignores permission bits).
///
/// ```swift
/// var writer = AtomicFileWriter(directory: dir)
/// writer.faults = FaultInjection(failure: .write(afterBytes: 100), errno: ENOSPC)
/// #expect(throws: SpoolError.self) { try writer.write(bytes, to: "a.xml") }
/// ```
package struct FaultInjection: Sendable {
    /// Where the injected failure happens.
    package enum Point: Sendable, Equatable {
        /// Opening the temporary file fails.
        case open
        /// Setting the temporary file's mode (`fchmod`) fails.
        case fchmod
        /// Writing succeeds for the first `afterBytes` bytes of the file (the last
        /// successful call may be a short write), then every write fails.
        case write(afterBytes: Int)
        /// `fsync` of the file fails.
        case fsync
        /// Renaming the temporary file to its final name fails.
        case rename
    }

    /// Where the failure happens, or `nil` to inject none.
    package var failure: Point?
    /// The `errno` value the failing call reports, `ENOSPC` for a full disk.
    package var errno: Int32
    /// When set, no single `write` call accepts more than this many bytes, so the
    /// partial-write loop is exercised.
    package var maxBytesPerWrite: Int?

    /// Creates a set of injected faults.
    ///
    /// - Parameters:
    ///   - failure: where the failure happens, or `nil` for none.
    ///   - errno: the `errno` the failing call reports.
    ///   - maxBytesPerWrite: an upper bound for each `write` call, or `nil`.
    package init(failure: Point? = nil, errno: Int32 = 0, maxBytesPerWrite: Int? = nil) {
        self.failure = failure
        self.errno = errno
        self.maxBytesPerWrite = maxBytesPerWrite
    }
}
