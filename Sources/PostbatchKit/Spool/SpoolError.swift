/// An error while writing to, locking or reading the delivery spool.
///
/// Every spool failure carries a stable ``code`` (its string never changes; it
/// appears in logs, reports and tests), the ``path`` concerned, the operating
/// system's own words in ``cause`` when there are any, and a ``message`` that
/// tells a person what to do next.
///
/// Paths in the spool name folders by date and files by message UUID, never by
/// CPR number or name, so a `SpoolError` holds no personal data.
///
/// ```swift
/// do {
///     try writer.write(bytes, to: "\(uuid).xml")
/// } catch let error where error.code == .diskFull {
///     // stop the run; what was already written stays valid
/// }
/// ```
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Storage: String {
            case notWritable = "not_writable"
            case diskFull = "disk_full"
            case io = "io"
            case locked = "locked"
            case archive = "archive"
            case lzmaCheck = "lzma_check"
            case invalidName = "invalid_name"
            case notASpool = "not_a_spool"
        }
        fileprivate let storage: Storage
        /// The folder or file may not be written: permissions (`EACCES`, `EPERM`)
        /// or a read-only file system (`EROFS`).
        public static var notWritable: Self { .init(storage: .notWritable) }
        /// The disk or the user's quota is full (`ENOSPC`, `EDQUOT`).
        public static var diskFull: Self { .init(storage: .diskFull) }
        /// Any other failure of the operating system while reading or writing.
        public static var io: Self { .init(storage: .io) }
        /// Another postbatch run holds the spool's lock.
        public static var locked: Self { .init(storage: .locked) }
        /// libarchive could not write or read a `.tar.lzma` container.
        public static var archive: Self { .init(storage: .archive) }
        /// postbatch's LZMA encoder wrote a stream that liblzma's decoder does not read
        /// back as the tar it was given (``LZMACompression/repeats``).
        public static var lzmaCheck: Self { .init(storage: .lzmaCheck) }
        /// A file or entry name is not one plain path component (empty, `.`,
        /// `..`, holds `/` or NUL, or too long for a tar header).
        public static var invalidName: Self { .init(storage: .invalidName) }
        /// The folder is not a spool: it is missing, not a folder, or has no
        /// `manifest.csv` (see ``SpoolVerifier``).
        public static var notASpool: Self { .init(storage: .notASpool) }
        public var description: String { storage.rawValue }
    }

    /// The stable code of this error.
    public let code: Code
    /// The file or folder concerned.
    public let path: String
    /// The underlying system or library error, `No space left on device
    /// (ENOSPC)`, when there is one.
    public let cause: String?
    /// What happened and what to do about it, in words a person can act on.
    public let message: String

    /// Creates an error from its parts.
    ///
    /// Most errors come from ``SpoolError/init(errno:operation:path:)``, which
    /// picks the code and message for an `errno` value.
    ///
    /// - Parameters:
    ///   - code: the stable code.
    ///   - path: the file or folder concerned; never put personal data in it.
    ///   - cause: the system's or library's own description, if any.
    ///   - message: what happened and what the person should do.
    public init(code: Code, path: String, cause: String? = nil, message: String) {
        self.code = code
        self.path = path
        self.cause = cause
        self.message = message
    }

    public var description: String {
        "\(message)\(cause.map { " (\($0))" } ?? "") [\(code)]"
    }
}
