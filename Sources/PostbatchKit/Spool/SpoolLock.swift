internal import Glibc

/// The held run lock of a spool, from ``SpoolDirectory/lock()``.
///
/// While a `SpoolLock` exists, any other ``SpoolDirectory/lock()`` on the same
/// spool, in this process or another, fails with code `locked`. The lock is a
/// `flock` on the open lock file, so the kernel drops it when the process ends,
/// even by `kill -9`; no stale lock needs cleaning up.
///
/// The type is non-copyable, so exactly one value owns the lock. Swift may end a
/// value's lifetime after its last use, so end a run with an explicit
/// ``release()``: that both documents where the lock ends and keeps it alive
/// until then.
///
/// ```swift
/// let lock = try SpoolDirectory(path: dir).lock()
/// defer { lock.release() }
/// ```
public struct SpoolLock: ~Copyable, Sendable {
    /// The open lock file; closing it releases the `flock`.
    private let descriptor: Int32
    /// The spool root the lock protects.
    public let path: String

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Releases the lock so another run may take it.
    ///
    /// The lock file stays in place (removing it would let two runs lock two
    /// different files); its stale pid is overwritten by the next run.
    public consuming func release() {
        // deinit closes the descriptor, which drops the flock.
    }

    deinit {
        close(descriptor)
    }
}
