import ArgumentParser
import Foundation
import PostbatchKit

struct DeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Send a spool's digital letters to Digital Post, each exactly once.",
        discussion: """
            Sends every container of DIR (loose envelopes are packed into containers first) \
            with POST {endpoint}/memos/ over mutual TLS, and records each transmission in the \
            spool's ledger (DIR/.delivery/ledger.sqlite) before and after it is sent. It can be \
            stopped or killed at any point and run again: it first asks the server for its \
            receipts and sends only what the server never took. 429, 5xx, timeouts and cut \
            connections are retried with backoff; a 4xx refusal stops the delivery, naming the \
            container and the server's error.

            The sender system's id and secret come from the environment variables \
            POSTBATCH_SYSTEM_ID and POSTBATCH_SYSTEM_SECRET.

            SIGINT or SIGTERM stops it cleanly: no new container is started, the ones in \
            flight finish, and a summary says what was acknowledged, what is pending and how \
            to resume; a second signal stops it at once (the ledger stays consistent).

            Exit status: 0 every letter is sent; 1 some containers were given up or are still \
            uncertain (run again); 2 usage or configuration error; 3 the delivery stopped \
            (refused container, TLS failure, ledger error); 130 or 143 stopped by SIGINT or \
            SIGTERM (run again to resume).

            Examples:
              postbatch deliver spool --endpoint https://api.test.digitalpost.dk/apis/v1 \\
                  --cert foces.pem --key foces.key
              postbatch deliver spool --dry-run
            """
    )

    @Argument(help: ArgumentHelp("The spool folder a run wrote.", valueName: "dir"))
    var directory: String

    @OptionGroup var endpointOptions: EndpointOptions

    @Option(help: "Containers sent at the same time.")
    var connections: Int = 4

    @Option(help: ArgumentHelp("Start at most this many containers a second (default: no limit).", valueName: "n"))
    var maxRate: Double?

    @Option(help: "Requests per container before it is given up.")
    var maxAttempts: Int = 8

    @Option(help: ArgumentHelp("The first retry's wait in milliseconds; it doubles with each retry (with jitter).",
                               visibility: .hidden))
    var retryBaseMs: Int = 500

    @Option(help: ArgumentHelp("After an interrupted or cut transmission, wait this many seconds after its start "
                               + "before asking the server for receipts (the server may still be taking it).",
                               valueName: "seconds"))
    var settleSeconds: Int = 15

    @Option(help: ArgumentHelp("Longest time one request may take, in seconds.", valueName: "seconds"))
    var requestTimeout: Int = 120

    @Option(help: ArgumentHelp("Receipts per page when asking the server which containers it took.",
                               visibility: .hidden))
    var receiptsPageSize: Int = 1000

    @Flag(help: "Say what would be sent, send nothing.")
    var dryRun = false

    @OptionGroup var logging: LoggingOptions
    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        if !(1...64).contains(connections) {
            throw ValidationError("--connections must be from 1 to 64 (found \(connections))")
        }
        if let maxRate, !(maxRate > 0) {
            throw ValidationError("--max-rate must be more than 0 containers a second")
        }
        if maxAttempts < 1 { throw ValidationError("--max-attempts must be 1 or more") }
        if requestTimeout < 1 { throw ValidationError("--request-timeout must be 1 second or more") }
        if settleSeconds < 0 { throw ValidationError("--settle-seconds must be 0 or more") }
        if !(1...10_000).contains(receiptsPageSize) {
            throw ValidationError("--receipts-page-size must be from 1 to 10000")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        try await withExitCodes {
            var options = DeliveryOptions()
            options.connections = connections
            options.maxRate = maxRate
            options.maxAttempts = maxAttempts
            options.retryBaseDelay = .milliseconds(retryBaseMs)
            options.requestTimeout = .seconds(requestTimeout)
            options.settleTime = .seconds(settleSeconds)
            options.receiptsPageSize = receiptsPageSize
            let cancellation = RunCancellation()
            options.cancellation = cancellation
            let signals = SignalWatch(cancellation: cancellation, secondSignalExits: true)
            defer { signals.stop() }
            let endpoint = dryRun ? nil : try endpointOptions.load()
            let deliverer = Deliverer(spool: directory, endpoint: endpoint, options: options, logger: logger)
            let reporter = progressOptions.reporter()
            let started = ContinuousClock.now
            let summary: DeliverySummary
            do {
                summary = try await deliverer.run(dryRun: dryRun) { progress in
                    reporter.update(letters: progress.lettersDone, of: progress.lettersTotal)
                }
                reporter.finish()
            } catch {
                reporter.finish()
                throw error
            }
            let seconds = Double((ContinuousClock.now - started).components.seconds)
                + Double((ContinuousClock.now - started).components.attoseconds) / 1e18
            if dryRun {
                console.message("postbatch: dry run: would send \(summary.wouldSend) of \(summary.transmissions) "
                    + "container(s) with \(summary.lettersWouldSend) of \(summary.letters) letter(s); "
                    + "\(summary.alreadySent) already sent"
                    + (summary.remaining > 0 ? "; \(summary.remaining) to be checked against the server's receipts first" : ""))
                return
            }
            try printSummary(summary, seconds: seconds)
        }
    }

    /// The final lines on standard error; throws the exit code when something is left.
    private func printSummary(_ summary: DeliverySummary, seconds: Double) throws {
        let rate = seconds > 0 ? Int(Double(summary.lettersSent) / seconds) : 0
        var line = "postbatch: sent \(summary.sent) container(s) with \(summary.lettersSent) letter(s), "
            + "\(summary.bytesSent) bytes in \(String(format: "%.1f", seconds)) s (\(rate) letters/s)"
        if summary.alreadySent > 0 { line += "; \(summary.alreadySent) container(s) were already sent" }
        if summary.reconciled > 0 { line += " (\(summary.reconciled) found in the server's receipts)" }
        if summary.retries > 0 { line += "; \(summary.retries) retried request(s)" }
        console.message(line)
        for failure in summary.failures {
            console.message("postbatch: not sent: \(failure)")
        }
        if let signal = summary.interruptedBy {
            // What an operator stopping a national mailing needs: what went, what is open, how to go on.
            let acknowledged = summary.alreadySent + summary.sent
            console.message("postbatch: stopped by signal \(signal): \(acknowledged) of \(summary.transmissions) "
                + "container(s) acknowledged by the server (\(summary.sent) in this run); "
                + "\(summary.remaining) container(s) with \(summary.lettersRemaining) letter(s) pending"
                + (summary.uncertain > 0 ? ", of which \(summary.uncertain) with an unknown outcome" : "")
                + ". To resume, run the same command again: it first asks the server's receipts about the "
                + "unknown ones, then sends only what the server never took")
            throw ExitCode(128 + signal)
        }
        if summary.remaining > 0 {
            console.message("postbatch: \(summary.remaining) container(s) not known to be taken; "
                + "run the same command again")
            throw ExitCode(1)
        }
    }
}
