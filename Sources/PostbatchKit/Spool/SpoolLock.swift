internal import Glibc

/// The held run lock of a spool, from ``SpoolDirectory/lock()``.
///
/// While a `SpoolLock` exists, any other ``SpoolDirectory/lock()`` on the same
/// spool, in this process or another, fails with code `locked`. The lock is a
/// `flock` on the open lock file, so the kernel drops it when the process ends,
/// even by `kill -9`; no stale lock needs cleaning up.
///
/// The type is non-copyable, so exactly one value owns the lock, and the lock is
/// released when that value is destroyed. End a run with an explicit
/// ``release()`` all the same: it documents where the lock ends and keeps the
/// value alive until then.
///
/// ```swift
/// var lock = try SpoolDirectory(path: dir).lock()
/// defer { lock.release() }
/// ```
package struct SpoolLock: ~Copyable, Sendable {
    /// The open lock file, or -1 once released; closing it drops the `flock`.
    private var descriptor: Int32
    /// The spool root the lock protects.
    package let path: String

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Releases the lock so another run may take it.
    ///
    /// Calling it again does nothing. The lock file stays in place (removing it
    /// would let two runs lock two different files); its stale pid is
    /// overwritten by the next run.
    package mutating func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}
