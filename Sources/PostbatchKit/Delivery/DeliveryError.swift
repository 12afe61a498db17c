/// An error while handing a spool to Digital Post, fetching receipts, reporting the
/// delivery status or writing paper fallbacks (SPEC §6).
///
/// Like ``SpoolError`` every failure has a stable ``code`` (its string never changes),
/// the thing concerned in ``subject`` (a container path, an endpoint, a file; never a
/// CPR number or a name), the server's or library's own words in ``cause`` when there
/// are any, and a ``message`` that tells the operator what to do next.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Storage: String {
            case notASpool = "not_a_spool"
            case ledger = "ledger"
            case configuration = "configuration"
            case credentials = "credentials"
            case tls = "tls"
            case permanent = "permanent_rejection"
            case gaveUp = "gave_up"
            case transport = "transport"
            case badResponse = "bad_response"
            case receiptsFile = "receipts_file"
            case inputMismatch = "input_mismatch"
            case fallback = "fallback"
        }
        fileprivate let storage: Storage
        /// The folder is not a finished spool (no `manifest.csv`), or its manifest is damaged.
        public static var notASpool: Self { .init(storage: .notASpool) }
        /// The ledger database cannot be opened, migrated, read or written.
        public static var ledger: Self { .init(storage: .ledger) }
        /// A setting is missing or wrong (endpoint, PEM files, rates).
        public static var configuration: Self { .init(storage: .configuration) }
        /// The system id and secret for the `Authorization` header are missing.
        public static var credentials: Self { .init(storage: .credentials) }
        /// The TLS handshake failed: a certificate was refused or not trusted.
        public static var tls: Self { .init(storage: .tls) }
        /// The server refused a transmission for good (HTTP 4xx other than 429).
        public static var permanent: Self { .init(storage: .permanent) }
        /// A transmission still failed after every retry.
        public static var gaveUp: Self { .init(storage: .gaveUp) }
        /// The connection failed in a way that retrying did not fix.
        public static var transport: Self { .init(storage: .transport) }
        /// The server's answer is not what SPEC §6 describes.
        public static var badResponse: Self { .init(storage: .badResponse) }
        /// A receipts file given to `receipts --from` cannot be read.
        public static var receiptsFile: Self { .init(storage: .receiptsFile) }
        /// The input given to `fallback` is not the input of the spool's run.
        public static var inputMismatch: Self { .init(storage: .inputMismatch) }
        /// A paper fallback could not be written.
        public static var fallback: Self { .init(storage: .fallback) }
        public var description: String { storage.rawValue }
    }

    /// The stable code of this error.
    public let code: Code
    /// The container, endpoint or file concerned; never personal data.
    public let subject: String
    /// The server's, library's or system's own description, when there is one.
    public let cause: String?
    /// What happened and what to do about it.
    public let message: String

    /// Creates an error from its parts.
    public init(code: Code, subject: String, cause: String? = nil, message: String) {
        self.code = code
        self.subject = subject
        self.cause = cause
        self.message = message
    }

    public var description: String {
        "\(message)\(cause.map { " (\($0))" } ?? "") [\(code)]"
    }
}
