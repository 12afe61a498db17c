internal import Foundation
internal import GRDB

/// Where each letter of a spool stands: `postbatch status DIR` (SPEC §6).
///
/// Counts per group × channel × status, and the problems an operator has to act on.
/// Letters are named by their message UUID (a pseudonym); the ledger holds no CPR
/// number, name or address, so none can appear here.
public struct DeliveryStatus: Sendable, Equatable {
    /// A letter's state, from its transmission, its latest receipt and its fallback.
    public enum LetterState: String, Sendable, CaseIterable {
        case notSent = "not_sent"
        case sent = "sent"
        case received = "received"
        case completed = "completed"
        case invalid = "invalid"
        case notAllowed = "not_allowed"
        /// A paper letter: the run's own print letters, a fallback paper letter, and a
        /// digital letter that got its paper fallback.
        case paper = "paper"

        /// The column heading.
        public var title: String { rawValue.replacingOccurrences(of: "_", with: " ") }
    }

    /// One problem.
    public struct Problem: Sendable, Equatable {
        /// What is wrong: `invalid`, `not_allowed` (no paper fallback yet), `undeliverable`
        /// (no paper fallback possible), `not_sent`, `stale` (sent, no receipt after the limit).
        public let kind: String
        /// The letter's message UUID.
        public let uuid: String
        public let group: LetterGroup
        public let channel: Channel
        /// The error code, fallback reason or container.
        public let detail: String
    }

    /// counts[group][channel][state].
    public var counts: [LetterGroup: [Channel: [LetterState: Int]]] = [:]
    /// Problems, at most the limit given; ``problemCount`` counts all.
    public var problems: [Problem] = []
    /// Problems in all, per kind.
    public var problemCounts: [String: Int] = [:]
    /// Receipts for messages the spool does not hold.
    public var unknownReceipts = 0
    /// Whether `deliver` has run on the spool (it has a ledger). When not, every digital
    /// letter counts as not sent and no problem is listed.
    public var delivered = true

    /// Problems in all.
    public var problemCount: Int { problemCounts.values.reduce(0, +) }

    /// Letters in a state, over every group and channel.
    public func total(_ state: LetterState) -> Int {
        counts.values.flatMap { $0.values }.reduce(0) { $0 + ($1[state] ?? 0) }
    }

    /// Reads the status of a spool from its ledger, without writing anything.
    ///
    /// A spool `deliver` has never touched has no ledger, and none is made: its counts
    /// come from the manifest (every digital letter not sent), ``delivered`` is `false`
    /// and no problem is listed.
    ///
    /// - Parameters:
    ///   - spool: the spool folder.
    ///   - staleAfter: a letter sent longer ago than this without a receipt is a problem.
    ///   - maxProblems: list at most this many problems (0: all).
    ///   - now: the current time.
    /// - Throws: ``DeliveryError`` `not_a_spool` or `ledger`.
    public static func read(spool: String, staleAfter: Duration = .seconds(24 * 3600), maxProblems: Int = 100,
                            now: Timestamp = Timestamp.now()) throws -> DeliveryStatus {
        var status = DeliveryStatus()
        for group in LetterGroup.allCases {
            for channel in Channel.allCases {
                for state in LetterState.allCases { status.counts[group, default: [:]][channel, default: [:]][state] = 0 }
            }
        }
        guard FileManager.default.fileExists(atPath: DeliveryLayout.ledgerPath(spool: spool)) else {
            status.delivered = false
            try ManifestEntry.read(spool: spool) { entry in
                status.counts[entry.group, default: [:]][entry.channel, default: [:]][entry.channel == .print ? .paper : .notSent,
                                                                                      default: 0] += 1
            }
            return status
        }
        let ledger = try Ledger(spool: spool, readManifest: false)
        let limit = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch - staleAfter.components.seconds).iso
        try ledger.read("read") { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT l.uuid, l.letterGroup, l.channel, l.status, l.errorCode, l.fallbackUUID, l.undeliverable,
                       l.transmission, t.state AS tstate, t.finishedAt
                FROM letter l LEFT JOIN transmission t ON t.key = l.transmission
                """)
            while let row = try rows.next() {
                guard let group = LetterGroup(rawValue: row["letterGroup"]),
                      let channel = Channel(rawValue: row["channel"]) else { continue }
                let (state, problem) = classify(row, channel: channel, staleBefore: limit)
                status.counts[group, default: [:]][channel, default: [:]][state, default: 0] += 1
                guard let (kind, detail) = problem else { continue }
                status.problemCounts[kind, default: 0] += 1
                if maxProblems == 0 || status.problems.count < maxProblems {
                    status.problems.append(Problem(kind: kind, uuid: row["uuid"], group: group, channel: channel, detail: detail))
                }
            }
            status.unknownReceipts = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receipt WHERE known = 0") ?? 0
        }
        return status
    }

    /// A letter's state from its ledger row, and the problem it is, if any (kind, detail).
    private static func classify(_ row: Row, channel: Channel,
                                 staleBefore limit: String) -> (LetterState, (String, String)?) {
        let transmissionState: String? = row["tstate"]
        let container = row["transmission"] as String? ?? "?"
        if channel == .print || (row["fallbackUUID"] as String?) != nil { return (.paper, nil) }
        switch (row["status"] as String?).flatMap({ ReceiptStatus(rawValue: $0) }) {
        case .received?: return (.received, nil)
        case .completed?: return (.completed, nil)
        case .invalid?: return (.invalid, ("invalid", row["errorCode"] ?? "no error code"))
        case .notAllowed?:
            if let reason = row["undeliverable"] as String? { return (.notAllowed, ("undeliverable", reason)) }
            return (.notAllowed, ("not_allowed", "run 'postbatch fallback' to send it on paper"))
        case nil:
            break
        }
        if transmissionState == "sent" {
            guard let finished = row["finishedAt"] as String?, finished < limit else { return (.sent, nil) }
            return (.sent, ("stale", "sent in \(container) at \(finished), no receipt since"))
        }
        let detail = transmissionState == "failed" ? "refused: \(container)"
            : transmissionState == "sending" ? "outcome unknown: run deliver again" : "not sent yet"
        return (.notSent, ("not_sent", detail))
    }
}
