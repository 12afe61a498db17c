internal import Foundation
internal import GRDB

/// Checks a spool's delivery ledger against its manifest, for `verify`.
///
/// Every manifest letter must be in the ledger with the same group, channel, date and
/// language; the ledger may hold no letter the manifest lacks; every paper fallback
/// marked done must be in the manifest as a print letter. The ledger is read as it is
/// (the manifest is not read into it first).
public struct LedgerCheck: Sendable {
    /// The problems found (`ledger_mismatch`).
    public var problems: [SpoolProblem] = []
    /// The manifest lines that are paper fallbacks (not part of the run's report).
    public var fallbackLetters: Set<String> = []
    /// Letters in the ledger.
    public var letters = 0

    /// Checks the ledger of `spool`; `nil` when the spool has none (nothing was delivered).
    ///
    /// - Throws: ``DeliveryError`` `ledger` when the database cannot be read.
    public static func run(spool: String) throws -> LedgerCheck? {
        guard FileManager.default.fileExists(atPath: DeliveryLayout.ledgerPath(spool: spool)),
              FileManager.default.fileExists(atPath: "\(spool)/\(SpoolLayout.manifest)") else { return nil }
        let ledger = try Ledger(spool: spool, readManifest: false)
        var check = LedgerCheck()
        let path = "\(DeliveryLayout.folder)/\(DeliveryLayout.ledger)"
        func problem(_ detail: String) {
            check.problems.append(SpoolProblem(code: .ledgerMismatch, path: path, detail: detail))
        }
        var manifestLetters = 0
        var manifestUUIDs = Set<String>()
        try ledger.read("check") { db in
            let lookup = try db.makeStatement(sql: """
                SELECT letterGroup, channel, date, language, fallbackOf FROM letter WHERE uuid = ?
                """)
            try ManifestEntry.read(spool: spool) { entry in
                manifestLetters += 1
                manifestUUIDs.insert(entry.uuid)
                guard let row = try Row.fetchOne(lookup, arguments: [entry.uuid]) else {
                    problem("message \(entry.uuid) is in the manifest but not in the ledger")
                    return
                }
                if (row["letterGroup"] as Int) != entry.group.rawValue || (row["channel"] as String) != entry.channel.rawValue
                    || (row["date"] as String) != entry.date.iso || (row["language"] as String) != entry.language.rawValue {
                    problem("message \(entry.uuid): group, channel, date or language differ from the manifest")
                }
                if (row["fallbackOf"] as String?) != nil { check.fallbackLetters.insert(entry.uuid) }
            }
            check.letters = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM letter") ?? 0
            if check.letters != manifestLetters {
                let extra = try String.fetchAll(db, sql: "SELECT uuid FROM letter").filter { !manifestUUIDs.contains($0) }
                for uuid in extra.prefix(100) { problem("message \(uuid) is in the ledger but not in the manifest") }
            }
            let done = try Row.fetchAll(db, sql: "SELECT uuid, fallbackUUID FROM letter WHERE fallbackDone = 1")
            for row in done {
                let paper: String? = row["fallbackUUID"]
                if paper.map({ !manifestUUIDs.contains($0) }) ?? true {
                    problem("the paper letter for message \(row["uuid"] as String) is not in the manifest")
                }
            }
        }
        return check
    }
}
