internal import Foundation
internal import Glibc
internal import GRDB

/// The delivery ledger: which letter went in which transmission, each receipt, each
/// paper fallback. SQLite in the spool (`DIR/.delivery/ledger.sqlite`).
///
/// ```
/// letter        one row per letter of the manifest: uuid, group, channel, date, language,
///               file, transmission, latest receipt (status, error, time), fallback
/// transmission  one row per container or loose folder: state pending|sending|sent|failed,
///               attempts, HTTP status, the server's transmission id, times
/// receipt       every receipt stored, by the server's id (so a second import is a no-op);
///               `known` is 0 for a receipt of a message the manifest does not list
/// meta          the manifest's size and time when it was last read into the ledger
/// ```
///
/// Durability: WAL with `synchronous = FULL`, every change in a transaction, so a kill
/// at any moment leaves the database at the last committed transaction. Letters are
/// read in from the manifest in transactions of 20,000 rows. Indexes: the letter's
/// transmission (reconciling and marking sent) and a partial index on `NOT_ALLOWED`
/// letters (fallback); `status` scans the table once.
public final class Ledger: Sendable {
    let pool: DatabasePool
    /// The spool folder.
    public let spool: String

    /// Transmission states.
    public enum TransmissionState: String, Sendable, CaseIterable {
        /// Not sent yet, or the server is known not to have taken it.
        case pending
        /// About to be sent or being sent: after a crash nobody knows whether the server has it.
        case sending
        /// The server answered 201.
        case sent
        /// The server refused it for good (4xx) or every retry failed.
        case failed
    }

    /// Opens (creating and migrating when needed) the ledger of a spool and reads in
    /// the manifest's letters that it does not hold yet.
    ///
    /// - Parameter spool: the spool folder.
    /// - Throws: ``DeliveryError``: `not_a_spool` when the folder has no manifest;
    ///   `ledger` when the database cannot be opened or written.
    public convenience init(spool: String) throws(DeliveryError) {
        try self.init(spool: spool, readManifest: true)
    }

    /// Opens the ledger; `readManifest: false` leaves the letters as they are (for `verify`).
    init(spool: String, readManifest: Bool) throws(DeliveryError) {
        self.spool = spool
        let manifest = "\(spool)/\(SpoolLayout.manifest)"
        guard FileManager.default.fileExists(atPath: manifest) else {
            throw DeliveryError(
                code: .notASpool, subject: spool,
                message: "\(spool) holds no \(SpoolLayout.manifest): give the folder a finished run wrote with --spool")
        }
        let folder = "\(spool)/\(DeliveryLayout.folder)"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            let path = DeliveryLayout.ledgerPath(spool: spool)
            pool = try DatabasePool(path: path, configuration: configuration)
            for suffix in ["", "-wal", "-shm"] { chmod(path + suffix, 0o600) }
            try Self.migrator.migrate(pool)
        } catch {
            throw Self.failure(error, spool: spool, "open")
        }
        if readManifest { try syncManifest() }
    }

    static func failure(_ error: any Error, spool: String, _ operation: String) -> DeliveryError {
        if let error = error as? DeliveryError { return error }
        let cause = (error as? DatabaseError).map { "\($0.resultCode): \($0.message ?? "")" } ?? "\(error)"
        return DeliveryError(
            code: .ledger, subject: DeliveryLayout.ledgerPath(spool: spool), cause: cause,
            message: "cannot \(operation) the delivery ledger \(DeliveryLayout.ledgerPath(spool: spool))")
    }

    /// Runs a write transaction, turning database errors into ``DeliveryError``.
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(DeliveryError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw Self.failure(error, spool: spool, operation)
        }
    }

    /// Runs a read, turning database errors into ``DeliveryError``.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(DeliveryError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.failure(error, spool: spool, operation)
        }
    }

    // MARK: - Schema

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE letter (
                    uuid TEXT PRIMARY KEY NOT NULL,
                    letterGroup INTEGER NOT NULL,
                    channel TEXT NOT NULL,
                    date TEXT NOT NULL,
                    language TEXT NOT NULL,
                    file TEXT NOT NULL,
                    transmission TEXT,
                    status TEXT,
                    errorCode TEXT,
                    errorMessage TEXT,
                    receiptTime TEXT,
                    fallbackUUID TEXT,
                    fallbackFile TEXT,
                    fallbackTime TEXT,
                    fallbackDone INTEGER NOT NULL DEFAULT 0,
                    fallbackOf TEXT,
                    undeliverable TEXT
                ) WITHOUT ROWID;
                CREATE INDEX letter_transmission ON letter(transmission) WHERE transmission IS NOT NULL;
                CREATE INDEX letter_not_allowed ON letter(uuid) WHERE status = 'NOT_ALLOWED';
                CREATE TABLE transmission (
                    key TEXT PRIMARY KEY NOT NULL,
                    letters INTEGER NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    httpStatus INTEGER,
                    transmissionId TEXT,
                    error TEXT,
                    startedAt TEXT,
                    finishedAt TEXT
                ) WITHOUT ROWID;
                CREATE TABLE receipt (
                    id TEXT PRIMARY KEY NOT NULL,
                    messageUUID TEXT,
                    transmissionId TEXT,
                    status TEXT,
                    errorCode TEXT,
                    errorMessage TEXT,
                    timeStamp TEXT,
                    known INTEGER NOT NULL,
                    storedAt TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
                """)
        }
        return migrator
    }

    // MARK: - Letters from the manifest

    /// Reads the manifest's letters the ledger does not hold yet, in transactions of
    /// 20,000 rows; skipped when the manifest is unchanged since the last time.
    func syncManifest() throws(DeliveryError) {
        let manifest = "\(spool)/\(SpoolLayout.manifest)"
        var info = stat()
        stat(manifest, &info)
        let stamp = "\(info.st_size):\(info.st_mtim.tv_sec):\(info.st_mtim.tv_nsec)"
        let known = try read("read") { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'manifest'")
        }
        if known == stamp { return }
        var batch: [ManifestEntry] = []
        batch.reserveCapacity(20_000)
        func flush() throws(DeliveryError) {
            guard !batch.isEmpty else { return }
            let rows = batch
            batch.removeAll(keepingCapacity: true)
            try write("fill") { db in
                let insert = try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO letter (uuid, letterGroup, channel, date, language, file, transmission)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                let unit = try db.cachedStatement(sql: """
                    INSERT INTO transmission (key, letters) VALUES (?, ?)
                    ON CONFLICT(key) DO UPDATE SET letters = letters + excluded.letters
                    """)
                // Letters new to the ledger, per transmission: one upsert per container, not per letter.
                var added: [String: Int] = [:]
                for entry in rows {
                    let transmission: String? = entry.channel == .digital ? entry.transmissionKey : nil
                    try insert.execute(arguments: [entry.uuid, entry.group.rawValue, entry.channel.rawValue,
                                                   entry.date.iso, entry.language.rawValue, entry.file, transmission])
                    if let transmission, db.changesCount > 0 {
                        added[transmission, default: 0] += 1
                    }
                }
                for (key, count) in added {
                    try unit.execute(arguments: [key, count])
                }
            }
        }
        do {
            try ManifestEntry.read(spool: spool) { entry in
                batch.append(entry)
                if batch.count >= 20_000 { try flush() }
            }
        } catch {
            throw Self.failure(error, spool: spool, "fill")
        }
        try flush()
        try write("fill") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('manifest', ?)", arguments: [stamp])
        }
    }

    // MARK: - Transmissions

    /// A transmission as the ledger holds it.
    public struct Transmission: Sendable, Equatable {
        /// The container (`digital/2021-10-06/0001.tar.lzma`) or loose folder (`digital/2021-10-06/0001`).
        public let key: String
        /// Letters in it.
        public let letters: Int
        /// Where it stands.
        public let state: TransmissionState
        /// Requests made for it so far.
        public let attempts: Int
        /// The server's id, once sent.
        public let transmissionId: String?
        /// The last HTTP status, if any.
        public let httpStatus: Int?
        /// The last error, if any.
        public let error: String?
    }

    /// Every transmission, in key order (dates, then batch numbers).
    public func transmissions() throws(DeliveryError) -> [Transmission] {
        try read("read") { db in
            try Row.fetchAll(db, sql: """
                SELECT key, letters, state, attempts, transmissionId, httpStatus, error FROM transmission ORDER BY key
                """).map { row in
                Transmission(key: row["key"], letters: row["letters"],
                             state: TransmissionState(rawValue: row["state"]) ?? .pending,
                             attempts: row["attempts"], transmissionId: row["transmissionId"],
                             httpStatus: row["httpStatus"], error: row["error"])
            }
        }
    }

    /// Records, durably, that a transmission is about to be sent.
    func markSending(_ key: String) throws(DeliveryError) {
        try write("record the start of a transmission in") { db in
            try db.execute(sql: """
                UPDATE transmission SET state = 'sending', attempts = attempts + 1, startedAt = ?, error = NULL
                WHERE key = ?
                """, arguments: [Self.now(), key])
        }
    }

    /// Records that the server took a transmission, with its answer.
    func markSent(_ key: String, httpStatus: Int, transmissionId: String?) throws(DeliveryError) {
        try write("record a sent transmission in") { db in
            try db.execute(sql: """
                UPDATE transmission SET state = 'sent', httpStatus = ?, transmissionId = COALESCE(?, transmissionId),
                    finishedAt = ?, error = NULL WHERE key = ?
                """, arguments: [httpStatus, transmissionId, Self.now(), key])
        }
    }

    /// Records that the server certainly did not take a transmission (it answered with
    /// an error status, or the connection never opened): it may be sent again.
    func markNotTaken(_ key: String, httpStatus: Int?, error: String) throws(DeliveryError) {
        try write("record a failed attempt in") { db in
            try db.execute(sql: """
                UPDATE transmission SET state = 'pending', httpStatus = ?, error = ?, finishedAt = ? WHERE key = ?
                """, arguments: [httpStatus, error, Self.now(), key])
        }
    }

    /// Records a failure that retrying will not fix.
    func markFailed(_ key: String, httpStatus: Int?, error: String) throws(DeliveryError) {
        try write("record a refused transmission in") { db in
            try db.execute(sql: """
                UPDATE transmission SET state = 'failed', httpStatus = ?, error = ?, finishedAt = ? WHERE key = ?
                """, arguments: [httpStatus, error, Self.now(), key])
        }
    }

    /// Records the error of an attempt whose outcome is unknown; the state stays `sending`.
    func markUncertain(_ key: String, error: String) throws(DeliveryError) {
        try write("record an uncertain attempt in") { db in
            try db.execute(sql: "UPDATE transmission SET error = ?, finishedAt = ? WHERE key = ?",
                           arguments: [error, Self.now(), key])
        }
    }

    /// Decides the uncertain transmissions (state `sending`) from the receipts the ledger
    /// holds: one with a receipt for any of its letters was taken by the server (a
    /// container is taken whole) and becomes `sent`; one without becomes `pending`.
    ///
    /// - Returns: how many became sent and how many pending.
    func settleUncertain() throws(DeliveryError) -> (sent: Int, pending: Int) {
        try write("settle uncertain transmissions in") { db in
            let keys = try String.fetchAll(db, sql: "SELECT key FROM transmission WHERE state = 'sending'")
            var sent = 0
            var pending = 0
            for key in keys {
                let received = try Row.fetchOne(db, sql: """
                    SELECT r.transmissionId AS tid FROM letter l JOIN receipt r ON r.messageUUID = l.uuid
                    WHERE l.transmission = ? LIMIT 1
                    """, arguments: [key])
                if let received {
                    let tid: String? = received["tid"]
                    try db.execute(sql: """
                        UPDATE transmission SET state = 'sent', transmissionId = COALESCE(?, transmissionId),
                            finishedAt = ?, error = NULL WHERE key = ?
                        """, arguments: [tid, Self.now(), key])
                    sent += 1
                } else {
                    try db.execute(sql: "UPDATE transmission SET state = 'pending' WHERE key = ?", arguments: [key])
                    pending += 1
                }
            }
            return (sent, pending)
        }
    }

    /// When the most recent attempt among the uncertain (`sending`) transmissions started.
    func latestUncertainStart() throws(DeliveryError) -> Timestamp? {
        try read("read") { db in
            try String.fetchOne(db, sql: "SELECT MAX(startedAt) FROM transmission WHERE state = 'sending'")
        }.flatMap { Timestamp(iso: $0) }
    }

    /// The message UUIDs of a transmission's letters, in manifest order of their files.
    func letters(inTransmission key: String) throws(DeliveryError) -> [String] {
        try read("read") { db in
            try String.fetchAll(db, sql: "SELECT uuid FROM letter WHERE transmission = ? ORDER BY file, uuid",
                                arguments: [key])
        }
    }

    // MARK: - Receipts

    /// What storing a set of receipts did.
    public struct StoredReceipts: Sendable, Equatable {
        /// Receipts new to the ledger.
        public var stored = 0
        /// Receipts the ledger already held (same id): nothing changed.
        public var duplicates = 0
        /// Receipts of messages the manifest does not list (kept, and reported).
        public var unknown: [Receipt] = []
        /// Receipts whose status SPEC §6 does not name (kept, letter unchanged).
        public var unrecognised = 0
        /// Letters whose latest status changed.
        public var lettersUpdated = 0
    }

    /// Stores receipts in one transaction and updates each letter's latest status.
    ///
    /// A receipt without an `id` (a file from elsewhere) gets one from its contents, so
    /// importing the same file twice stores nothing new. A letter keeps the receipt with
    /// the latest time stamp; of two with the same time the later stage wins
    /// (RECEIVED < COMPLETED < INVALID, NOT_ALLOWED).
    public func store(_ receipts: [Receipt]) throws(DeliveryError) -> StoredReceipts {
        try write("store receipts in") { db in
            var result = StoredReceipts()
            let now = Self.now()
            for receipt in receipts {
                let id = receipt.id ?? Self.contentID(receipt)
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM receipt WHERE id = ?", arguments: [id]) == true {
                    result.duplicates += 1
                    continue
                }
                let letter = try receipt.messageUUID.flatMap {
                    try Row.fetchOne(db, sql: "SELECT status, receiptTime FROM letter WHERE uuid = ?", arguments: [$0])
                }
                try db.execute(sql: """
                    INSERT INTO receipt (id, messageUUID, transmissionId, status, errorCode, errorMessage, timeStamp,
                        known, storedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, receipt.messageUUID, receipt.transmissionId, receipt.receiptStatus,
                                     receipt.errorCode, receipt.errorMessage, receipt.timeStamp, letter != nil, now])
                result.stored += 1
                guard let letter, let uuid = receipt.messageUUID else {
                    if receipt.messageUUID != nil { result.unknown.append(receipt) }
                    continue
                }
                guard let status = receipt.status else {
                    result.unrecognised += 1
                    continue
                }
                let oldTime: String? = letter["receiptTime"]
                let oldStatus = (letter["status"] as String?).flatMap { ReceiptStatus(rawValue: $0) }
                let newTime = receipt.timeStamp ?? now
                if let oldStatus, let oldTime,
                   (oldTime, oldStatus.rank) > (newTime, status.rank) { continue }
                try db.execute(sql: """
                    UPDATE letter SET status = ?, errorCode = ?, errorMessage = ?, receiptTime = ? WHERE uuid = ?
                    """, arguments: [status.rawValue, receipt.errorCode, receipt.errorMessage, newTime, uuid])
                result.lettersUpdated += 1
            }
            return result
        }
    }

    /// Receipts of messages the manifest does not list, as stored.
    public func unknownReceipts() throws(DeliveryError) -> [Receipt] {
        try read("read") { db in
            try Row.fetchAll(db, sql: """
                SELECT id, messageUUID, transmissionId, status, errorCode, timeStamp FROM receipt
                WHERE known = 0 ORDER BY storedAt, id
                """).map { row in
                Receipt(id: row["id"], transmissionId: row["transmissionId"], messageUUID: row["messageUUID"],
                        errorCode: row["errorCode"], timeStamp: row["timeStamp"], receiptStatus: row["status"])
            }
        }
    }

    /// A stable id for a receipt that came without one.
    static func contentID(_ receipt: Receipt) -> String {
        let parts = [receipt.transmissionId, receipt.messageUUID, receipt.messageId, receipt.errorCode,
                     receipt.timeStamp, receipt.receiptStatus].map { $0 ?? "-" }
        return "local:" + parts.joined(separator: "|")
    }

    // MARK: - Time

    static func now() -> String {
        Timestamp.now().iso
    }
}
