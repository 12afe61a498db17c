import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import PostbatchKit
import Synchronization

/// A stand-in for Digital Post's REST interface (SPEC §6), on loopback, for tests and
/// the delivery benchmark.
///
/// It speaks HTTP/1.1 over TLS and requires a client certificate signed by the test CA
/// (``TestCertificates``); it checks `Authorization: Basic`; `POST {base}/memos/` takes
/// a tar.lzma container, unpacks it, validates each MeMo against the schema (when one
/// is given), records every messageUUID it takes and makes one receipt per message as
/// ``Configuration/outcome`` says for the recipient's CPR; `GET {base}/receipts-bulk/`
/// pages the stored receipts and `DELETE {base}/receipts/{id}` removes one. Faults are
/// injected on demand (``inject(_:)``). `docs/delivery.md` says which behaviours come
/// from Digital Post's documentation and which are assumptions.
public final class DigitalPostStandIn: Sendable {
    /// How the stand-in behaves.
    public struct Configuration: Sendable {
        /// The certificates: the server's own and the CA its clients must come from.
        public var certificates: TestCertificates
        /// The path the API lives under.
        public var basePath = "/apis/v1"
        /// The sender system's id and secret the `Authorization` header must carry.
        public var systemID = "postbatch-test-system"
        public var systemSecret = "test-secret"
        /// The MeMo schema to validate each message with; `nil` validates nothing (benchmarks).
        public var memoSchemaPath: String?
        /// Whether to unpack containers at all (`false` only for transport benchmarks:
        /// then no message is counted and no receipt made).
        public var unpack = true
        /// The receipt for a recipient (by CPR, 10 digits).
        public var outcome: @Sendable (String) -> RecipientOutcome = { _ in .received }
        /// Told the number (1-based) of each `POST memos/` as its head arrives.
        public var onPost: (@Sendable (Int) -> Void)?
        /// Told the number (1-based) of each container taken, before the answer is written.
        public var onAccepted: (@Sendable (Int) -> Void)?
        /// A folder for request bodies while they are unpacked.
        public var scratch: String

        /// A configuration with the defaults.
        public init(certificates: TestCertificates, scratch: String) {
            self.certificates = certificates
            self.scratch = scratch
        }
    }

    let configuration: Configuration
    let state: StandInState
    private let channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let task: Task<Void, Never>
    /// The port it listens on, on 127.0.0.1.
    public let port: Int

    /// `https://127.0.0.1:PORT/apis/v1`.
    public var baseURL: String { "https://127.0.0.1:\(port)\(configuration.basePath)" }

    /// Starts listening on 127.0.0.1 (`port` 0 picks a free one).
    public static func start(_ configuration: Configuration, port: Int = 0) async throws -> DigitalPostStandIn {
        let certificates = configuration.certificates
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificates.serverCertificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: certificates.serverKeyPath, format: .pem)))
        tls.certificateVerification = .noHostnameVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificates.caPath))
        let context = try NIOSSLContext(configuration: tls)
        try FileManager.default.createDirectory(atPath: configuration.scratch, withIntermediateDirectories: true)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try child.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: child)
                }
            }
        return DigitalPostStandIn(configuration: configuration, channel: channel)
    }

    private init(configuration: Configuration,
                 channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>) {
        let state = StandInState()
        self.state = state
        self.configuration = configuration
        self.channel = channel
        self.port = channel.channel.localAddress?.port ?? 0
        task = Task {
            try? await channel.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask {
                            await Connection(configuration: configuration, state: state).serve(connection)
                        }
                    }
                }
            }
        }
    }

    /// Stops listening and closes every connection.
    public func shutdown() async {
        try? await channel.channel.close().get()
        task.cancel()
        _ = await task.value
    }

    // MARK: - Control and observation

    /// Faults for the next `POST memos/` requests, one each, in order.
    public func inject(_ faults: [StandInFault]) {
        state.state.withLock { $0.faults.append(contentsOf: faults) }
    }

    /// How many times each messageUUID was taken.
    public var acceptedCounts: [String: Int] { state.state.withLock { $0.accepted } }
    /// Containers taken.
    public var containersAccepted: Int { state.state.withLock { $0.containersAccepted } }
    /// `POST memos/` requests seen (taken or not).
    public var postRequests: Int { state.state.withLock { $0.postRequests } }
    /// Requests refused for a wrong or missing `Authorization` header.
    public var unauthorisedRequests: Int { state.state.withLock { $0.unauthorised } }
    /// Receipts stored and not deleted.
    public var liveReceipts: Int { state.state.withLock { $0.liveReceipts } }
    /// Faults not injected yet.
    public var pendingFaults: Int { state.state.withLock { $0.faults.count } }
    /// The page number of every `GET receipts-bulk/`, in order.
    public var receiptPagesRequested: [Int] { state.state.withLock { $0.pagesRequested } }
    /// Time spent unpacking (and validating) `POST memos/` bodies, summed over the connections.
    public var postHandlingTime: Duration { state.state.withLock { $0.unpackTime } }
    /// Receipts handed out by `GET receipts-bulk/`, over all pages.
    public var receiptsServed: Int { state.state.withLock { $0.receiptsServed } }
}

/// One client connection: reads requests, answers them.
private struct Connection {
    let configuration: DigitalPostStandIn.Configuration
    let state: StandInState

    typealias Outbound = NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>

    func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        var validator: SchemaValidator?
        do {
            try await connection.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                while let part = try await parts.next() {
                    guard case .head(let head) = part else { continue }
                    let keepOpen = try await handle(head, parts: &parts, outbound: outbound, validator: &validator)
                    if !keepOpen { return }
                }
            }
        } catch {
            // A refused handshake, a client that went away: nothing to answer.
        }
    }

    /// Answers one request; `false` closes the connection (an injected fault).
    func handle(_ head: HTTPRequestHead, parts: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator,
                outbound: Outbound, validator: inout SchemaValidator?) async throws -> Bool {
        let (path, query) = Self.split(head.uri)
        let base = configuration.basePath
        let expected = "Basic " + Data("\(configuration.systemID):\(configuration.systemSecret)".utf8).base64EncodedString()
        let isPost = head.method == .POST && (path == base + "/memos/" || path == base + "/memos")
        var fault: StandInFault?
        if isPost {
            let number = state.state.withLock { $0.postRequests + 1 }
            configuration.onPost?(number)
            fault = state.takeFault()
        }
        if fault == .cutUpload {
            _ = try await parts.next()  // the first part of the body, then hang up
            return false
        }
        var body = ByteBuffer()
        while let part = try await parts.next() {
            if case .body(var chunk) = part { body.writeBuffer(&chunk) }
            if case .end = part { break }
        }
        guard head.headers.first(name: "Authorization") == expected else {
            state.state.withLock { $0.unauthorised += 1 }
            try await respond(outbound, .unauthorized, json: ["errorCode": "UNAUTHORIZED",
                                                              "errorMessage": "unknown sender system or wrong secret"])
            return true
        }
        if try await refuse(for: fault, outbound: outbound) { return true }
        if isPost {
            return try await post(head, body: body, fault: fault, outbound: outbound, validator: &validator)
        }
        let below = path.hasPrefix(base) ? String(path.dropFirst(base.count)) : ""
        try await answer(head.method, path: below, query: query, outbound: outbound)
        return true
    }

    /// Answers with the error an injected fault asks for; `false` when it asks for none.
    func refuse(for fault: StandInFault?, outbound: Outbound) async throws -> Bool {
        switch fault {
        case .unavailable(let seconds)?:
            try await respond(outbound, .serviceUnavailable, json: ["errorCode": "SERVICE_UNAVAILABLE",
                                                                    "errorMessage": "try again later"],
                              headers: [("Retry-After", String(seconds))])
        case .tooManyRequests(let seconds)?:
            try await respond(outbound, .tooManyRequests, json: ["errorCode": "TOO_MANY_REQUESTS",
                                                                 "errorMessage": "slow down"],
                              headers: [("Retry-After", String(seconds))])
        case .badRequest(let code)?:
            try await respond(outbound, .badRequest, json: ["errorCode": code, "errorMessage": "the request was refused"])
        default:
            return false
        }
        return true
    }

    /// `GET receipts-bulk/`, `DELETE receipts/{id}`, or 404; `path` is below the base path.
    func answer(_ method: HTTPMethod, path: String, query: [String: String], outbound: Outbound) async throws {
        if method == .GET, path == "/receipts-bulk/" || path == "/receipts-bulk" {
            let page = max(0, Int(query["page"] ?? "0") ?? 0)
            let size = min(Int(query["size"] ?? "100") ?? 100, 10_000)
            let result = state.page(page, size: size)
            try await respond(outbound, .ok, body: try JSONEncoder().encode(result))
        } else if method == .DELETE, path.hasPrefix("/receipts/") {
            let id = String(path.dropFirst("/receipts/".count)).removingPercentEncoding ?? ""
            if state.delete(id: id) {
                try await respond(outbound, .noContent, body: Data())
            } else {
                try await respond(outbound, .notFound, json: ["errorCode": "NOT_FOUND", "errorMessage": "no such receipt"])
            }
        } else {
            try await respond(outbound, .notFound, json: ["errorCode": "NOT_FOUND", "errorMessage": "no such resource"])
        }
    }

    /// `POST memos/`: unpack, validate, take, answer with the transmission's receipt.
    func post(_ head: HTTPRequestHead, body: ByteBuffer, fault: StandInFault?, outbound: Outbound,
              validator: inout SchemaValidator?) async throws -> Bool {
        guard head.headers.first(name: "Content-Type")?.lowercased().hasPrefix("application/x-lzma") == true else {
            try await respond(outbound, .unsupportedMediaType,
                              json: ["errorCode": "UNSUPPORTED_MEDIA_TYPE", "errorMessage": "expected application/x-lzma"])
            return true
        }
        var messages: [(uuid: String, outcome: RecipientOutcome)] = []
        if configuration.unpack {
            let unpackStart = ContinuousClock.now
            defer { state.state.withLock { $0.unpackTime += ContinuousClock.now - unpackStart } }
            let path = "\(configuration.scratch)/\(UUID().uuidString).tar.lzma"
            defer { try? FileManager.default.removeItem(atPath: path) }
            _ = FileManager.default.createFile(atPath: path, contents: Data(body.readableBytesView))
            do {
                let reader = try TarLZMAReader(path: path)
                while let entry = try reader.next() {
                    guard entry.name.hasSuffix(".xml") else { throw Refusal(code: "INVALID_CONTAINER", message: "entry \(entry.name) is not <messageUUID>.xml") }
                    let uuid = String(entry.name.dropLast(4))
                    guard Self.element("messageUUID", in: entry.bytes) == uuid else {
                        throw Refusal(code: "INVALID_CONTAINER", message: "entry \(entry.name) does not hold message \(uuid)")
                    }
                    var outcome = configuration.outcome(Self.element("recipientID", in: entry.bytes) ?? "")
                    if let schema = configuration.memoSchemaPath {
                        if validator == nil {
                            validator = try SchemaValidator(schemaPath: schema, expectedRoots: [.memoMessage])
                        }
                        if let failure = validator?.validate(entry.bytes).first {
                            outcome = .invalid(errorCode: "SCHEMA_VALIDATION_FAILED")
                            _ = failure
                        }
                    }
                    messages.append((uuid, outcome))
                }
            } catch let refusal as Refusal {
                state.state.withLock { $0.invalidContainers += 1 }
                try await respond(outbound, .badRequest, json: ["errorCode": refusal.code, "errorMessage": refusal.message])
                return true
            } catch {
                state.state.withLock { $0.invalidContainers += 1 }
                try await respond(outbound, .badRequest, json: ["errorCode": "INVALID_CONTAINER",
                                                                "errorMessage": "the body is not a tar.lzma container"])
                return true
            }
        }
        let transmissionId = state.newTransmissionID()
        state.accept(transmissionId: transmissionId, messages: messages)
        let number = state.state.withLock { $0.containersAccepted }
        configuration.onAccepted?(number)
        if fault == .loseResponse { return false }
        if case .slow(let milliseconds)? = fault { try await Task.sleep(for: .milliseconds(milliseconds)) }
        let receipt = Receipt(transmissionId: transmissionId, timeStamp: state.timeStamp(0), receiptStatus: "RECEIVED")
        try await respond(outbound, .created, body: try JSONEncoder().encode(receipt))
        return true
    }

    struct Refusal: Error {
        let code: String
        let message: String
    }

    // MARK: - Helpers

    func respond(_ outbound: Outbound, _ status: HTTPResponseStatus, json: [String: String],
                 headers: [(String, String)] = []) async throws {
        try await respond(outbound, status, body: try JSONEncoder().encode(json), headers: headers)
    }

    func respond(_ outbound: Outbound, _ status: HTTPResponseStatus, body: Data, headers extra: [(String, String)] = []) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        for (name, value) in extra { headers.add(name: name, value: value) }
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
        if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        try await outbound.write(.end(nil))
    }

    static func split(_ uri: String) -> (String, [String: String]) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, [:]) }
        var query: [String: String] = [:]
        for pair in uri[uri.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            query[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return (String(uri[..<mark]), query)
    }

    /// The text of the first `<memo:NAME>` element (by byte search: enough for envelopes
    /// postbatch writes, which the schema check covers anyway).
    static func element(_ name: String, in bytes: [UInt8]) -> String? {
        let open = Array("<memo:\(name)>".utf8)
        guard let start = find(open, in: bytes, from: 0) else { return nil }
        let from = start + open.count
        guard let end = find(Array("</".utf8), in: bytes, from: from) else { return nil }
        return String(decoding: bytes[from..<end], as: UTF8.self)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var index = from
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0] {
                var match = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}
