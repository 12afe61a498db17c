import DigitalPostStandIn
import Foundation
import PostbatchTesting
import Synchronization
import Testing

@Suite("postbatch deliver, receipts, status, fallback", .serialized)
struct DeliveryTests {
    @Test("run → deliver → receipts → fallback → status: every letter once, receipts stored, paper for NOT_ALLOWED")
    func fullFlow() async throws {
        try Schemas.require()
        let directory = try Scratch.folder("cli")
        // The 5,000+ letters (5,800 records, 2 % defects). To keep it cheap, the MeMos are
        // not validated again here (the run tests and the faults test's stand-in do that); the
        // paper letters `fallback` writes are checked against the fjernprint schema below.
        let (csv, spool) = try DeliveryFixture.spool(count: 5800, seed: 17, perContainer: 250, in: directory)
        let digital = try DeliveryFixture.digitalLetters(spool)
        let containers = try DeliveryFixture.digitalContainers(spool)
        #expect(digital.count >= 5000 && containers > 8)
        let numbers = try CLI.cprNumbers(in: csv)
        let server = try await DeliveryFixture.server(validate: false)
        var outputs: [String] = []

        // status is read-only: a spool never delivered says so, and gets no ledger.
        let fresh = try status(spool)
        #expect(fresh["delivered"] as? Bool == false)
        #expect((fresh["by_status"] as? [String: Int])?["not_sent"] == digital.count)
        #expect(!FileManager.default.fileExists(atPath: spool.appendingPathComponent(".delivery").path))
        let freshTable = try CLI.run(["status", spool.path])
        #expect(freshTable.stdout.contains("not delivered yet"), "\(freshTable.stdout)")

        let dry = try DeliveryFixture.run(["deliver", spool.path, "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.contains("would send \(containers) of \(containers) container(s) with \(digital.count) of \(digital.count) letter(s)"),
                "\(dry.stderr)")
        #expect(server.postRequests == 0)

        let deliver = try DeliveryFixture.run(["deliver", spool.path, "--connections", "3"] + DeliveryFixture.endpoint(server))
        outputs += [deliver.stdout, deliver.stderr]
        #expect(deliver.status == 0, "\(deliver.stderr)")
        // A request can pass its deadline after the server took it (a loaded machine: 120 s in a CI run); deliver
        // then finds the container in the server's receipts and counts it there, not as sent. Either way, each
        // container once (the server's counts below).
        let sent = try #require(deliver.stderr.firstMatch(of: #/sent (\d+) container\(s\) with (\d+) letter\(s\)/#))
        let reconciled = deliver.stderr.firstMatch(of: #/\((\d+) found in the server's receipts\)/#)
        let found = reconciled.map { Int($0.1) ?? -1 } ?? 0
        #expect(Int(sent.1) ?? -1 == containers - found, "\(deliver.stderr)")
        if found == 0 {
            #expect(Int(sent.2) ?? -1 == digital.count, "\(deliver.stderr)")
        }
        let accepted = server.acceptedCounts
        #expect(Set(accepted.keys) == digital)
        #expect(accepted.values.allSatisfy { $0 == 1 })

        // A second deliver sends nothing.
        let again = try DeliveryFixture.run(["deliver", spool.path] + DeliveryFixture.endpoint(server))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("sent 0 container(s)"), "\(again.stderr)")
        #expect(server.containersAccepted == containers)

        let receipts = try DeliveryFixture.run(["receipts", spool.path, "--connections", "4"] + DeliveryFixture.endpoint(server))
        outputs += [receipts.stdout, receipts.stderr]
        #expect(receipts.status == 0, "\(receipts.stderr)")
        #expect(server.liveReceipts == 0, "every stored receipt is deleted on the server")
        // One at a time, the pool would carry every DELETE on one connection.
        #expect(server.deleteConnections >= 2, "the DELETE requests go out several at a time")

        let before = try status(spool)
        let byStatus = try #require(before["by_status"] as? [String: Int])
        #expect(byStatus["not_sent"] == 0 && byStatus["sent"] == 0)
        #expect((byStatus["completed"] ?? 0) > 0 && (byStatus["invalid"] ?? 0) > 0 && (byStatus["received"] ?? 0) > 0)
        let notAllowed = try #require(byStatus["not_allowed"])
        #expect(notAllowed > 50)
        #expect(byStatus.values.reduce(0, +) == (try Spool.lines(spool.appendingPathComponent("manifest.csv")).count))
        let problems = try #require(before["problems"] as? [String: Any])
        let kinds = try #require(problems["by_kind"] as? [String: Int])
        #expect(kinds["invalid"] == byStatus["invalid"] && kinds["not_allowed"] == notAllowed)

        let manifestBefore = try Spool.lines(spool.appendingPathComponent("manifest.csv")).count
        // Not the run's input (the same records and one more line): refused by its hash, nothing written.
        let other = directory.appendingPathComponent("other.csv")
        try (try Data(contentsOf: csv) + Data("\n".utf8)).write(to: other)
        let refused = try CLI.run(["fallback", spool.path, "--input", other.path, "--today", "2021-10-08"])
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("[input_mismatch]") && refused.stderr.contains("SHA-256"), "\(refused.stderr)")
        #expect(try Spool.lines(spool.appendingPathComponent("manifest.csv")).count == manifestBefore)
        let fallback = try CLI.run(["fallback", spool.path, "--input", csv.path, "--today", "2021-10-08"])
        outputs += [fallback.stdout, fallback.stderr]
        #expect(fallback.status == 0, "\(fallback.stderr)")
        let undeliverable = fallback.stdout.split(separator: "\n").filter { $0.hasPrefix("undeliverable ") }.count
        #expect(fallback.stderr.contains("dated 2021-10-11"), "Friday 8 October → Monday 11 October: \(fallback.stderr)")
        let manifestAfter = try Spool.lines(spool.appendingPathComponent("manifest.csv"))
        #expect(manifestAfter.count == manifestBefore + notAllowed - undeliverable)
        #expect(manifestAfter.filter { $0.contains(",print,2021-10-11,") }.count >= notAllowed - undeliverable)

        // Paper letters validate, the spool verifies (ledger included), a second fallback writes nothing.
        let paperFiles = manifestAfter.suffix(manifestAfter.count - manifestBefore).map { String($0.split(separator: ",").last ?? "") }
        #expect(paperFiles.allSatisfy { $0.hasPrefix("print/2021-10-11/") } && paperFiles.count > 50)
        let invalid = try PaperEnvelopes.failures(in: spool, files: paperFiles, schema: Schemas.paper)
        #expect(invalid.isEmpty, "\(invalid.prefix(5))")
        let verify = try CLI.run(["verify", spool.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let second = try CLI.run(["fallback", spool.path, "--input", csv.path, "--today", "2021-10-08"])
        #expect(second.status == 0)
        #expect(try Spool.lines(spool.appendingPathComponent("manifest.csv")).count == manifestAfter.count)

        let after = try status(spool)
        let afterStatus = try #require(after["by_status"] as? [String: Int])
        #expect(afterStatus["not_allowed"] == undeliverable)
        let table = try CLI.run(["status", spool.path])
        let html = try CLI.run(["status", spool.path, "--format", "html"])
        #expect(table.status == 0 && table.stdout.contains("not allowed"))
        #expect(html.status == 0 && html.stdout.hasPrefix("<!DOCTYPE html>"))
        outputs += [table.stdout, html.stdout, second.stdout, second.stderr, verify.stdout]
        for output in outputs {
            #expect(CLI.leaks(output, numbers).isEmpty, "a full CPR number in the output")
        }
        await server.shutdown()
    }

    func status(_ spool: URL) throws -> [String: Any] {
        let result = try CLI.run(["status", spool.path, "--format", "json", "--max-problems", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("kill -9 of deliver at 20 points: the server takes every message exactly once")
    func killedDeliveries() async throws {
        try Schemas.require()
        let directory = try Scratch.folder("cli")
        // Many small containers and two connections, so every kill point finds work still to do.
        let (_, spool) = try DeliveryFixture.spool(count: 700, seed: 23, perContainer: 8, in: directory)
        let digital = try DeliveryFixture.digitalLetters(spool)
        let trigger = KillTrigger()
        let server = try await DeliveryFixture.server(
            validate: false,
            onPost: { number in trigger.reached { $0.onPost == number } },
            onAccepted: { number in trigger.reached { $0.onAccepted == number } })
        let arguments = ["deliver", spool.path, "--retry-base-ms", "10", "--settle-seconds", "1", "--connections", "2"] + (try DeliveryFixture.endpoint(server))
        // Kill on the k-th request of a process (nothing taken yet), after the k-th container
        // taken (its answer lost), or after a few milliseconds (start-up, reconciling); or
        // stop it with SIGINT / SIGTERM on its k-th request (it finishes what is in flight).
        enum Point { case post(Int), accepted(Int), after(Int), stop(Int32, post: Int) }
        let schedule: [Point] = [.after(5), .post(1), .accepted(1), .post(2), .accepted(2), .after(60), .post(3),
                                 .stop(SIGINT, post: 2), .accepted(3), .post(1), .accepted(1), .post(4), .accepted(2),
                                 .after(150), .stop(SIGTERM, post: 1), .post(2), .accepted(1), .post(5), .accepted(3),
                                 .post(1), .accepted(2), .after(250)]
        var killed = 0
        var stopped = 0
        for (index, point) in schedule.enumerated() {
            let base = (posts: server.postRequests, accepted: server.containersAccepted)
            trigger.state.withLock {
                $0 = KillTrigger.Point()
                switch point {
                case .post(let k): $0.onPost = base.posts + k
                case .accepted(let k): $0.onAccepted = base.accepted + k
                case .stop(let signal, let k): ($0.onPost, $0.signal) = (base.posts + k, signal)
                case .after: break
                }
            }
            let errors = directory.appendingPathComponent("deliver-\(index).err")
            let process = try DeliveryFixture.start(arguments, errors: errors)
            trigger.started(process.processIdentifier)
            if case .after(let milliseconds) = point {
                try await Task.sleep(for: .milliseconds(milliseconds))
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            await wait(for: process)
            let fired = trigger.state.withLock { point in
                defer { point = KillTrigger.Point() }
                return point.fired
            }
            if process.terminationReason == .uncaughtSignal { killed += 1 }
            // A stop point fires only if the run still had k containers to send (fewer
            // are left when earlier points got far): then it must stop as documented.
            if case .stop(let signal, _) = point, fired {
                try expectStopped(process, by: signal, errors: errors)
                stopped += 1
            }
        }
        // How many points catch a running deliver depends on the machine's load (a run may finish
        // the remaining containers before its point comes); the property under test is below.
        #expect(killed >= 5, "the kill points must have killed running delivers")
        #expect(stopped >= 1, "a SIGINT or SIGTERM must have stopped a running deliver")
        let final = try DeliveryFixture.run(arguments)
        #expect(final.status == 0, "\(final.stderr)")
        let accepted = server.acceptedCounts
        #expect(Set(accepted.keys) == digital, "every message reached the server")
        let twice = accepted.filter { $0.value > 1 }
        #expect(twice.isEmpty, "\(twice.count) message(s) reached the server more than once")
        let verify = try CLI.run(["verify", spool.path])
        #expect(verify.status == 0, "\(verify.stdout)")
        await server.shutdown()
    }

    @Test("fallback killed with kill -9 at many points and run again: each NOT_ALLOWED letter on paper exactly once")
    func killedFallbacks() async throws {
        let directory = try Scratch.folder("cli")
        let (csv, spool) = try DeliveryFixture.spool(count: 400, seed: 29, perContainer: 100, in: directory)
        // Every second digital letter is NOT_ALLOWED, by an imported receipts file.
        let notAllowed = try DeliveryFixture.digitalLetters(spool).sorted().enumerated().filter { $0.offset % 2 == 0 }
        let receipts: [[String: Any]] = notAllowed.map {
            ["id": "n\($0.offset)", "messageUUID": $0.element, "receiptStatus": "NOT_ALLOWED",
             "timeStamp": "2021-10-06T08:00:00Z"]
        }
        let file = directory.appendingPathComponent("receipts.json")
        try JSONSerialization.data(withJSONObject: receipts).write(to: file)
        #expect(try CLI.run(["receipts", spool.path, "--from", file.path]).status == 0)
        let manifest = spool.appendingPathComponent("manifest.csv")
        let before = try Spool.lines(manifest).count
        let arguments = ["fallback", spool.path, "--input", csv.path, "--today", "2021-10-08"]
        // Kill after 0.1 s, 0.2 s, ... until a fallback finishes before its kill: start-up,
        // classifying, planning, writing the envelopes, the manifest and the ledger's mark
        // (on an idle machine this fallback takes about half a second).
        var killed = 0
        for step in 1...80 {
            let process = try DeliveryFixture.start(arguments)
            try await Task.sleep(for: .milliseconds(100 * step))
            guard process.isRunning else { break }
            kill(process.processIdentifier, SIGKILL)
            await wait(for: process)
            killed += 1
        }
        #expect(killed >= 3, "the kills must have caught running fallbacks")
        let final = try CLI.run(arguments)
        #expect(final.status == 0, "\(final.stderr)")
        let undeliverable = try #require(try status(spool)["by_status"] as? [String: Int])["not_allowed"] ?? -1
        let lines = try Spool.lines(manifest)
        #expect(lines.count - before == notAllowed.count - undeliverable && lines.count - before > 100,
                "\(lines.count - before) paper letter(s) for \(notAllowed.count) NOT_ALLOWED, \(undeliverable) undeliverable")
        #expect(Set(lines.map { $0.prefix { $0 != "," } }).count == lines.count, "a letter twice in the manifest")
        let verify = try CLI.run(["verify", spool.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let again = try CLI.run(arguments)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("wrote 0 paper letter(s)") || again.stderr.contains("no NOT_ALLOWED letter is waiting"),
                "\(again.stderr)")
    }

    @Test("reconciling after a kill reads only the receipts made since the last time; after deletions it reads all again")
    func reconcileFromCursor() async throws {
        let directory = try Scratch.folder("cli")
        let (_, spool) = try DeliveryFixture.spool(count: 200, seed: 43, perContainer: 10, in: directory)
        let digital = try DeliveryFixture.digitalLetters(spool)
        let trigger = KillTrigger()
        let server = try await DeliveryFixture.server(validate: false, onAccepted: { number in
            trigger.reached { $0.onAccepted == number }
        })
        let pageSize = 10
        let arguments = ["deliver", spool.path, "--connections", "1", "--settle-seconds", "0",
                         "--receipts-page-size", "\(pageSize)"] + (try DeliveryFixture.endpoint(server))
        /// Runs deliver, killed just after the server took its `k`-th container (its 201 lost),
        /// or to the end; returns the receipts pages it asked for and the receipts it was served.
        func deliver(killedAt k: Int?) async throws -> (pages: [Int], served: Int) {
            let (pages, served) = (server.receiptPagesRequested.count, server.receiptsServed)
            let accepted = server.containersAccepted
            trigger.state.withLock { $0 = KillTrigger.Point(onAccepted: k.map { accepted + $0 }) }
            let process = try DeliveryFixture.start(arguments)
            trigger.started(process.processIdentifier)
            await wait(for: process)
            trigger.state.withLock { $0 = KillTrigger.Point() }
            #expect(k == nil ? process.terminationStatus == 0 : process.terminationReason == .uncaughtSignal)
            return (Array(server.receiptPagesRequested.dropFirst(pages)), server.receiptsServed - served)
        }
        _ = try await deliver(killedAt: 4)
        _ = try await deliver(killedAt: 4)  // reconciles the first run's last container: reads every receipt
        let live = server.liveReceipts
        #expect(live >= 70, "8 containers of 10 letters taken: \(live) receipts")
        let third = try await deliver(killedAt: 4)
        // It starts at the page holding the last receipt read before (at least 40 receipts
        // in: page 3 or later at 10 a page), not at page 0.
        #expect((third.pages.first ?? 0) >= 3, "pages asked for: \(third.pages)")
        #expect(third.served <= live - pageSize, "\(third.served) of \(live) receipts read again")
        // `receipts` deletes every receipt on the server: the cursor no longer points at the
        // receipt it read last, so the next reconciliation reads the list from page 0.
        let collected = try DeliveryFixture.run(["receipts", spool.path] + DeliveryFixture.endpoint(server))
        #expect(collected.status == 0, "\(collected.stderr)")
        let last = try await deliver(killedAt: nil)
        #expect(last.pages.count >= 2 && last.pages[0] > 0 && last.pages[1] == 0, "pages asked for: \(last.pages)")
        #expect(Set(server.acceptedCounts.keys) == digital)
        #expect(server.acceptedCounts.values.allSatisfy { $0 == 1 }, "a message was taken twice")
        await server.shutdown()
    }

    /// A deliver stopped by SIGINT or SIGTERM exits 128 + the signal and says what was
    /// acknowledged, what is pending and how to resume.
    func expectStopped(_ process: Process, by signal: Int32, errors: URL) throws {
        let text = try String(contentsOf: errors, encoding: .utf8)
        #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signal,
                "signal \(signal): \(process.terminationReason) \(process.terminationStatus): \(text)")
        #expect(text.contains("stopped by signal \(signal): "), "\(text)")
        #expect(text.contains("container(s) acknowledged by the server"), "\(text)")
        #expect(text.contains("letter(s) pending"), "\(text)")
        #expect(text.contains("To resume, run the same command again"), "\(text)")
    }

    func wait(for process: Process) async {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(5)) }
    }

    @Test("503 bursts with Retry-After, 429, slow answers, cut uploads and lost 201s are survived, each message once")
    func faultsSurvived() async throws {
        try Schemas.require()
        let directory = try Scratch.folder("cli")
        let (_, spool) = try DeliveryFixture.spool(count: 300, seed: 29, perContainer: 30, in: directory)
        let digital = try DeliveryFixture.digitalLetters(spool)
        let server = try await DeliveryFixture.server()
        server.inject([.unavailable(retryAfterSeconds: 1), .unavailable(retryAfterSeconds: 1), .tooManyRequests(retryAfterSeconds: 0),
                       .cutUpload, .loseResponse, .slow(milliseconds: 300), .unavailable(retryAfterSeconds: 0), .loseResponse])
        let result = try DeliveryFixture.run(["deliver", spool.path, "--retry-base-ms", "10", "--connections", "2",
                                              "--settle-seconds", "1"]
                                             + DeliveryFixture.endpoint(server))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.pendingFaults == 0)
        let accepted = server.acceptedCounts
        #expect(Set(accepted.keys) == digital)
        #expect(accepted.values.allSatisfy { $0 == 1 }, "a message was taken twice")
        #expect(result.stderr.contains("retried request(s)"), "\(result.stderr)")
        await server.shutdown()
    }

    @Test("a loose spool is packed into containers on the fly; --max-rate spaces the requests")
    func looseSpool() async throws {
        try Schemas.require()
        let directory = try Scratch.folder("cli")
        let (_, spool) = try DeliveryFixture.spool(count: 150, seed: 31, perContainer: 0, in: directory)
        let digital = try DeliveryFixture.digitalLetters(spool)
        let server = try await DeliveryFixture.server()
        let start = ContinuousClock.now
        let result = try DeliveryFixture.run(["deliver", spool.path, "--max-rate", "20"] + DeliveryFixture.endpoint(server))
        _ = start
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Set(server.acceptedCounts.keys) == digital)
        let verify = try CLI.run(["verify", spool.path])
        #expect(verify.status == 0, "\(verify.stdout)")
        await server.shutdown()
    }

    @Test("a client certificate of another CA is refused with a clear message; nothing is taken")
    func wrongCertificate() async throws {
        let directory = try Scratch.folder("cli")
        let (_, spool) = try DeliveryFixture.spool(count: 40, seed: 37, perContainer: 20, in: directory)
        let server = try await DeliveryFixture.server()
        let certificates = try DeliveryFixture.certificates()
        let rogue = try DeliveryFixture.run(["deliver", spool.path] + DeliveryFixture.endpoint(
            server, certificate: certificates.rogueCertificatePath, key: certificates.rogueKeyPath))
        #expect(rogue.status == 3)
        #expect(rogue.stderr.contains("the server refused the TLS handshake"), "\(rogue.stderr)")
        #expect(rogue.stderr.contains("[tls]"))
        // The server's certificate is not trusted without --ca.
        let untrusted = try DeliveryFixture.run(["deliver", spool.path, "--endpoint", server.baseURL,
                                                 "--cert", certificates.clientCertificatePath,
                                                 "--key", certificates.clientKeyPath])
        #expect(untrusted.status == 3)
        #expect(untrusted.stderr.contains("not trusted"), "\(untrusted.stderr)")
        // A wrong secret: 401 is permanent; the container and the server's error are named.
        let secret = try DeliveryFixture.run(["deliver", spool.path] + DeliveryFixture.endpoint(server), secret: "wrong")
        #expect(secret.status == 3)
        #expect(secret.stderr.contains("digital/2021-10-06/0001.tar.lzma") || secret.stderr.contains(".tar.lzma"),
                "\(secret.stderr)")
        #expect(secret.stderr.contains("UNAUTHORIZED"), "\(secret.stderr)")
        #expect(server.containersAccepted == 0)
        // With the right credentials everything goes, once.
        let good = try DeliveryFixture.run(["deliver", spool.path] + DeliveryFixture.endpoint(server))
        #expect(good.status == 0, "\(good.stderr)")
        #expect(server.acceptedCounts.values.allSatisfy { $0 == 1 })
        await server.shutdown()
    }

    @Test("receipts --from FILE imports receipts; receipts of unknown messages are reported, not dropped")
    func receiptsFromFile() async throws {
        let directory = try Scratch.folder("cli")
        let (_, spool) = try DeliveryFixture.spool(count: 40, seed: 41, perContainer: 20, in: directory)
        let known = try #require(try DeliveryFixture.digitalLetters(spool).sorted().first)
        let unknown = "00000000-0000-4000-8000-000000000000"
        let receipts: [[String: Any]] = [
            ["id": "a1", "messageUUID": known, "receiptStatus": "RECEIVED", "timeStamp": "2021-10-06T08:00:00Z"],
            ["id": "a2", "messageUUID": known, "receiptStatus": "NOT_ALLOWED", "errorCode": "NOT_REGISTERED",
             "timeStamp": "2021-10-06T08:00:01Z"],
            ["id": "a3", "messageUUID": unknown, "receiptStatus": "RECEIVED", "timeStamp": "2021-10-06T08:00:02Z"],
        ]
        let file = directory.appendingPathComponent("receipts.json")
        try JSONSerialization.data(withJSONObject: ["receipts": receipts]).write(to: file)
        let result = try CLI.run(["receipts", spool.path, "--from", file.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("3 receipt(s) read, 3 stored"), "\(result.stderr)")
        #expect(result.stderr.contains(unknown), "the unknown message is reported: \(result.stderr)")
        let again = try CLI.run(["receipts", spool.path, "--from", file.path])
        #expect(again.stderr.contains("0 stored, 3 already known"), "\(again.stderr)")
        let json = try status(spool)
        let byStatus = try #require(json["by_status"] as? [String: Int])
        #expect(byStatus["not_allowed"] == 1)
        #expect(json["unknown_receipts"] as? Int == 1)
    }
}

/// When the stand-in kills the running deliver: at which POST or accepted container
/// (server-wide numbers).
final class KillTrigger: Sendable {
    struct Point: Sendable {
        var pid: Int32 = 0
        var signal = SIGKILL
        var onPost: Int?
        /// Whether the signal was sent.
        var fired = false
        var onAccepted: Int?
        /// The point was reached before the process's pid was known: signal it when it is.
        var due = false
    }

    let state = Mutex(Point())

    /// Called by the server at each request: signals the process when `matches` the point,
    /// at once if its pid is known, else as soon as ``started(_:)`` gives it (on a busy
    /// machine a process can reach its point before the test has its pid).
    func reached(_ matches: (Point) -> Bool) {
        state.withLock { point in
            guard matches(point), !point.fired else { return }
            if point.pid > 0 {
                kill(point.pid, point.signal)
                point.fired = true
            } else {
                point.due = true
            }
        }
    }

    /// Records the process's pid, and sends a signal that came due before it was known.
    func started(_ pid: Int32) {
        state.withLock { point in
            point.pid = pid
            if point.due && !point.fired {
                kill(pid, point.signal)
                point.fired = true
            }
        }
    }
}
