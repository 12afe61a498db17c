internal import Foundation
public import Logging
internal import NIOCore
internal import Synchronization

/// Settings of `postbatch deliver`.
public struct DeliveryOptions: Sendable {
    /// Containers sent at the same time (connections).
    public var connections = 4
    /// At most this many containers started per second; `nil` for no limit.
    public var maxRate: Double?
    /// Requests per transmission before it is given up (transient failures only).
    public var maxAttempts = 8
    /// The first retry waits about this long; each next one twice as long (with jitter).
    public var retryBaseDelay: Duration = .milliseconds(500)
    /// No retry waits longer than this (a longer `Retry-After` is honoured up to 10 minutes).
    public var retryMaxDelay: Duration = .seconds(60)
    /// Rounds of "ask the server for receipts, then send what it never took" for
    /// transmissions whose outcome a cut connection left unknown.
    public var reconcileRounds = 3
    /// How long after an uncertain attempt started its receipts are first asked for: a
    /// server may still be taking a container whose sender was killed or cut off, and
    /// its receipts appear only once it has. Reconciling earlier could send it twice.
    public var settleTime: Duration = .seconds(15)
    /// Receipts per page when reconciling.
    public var receiptsPageSize = 1000
    /// How long one request may take.
    public var requestTimeout: Duration = .seconds(120)
    /// How loose envelopes are compressed when packed into containers.
    public var packingCompression = LZMACompression.standard
    /// Set by SIGINT or SIGTERM: no new container is started, the ones in flight finish,
    /// and ``Deliverer/run(dryRun:progress:)`` returns a summary with
    /// ``DeliverySummary/interruptedBy`` set.
    public var cancellation: RunCancellation?

    /// The defaults.
    public init() {}
}

/// What `deliver` did (or, with `--dry-run`, would do).
public struct DeliverySummary: Sendable, Equatable {
    /// Transmissions (containers) the spool has for digital letters.
    public var transmissions = 0
    /// Digital letters in the spool.
    public var letters = 0
    /// Transmissions sent before this run (the ledger said so, or the server's receipts showed it).
    public var alreadySent = 0
    /// Of those, how many this run learnt from the server's receipts after an interruption.
    public var reconciled = 0
    /// Transmissions sent now (201).
    public var sent = 0
    /// Letters in them.
    public var lettersSent = 0
    /// Bytes of containers sent now.
    public var bytesSent = 0
    /// Requests that were retried.
    public var retries = 0
    /// Transmissions still not known to be taken (their outcome unknown, or not sent).
    public var remaining = 0
    /// Letters in them.
    public var lettersRemaining = 0
    /// Of ``remaining``, those whose outcome is unknown (a cut connection, or a signal
    /// during the request): the next run asks the server's receipts about them first.
    public var uncertain = 0
    /// The signal that stopped the delivery early (SIGINT 2, SIGTERM 15), or `nil`.
    public var interruptedBy: Int32?
    /// Transmissions refused for good or given up after every retry, with the reason.
    public var failures: [String] = []
    /// Letters' envelopes to send, for `--dry-run`: containers that would be sent now.
    public var wouldSend = 0
    /// Letters in them.
    public var lettersWouldSend = 0
}

/// Progress of a delivery, for the terminal line.
public struct DeliveryProgress: Sendable {
    /// Letters sent (before and during this run).
    public var lettersDone: Int
    /// Digital letters in the spool.
    public var lettersTotal: Int
}

/// Sends every digital letter of a spool to Digital Post exactly once (SPEC §6).
///
/// ```swift
/// let deliverer = Deliverer(spool: "spool", endpoint: endpoint, options: DeliveryOptions(), logger: logger)
/// let summary = try await deliverer.run { progress in … }
/// ```
///
/// Exactly once, across kills: a transmission is recorded as `sending` (durably, in the
/// ledger) before its request goes out, and as `sent` after the 201. A run that finds
/// transmissions still `sending` (the last run was killed mid-request, or a connection
/// was cut) asks the server for its receipts first and only sends again what the server
/// never took. Containers are taken whole, so one receipt for any of a container's
/// letters shows that the server has the container.
public struct Deliverer: Sendable {
    /// The spool folder.
    public let spool: String
    /// Where to send; `nil` is allowed for a dry run.
    public let endpoint: DigitalPostEndpoint?
    /// Settings.
    public let options: DeliveryOptions
    /// Where progress and problems are logged.
    public let logger: Logger

    /// A deliverer for one spool.
    public init(spool: String, endpoint: DigitalPostEndpoint?, options: DeliveryOptions, logger: Logger) {
        self.spool = spool
        self.endpoint = endpoint
        self.options = options
        self.logger = logger
    }

    /// Sends what is not sent yet.
    ///
    /// - Parameters:
    ///   - dryRun: only say what would be sent; no request is made, the ledger gets the
    ///     spool's letters but no transmission changes.
    ///   - progress: called after each container.
    /// - Returns: the summary; ``DeliverySummary/failures`` lists transmissions that
    ///   were given up or refused.
    /// - Throws: ``DeliveryError``: `permanent_rejection` when the server refuses a
    ///   container for good (the message names the container and the server's error;
    ///   the containers already in flight finish first); `tls` when the handshake
    ///   fails; `ledger`, `not_a_spool`, `configuration`. `SpoolError` `locked` when
    ///   another postbatch command holds the spool.
    public func run(dryRun: Bool = false,
                    progress: @escaping @Sendable (DeliveryProgress) -> Void = { _ in }) async throws -> DeliverySummary {
        guard FileManager.default.fileExists(atPath: "\(spool)/\(SpoolLayout.manifest)") else {
            throw DeliveryError(code: .notASpool, subject: spool,
                                message: "\(spool) holds no \(SpoolLayout.manifest): give the folder a finished run wrote with --spool")
        }
        var lock = try SpoolDirectory(path: spool).lock()
        defer { lock.release() }
        let ledger = try Ledger(spool: spool)
        var summary = DeliverySummary()
        let all = try ledger.transmissions()
        summary.transmissions = all.count
        summary.letters = all.reduce(0) { $0 + $1.letters }
        if dryRun {
            let open = all.filter { $0.state != .sent }
            summary.alreadySent = all.count - open.count
            summary.wouldSend = open.count
            summary.lettersWouldSend = open.reduce(0) { $0 + $1.letters }
            summary.remaining = open.filter { $0.state == .sending }.count
            return summary
        }
        guard let endpoint else {
            throw DeliveryError(code: .configuration, subject: spool, message: "--endpoint is needed to send")
        }
        let client = try DigitalPostClient(endpoint: endpoint, connections: options.connections,
                                           requestTimeout: options.requestTimeout)
        do {
            summary = try await deliver(ledger: ledger, client: client, summary: summary, progress: progress)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        return summary
    }

    private func deliver(ledger: Ledger, client: DigitalPostClient, summary start: DeliverySummary,
                         progress: @escaping @Sendable (DeliveryProgress) -> Void) async throws -> DeliverySummary {
        var summary = start
        // A killed run leaves transmissions `sending`: ask the server before anything else.
        if try ledger.transmissions().contains(where: { $0.state == .sending }) {
            if let settled = try await reconcile(ledger: ledger, client: client) {
                summary.reconciled = settled.sent
                logger.notice("reconciled interrupted transmissions with the server's receipts", metadata: [
                    "delivery.taken": "\(settled.sent)", "delivery.not_taken": "\(settled.pending)",
                ])
            }
        }
        var transmissions = try ledger.transmissions()
        summary.alreadySent = transmissions.filter { $0.state == .sent }.count
        let lettersTotal = summary.letters
        let counters = Counters(lettersDone: transmissions.filter { $0.state == .sent }.reduce(0) { $0 + $1.letters })
        progress(DeliveryProgress(lettersDone: counters.lettersDone, lettersTotal: lettersTotal))
        let limiter = options.maxRate.map { RateLimiter(perSecond: $0) }
        var round = 0
        while !isCancelled {
            let queue = transmissions.filter { $0.state == .pending || $0.state == .failed }
            if !queue.isEmpty {
                logger.info("sending containers", metadata: [
                    "delivery.containers": "\(queue.count)", "delivery.connections": "\(options.connections)",
                ])
                try await send(queue, ledger: ledger, client: client, limiter: limiter, counters: counters) {
                    progress(DeliveryProgress(lettersDone: $0, lettersTotal: lettersTotal))
                }
            }
            transmissions = try ledger.transmissions()
            let uncertain = transmissions.filter { $0.state == .sending }
            if uncertain.isEmpty || round >= options.reconcileRounds || isCancelled { break }
            round += 1
            logger.notice("connections were cut: asking the server which containers it took", metadata: [
                "delivery.uncertain": "\(uncertain.count)", "delivery.round": "\(round)",
            ])
            guard let settled = try await reconcile(ledger: ledger, client: client) else { break }
            summary.reconciled += settled.sent
            transmissions = try ledger.transmissions()
            if settled.pending == 0 { break }
        }
        return try finish(summary, counters: counters, transmissions: ledger.transmissions())
    }

    /// The summary at the end: what this run sent, what is left, and why it stopped.
    private func finish(_ start: DeliverySummary, counters: Counters,
                        transmissions: [Ledger.Transmission]) throws -> DeliverySummary {
        var summary = start
        let snapshot = counters.snapshot()
        summary.sent = snapshot.sent
        summary.lettersSent = snapshot.lettersSent
        summary.bytesSent = snapshot.bytes
        summary.retries = snapshot.retries
        summary.failures = snapshot.failures
        let open = transmissions.filter { $0.state != .sent }
        summary.remaining = open.count
        summary.lettersRemaining = open.reduce(0) { $0 + $1.letters }
        summary.uncertain = open.filter { $0.state == .sending }.count
        summary.interruptedBy = options.cancellation?.signalNumber
        if let fatal = snapshot.fatal { throw fatal }
        if let signal = summary.interruptedBy {
            logger.notice("delivery stopped by a signal", metadata: [
                "signal": "\(signal)", "delivery.sent": "\(summary.sent)", "delivery.remaining": "\(summary.remaining)",
            ])
        }
        return summary
    }

    /// Whether SIGINT or SIGTERM asked the delivery to stop.
    private var isCancelled: Bool { options.cancellation?.isCancelled ?? false }

    /// Sleeps for `duration`, or less when a signal asks the delivery to stop.
    private func pause(_ duration: Duration) async {
        let end = ContinuousClock.now + duration
        while !isCancelled, ContinuousClock.now < end {
            try? await Task.sleep(for: min(.milliseconds(100), end - ContinuousClock.now))
        }
    }

    /// Asks the server for the receipts it made since the last time (without deleting
    /// any; see ``Ledger/receiptCursor()``), stores them, and settles the `sending`
    /// transmissions from them.
    ///
    /// - Returns: how many became sent and pending; `nil` when a signal stopped it first.
    func reconcile(ledger: Ledger, client: DigitalPostClient) async throws(DeliveryError) -> (sent: Int, pending: Int)? {
        if let started = try ledger.latestUncertainStart() {
            // Timestamps have whole seconds: count the started second as a whole one.
            let settled = started.secondsSinceEpoch + 1 + options.settleTime.components.seconds
            let wait = settled - Timestamp.now().secondsSinceEpoch
            if wait > 0 {
                logger.info("waiting for the server to settle before asking for receipts",
                            metadata: ["delivery.wait.seconds": "\(wait)"])
                await pause(.seconds(wait))
            }
        }
        if isCancelled { return nil }
        let read = try await ReceiptCursor.readNew(ledger: ledger, client: client, pageSize: options.receiptsPageSize)
        logger.info("receipts read for reconciling", metadata: [
            "receipts.read": "\(read.receipts)", "receipts.pages": "\(read.pages)", "receipts.first_page": "\(read.firstPage)",
        ])
        return try ledger.settleUncertain()
    }

    // MARK: - Sending

    /// Sends `queue` with ``DeliveryOptions/connections`` tasks; stops taking new work
    /// after a permanent refusal or a signal.
    private func send(_ queue: [Ledger.Transmission], ledger: Ledger, client: DigitalPostClient, limiter: RateLimiter?,
                      counters: Counters, progress: @escaping @Sendable (Int) -> Void) async throws {
        let next = QueuePosition()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, min(options.connections, queue.count)) {
                group.addTask {
                    while true {
                        if counters.stopped || isCancelled || Task.isCancelled { return }
                        let index = next.take()
                        guard index < queue.count else { return }
                        try await transmit(queue[index], ledger: ledger, client: client, limiter: limiter,
                                           counters: counters)
                        progress(counters.lettersDone)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Sends one transmission, retrying transient failures (not after a signal).
    private func transmit(_ transmission: Ledger.Transmission, ledger: Ledger, client: DigitalPostClient,
                          limiter: RateLimiter?, counters: Counters) async throws {
        let key = transmission.key
        let source = ContainerSource(spool: spool, ledger: ledger, compression: options.packingCompression)
        let bytes = try source.bytes(for: key)
        var attempt = 0
        while true {
            attempt += 1
            if counters.stopped || isCancelled { return }
            await limiter?.wait()
            if isCancelled { return }
            try ledger.markSending(key)
            let outcome: DigitalPostClient.SendOutcome
            do {
                outcome = try await client.send(container: bytes)
            } catch {
                // A refused TLS handshake: the server took nothing, and retrying cannot help.
                try ledger.markNotTaken(key, httpStatus: nil, error: error.description)
                throw error
            }
            guard let wait = try record(outcome, of: transmission, bytes: bytes.readableBytes, attempt: attempt,
                                        ledger: ledger, counters: counters) else { return }
            counters.retried()
            if attempt >= options.maxAttempts {
                try ledger.markFailed(key, httpStatus: nil, error: "gave up after \(attempt) attempts")
                counters.gaveUp("\(key): gave up after \(attempt) attempts")
                logger.error("container given up", metadata: ["delivery.container": "\(key)"])
                return
            }
            await pause(wait)
        }
    }

    /// Records the outcome of one request in the ledger and the counters.
    ///
    /// - Returns: how long to wait before the next attempt, or `nil` when the
    ///   transmission is done with for this run (sent, refused for good, or uncertain).
    private func record(_ outcome: DigitalPostClient.SendOutcome, of transmission: Ledger.Transmission, bytes: Int,
                        attempt: Int, ledger: Ledger, counters: Counters) throws(DeliveryError) -> Duration? {
        let key = transmission.key
        switch outcome {
        case .accepted(let status, let receipt):
            try ledger.markSent(key, httpStatus: status, transmissionId: receipt?.transmissionId)
            counters.sent(letters: transmission.letters, bytes: bytes)
            logger.debug("container sent", metadata: ["delivery.container": "\(key)", "http.status": "\(status)"])
            return nil
        case .refused(let status, let detail, _, false):
            try ledger.markFailed(key, httpStatus: status, error: detail)
            let error = DeliveryError(
                code: .permanent, subject: key, cause: detail,
                message: "Digital Post refused the container \(key) (HTTP \(status)); "
                    + "nothing more is sent: fix the cause, then run deliver again")
            counters.fail(error, description: "\(key): \(detail)")
            logger.error("container refused", metadata: ["delivery.container": "\(key)", "http.status": "\(status)"])
            return nil
        case .refused(let status, let detail, let retryAfter, true):
            try ledger.markNotTaken(key, httpStatus: status, error: detail)
            logger.warning("server busy, retrying", metadata: [
                "delivery.container": "\(key)", "http.status": "\(status)", "delivery.attempt": "\(attempt)",
            ])
            return retryAfter ?? backoff(attempt: attempt)
        case .notSent(let detail):
            try ledger.markNotTaken(key, httpStatus: nil, error: detail)
            logger.warning("cannot connect, retrying", metadata: [
                "delivery.container": "\(key)", "delivery.attempt": "\(attempt)", "error": "\(detail)",
            ])
            return backoff(attempt: attempt)
        case .uncertain(let detail):
            // The server may have it: never send it again before its receipts say it has not.
            try ledger.markUncertain(key, error: detail)
            counters.retried()
            logger.warning("connection cut during a transmission; its receipts will tell whether it arrived",
                           metadata: ["delivery.container": "\(key)", "error": "\(detail)"])
            return nil
        }
    }

    /// Exponential backoff with full jitter: a random wait up to base · 2^(attempt-1), capped.
    func backoff(attempt: Int) -> Duration {
        let base = Double(options.retryBaseDelay.components.seconds) + Double(options.retryBaseDelay.components.attoseconds) / 1e18
        let cap = Double(options.retryMaxDelay.components.seconds)
        let ceiling = min(cap, base * pow(2, Double(min(attempt - 1, 20))))
        return .milliseconds(Int64(Double.random(in: ceiling / 2...max(ceiling / 2, ceiling)) * 1000))
    }
}

/// What the sending tasks count together.
final class Counters: Sendable {
    struct Tally {
        var sent = 0
        var lettersSent = 0
        var bytes = 0
        var retries = 0
        var failures: [String] = []
        var fatal: DeliveryError?
        var lettersDone: Int
    }

    private let state: Mutex<Tally>

    init(lettersDone: Int) {
        state = Mutex(Tally(lettersDone: lettersDone))
    }

    var stopped: Bool { state.withLock { $0.fatal != nil } }
    var lettersDone: Int { state.withLock { $0.lettersDone } }

    func snapshot() -> Tally { state.withLock { $0 } }

    func sent(letters: Int, bytes: Int) {
        state.withLock {
            $0.sent += 1
            $0.lettersSent += letters
            $0.lettersDone += letters
            $0.bytes += bytes
        }
    }

    func retried() { state.withLock { $0.retries += 1 } }

    func gaveUp(_ description: String) { state.withLock { $0.failures.append(description) } }

    func fail(_ error: DeliveryError, description: String) {
        state.withLock {
            $0.failures.append(description)
            if $0.fatal == nil { $0.fatal = error }
        }
    }
}

/// Hands out queue positions to the sending tasks.
final class QueuePosition: Sendable {
    private let position = Mutex(0)

    /// The next position, each once.
    func take() -> Int {
        position.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}

/// Spaces the starts of requests to at most `perSecond` a second.
actor RateLimiter {
    let interval: Duration
    private var next = ContinuousClock.now

    init(perSecond: Double) {
        interval = .milliseconds(Int64(1000 / max(perSecond, 0.001)))
    }

    func wait() async {
        let now = ContinuousClock.now
        let slot = max(now, next)
        next = slot + interval
        if slot > now { try? await Task.sleep(until: slot, clock: .continuous) }
    }
}
