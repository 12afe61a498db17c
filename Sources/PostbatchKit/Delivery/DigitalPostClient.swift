internal import AsyncHTTPClient
internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import NIOSSL

/// How to reach Digital Post: base URL, mutual-TLS certificate and key, the CA to
/// trust, and the sender system's id and secret for `Authorization: Basic`.
public struct DigitalPostEndpoint: Sendable {
    /// `https://api.test.digitalpost.dk/apis/v1`, without a trailing `/`.
    public let baseURL: String
    /// The sender's certificate chain (PEM).
    public let certificatePath: String
    /// The certificate's private key (PEM).
    public let keyPath: String
    /// Roots to trust instead of the system's (PEM), for a test environment.
    public let caPath: String?
    /// The sender system's id.
    public let systemID: String
    /// The sender system's secret.
    public let systemSecret: String

    /// An endpoint from its parts.
    ///
    /// - Throws: ``DeliveryError`` `configuration` for a URL that is not `https://…`
    ///   (plain `http://` only for `127.0.0.1`/`localhost`), `credentials` for an empty
    ///   system id or secret.
    public init(baseURL: String, certificatePath: String, keyPath: String, caPath: String?,
                systemID: String, systemSecret: String) throws(DeliveryError) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), url.scheme == "https", url.host != nil else {
            throw DeliveryError(code: .configuration, subject: baseURL,
                                message: "--endpoint must be an https:// URL such as https://api.test.digitalpost.dk/apis/v1")
        }
        guard !systemID.isEmpty, !systemSecret.isEmpty else {
            throw DeliveryError(code: .credentials, subject: "POSTBATCH_SYSTEM_ID",
                                message: "set POSTBATCH_SYSTEM_ID and POSTBATCH_SYSTEM_SECRET to the sender system's id and secret")
        }
        self.baseURL = base
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.caPath = caPath
        self.systemID = systemID
        self.systemSecret = systemSecret
    }

    /// `Basic base64(id:secret)`.
    var authorization: String {
        "Basic " + Data("\(systemID):\(systemSecret)".utf8).base64EncodedString()
    }
}

/// Talks to Digital Post's REST interface (SPEC §6) over mutual TLS with AsyncHTTPClient.
///
/// One client holds one connection pool; ``shutdown()`` must be called before it goes.
final class DigitalPostClient: Sendable {
    let endpoint: DigitalPostEndpoint
    private let http: HTTPClient
    let requestTimeout: TimeAmount

    /// What came of one `POST memos/`.
    enum SendOutcome: Sendable {
        /// 2xx: the server took the container.
        case accepted(status: Int, receipt: Receipt?)
        /// An HTTP error status: the server did not take it. `transient` for 429 and 5xx.
        case refused(status: Int, detail: String, retryAfter: Duration?, transient: Bool)
        /// The request may or may not have reached the server (connection cut, timeout).
        case uncertain(detail: String)
        /// The connection never carried the request (refused, connect timeout).
        case notSent(detail: String)
    }

    /// - Throws: ``DeliveryError`` `configuration` when a PEM file cannot be read.
    init(endpoint: DigitalPostEndpoint, connections: Int, requestTimeout: Duration = .seconds(120)) throws(DeliveryError) {
        self.endpoint = endpoint
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(endpoint.certificatePath).map { .certificate($0) }
        } catch {
            throw DeliveryError(code: .configuration, subject: endpoint.certificatePath, cause: "\(error)",
                                message: "cannot read the certificate \(endpoint.certificatePath): give a PEM file with --cert")
        }
        do {
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: endpoint.keyPath, format: .pem))
        } catch {
            throw DeliveryError(code: .configuration, subject: endpoint.keyPath, cause: "\(error)",
                                message: "cannot read the private key \(endpoint.keyPath): give an unencrypted PEM key with --key")
        }
        if let ca = endpoint.caPath {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
            } catch {
                throw DeliveryError(code: .configuration, subject: ca, cause: "\(error)",
                                    message: "cannot read the CA certificates \(ca): give a PEM file with --ca")
            }
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = .http1Only
        configuration.timeout = .init(connect: .seconds(15), read: .seconds(Int64(requestTimeout.components.seconds)))
        configuration.connectionPool = .init(idleTimeout: .seconds(30),
                                             concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connections))
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .disallow
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.requestTimeout = .seconds(Int64(requestTimeout.components.seconds))
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    private func request(_ path: String, method: HTTPMethod) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: endpoint.baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: endpoint.authorization)
        request.headers.add(name: "Accept", value: "application/json")
        return request
    }

    /// Sends one container: `POST memos/` with `Content-Type: application/x-lzma`.
    ///
    /// - Throws: ``DeliveryError`` `tls` when the TLS handshake fails (a certificate
    ///   refused or not trusted): retrying cannot help.
    func send(container bytes: ByteBuffer) async throws(DeliveryError) -> SendOutcome {
        var request = request("/memos/", method: .POST)
        request.headers.add(name: "Content-Type", value: "application/x-lzma")
        request.body = .bytes(bytes)  // AsyncHTTPClient sets Content-Length from it
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: requestTimeout)
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            return try classify(error)
        }
        let status = Int(response.status.code)
        if (200..<300).contains(status) {
            let receipt = try? JSONDecoder().decode(Receipt.self, from: Data(body.readableBytesView))
            return .accepted(status: status, receipt: receipt)
        }
        let retryAfter = response.headers.first(name: "Retry-After").flatMap { Self.retryAfter($0) }
        return .refused(status: status, detail: Self.errorText(status: status, body: body), retryAfter: retryAfter,
                        transient: status == 429 || status >= 500)
    }

    /// Fetches one page of receipts: `GET receipts-bulk/?page=P&size=S`.
    func receipts(page: Int, size: Int) async throws(DeliveryError) -> ReceiptPage {
        let body = try await simple(request("/receipts-bulk/?page=\(page)&size=\(size)", method: .GET),
                                    what: "receipts page \(page)")
        do {
            return try JSONDecoder().decode(ReceiptPage.self, from: Data(body.readableBytesView))
        } catch {
            throw DeliveryError(code: .badResponse, subject: endpoint.baseURL + "/receipts-bulk/", cause: "\(error)",
                                message: "the receipts page \(page) is not the JSON SPEC §6 describes")
        }
    }

    /// Deletes a stored receipt on the server: `DELETE receipts/{id}`. A 404 counts as done.
    func deleteReceipt(id: String) async throws(DeliveryError) {
        let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id
        _ = try await simple(request("/receipts/\(escaped)", method: .DELETE), what: "receipt \(id)",
                             accepting: [404])
    }

    /// A GET or DELETE with a few retries for transient failures.
    private func simple(_ request: HTTPClientRequest, what: String, accepting extra: Set<Int> = []) async throws(DeliveryError) -> ByteBuffer {
        var attempt = 0
        while true {
            attempt += 1
            var wait: Duration = .milliseconds(200 * (1 << min(attempt, 6)))
            var detail: String
            do {
                let response = try await http.execute(request, timeout: requestTimeout)
                let body = try await response.body.collect(upTo: 64 << 20)
                let status = Int(response.status.code)
                if (200..<300).contains(status) || extra.contains(status) { return body }
                detail = Self.errorText(status: status, body: body)
                if status != 429 && status < 500 {
                    throw DeliveryError(code: .permanent, subject: request.url, cause: detail,
                                        message: "the server refused the request for \(what)")
                }
                if let after = response.headers.first(name: "Retry-After").flatMap({ Self.retryAfter($0) }) { wait = after }
            } catch let error as DeliveryError {
                throw error
            } catch {
                _ = try classify(error)  // throws for a refused TLS handshake
                detail = "\(error)"
            }
            if attempt >= 6 {
                throw DeliveryError(code: .gaveUp, subject: request.url, cause: detail,
                                    message: "the server did not answer the request for \(what) after \(attempt) attempts")
            }
            try? await Task.sleep(for: wait)
        }
    }

    /// Sorts a transport error: TLS refusals are fatal; failures before the request
    /// was written are `notSent`; everything else is `uncertain`.
    private func classify(_ error: any Error) throws(DeliveryError) -> SendOutcome {
        let text = String(describing: error)
        // With TLS 1.3 the server checks the client certificate after the client has
        // finished its side of the handshake: the refusal arrives during the request.
        if error is NIOSSLError || error is BoringSSLError {
            throw Self.tlsError(text: text, endpoint: endpoint)
        }
        if let ahc = error as? HTTPClientError, ahc == .connectTimeout || ahc == .tlsHandshakeTimeout {
            return .notSent(detail: text)
        }
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("NIOConnectionError") {
            return .notSent(detail: text)
        }
        return .uncertain(detail: text)
    }

    static func tlsError(text: String, endpoint: DigitalPostEndpoint) -> DeliveryError {
        let lower = text.lowercased()
        if lower.contains("certificate verify failed") || lower.contains("certificate_verify_failed") {
            return DeliveryError(
                code: .tls, subject: endpoint.baseURL, cause: text,
                message: "the server's certificate is not trusted: give the CA that issued it with --ca "
                    + "(or check that --endpoint names the right host)")
        }
        return DeliveryError(
            code: .tls, subject: endpoint.baseURL, cause: text,
            message: "the server refused the TLS handshake: it does not accept the client certificate "
                + "\(endpoint.certificatePath) (check --cert and --key: the certificate must be the sender's "
                + "FOCES/OCES certificate registered with Digital Post)")
    }

    /// `Retry-After` in seconds (HTTP dates are not used by Digital Post; they count as absent).
    static func retryAfter(_ value: String) -> Duration? {
        guard let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return .milliseconds(Int64(min(seconds, 600) * 1000))
    }

    /// The server's error as text: `errorCode: errorMessage` from a JSON body, else the start of the body.
    static func errorText(status: Int, body: ByteBuffer) -> String {
        let data = Data(body.readableBytesView.prefix(2000))
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            let code = object["errorCode"] as? String ?? object["error"] as? String
            let message = object["errorMessage"] as? String ?? object["message"] as? String
            let parts = [code, message].compactMap { $0 }
            if !parts.isEmpty { return "HTTP \(status): " + parts.joined(separator: ": ") }
        }
        let text = String(decoding: data.prefix(300), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(text)"
    }
}
