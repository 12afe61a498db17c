internal import Foundation
public import Logging

/// What `postbatch receipts` did.
public struct ReceiptSummary: Sendable, Equatable {
    /// Receipts read (from the server or the file).
    public var read = 0
    /// Receipts new to the ledger.
    public var stored = 0
    /// Receipts the ledger already held.
    public var duplicates = 0
    /// Receipts deleted on the server after they were stored.
    public var deleted = 0
    /// Receipts whose status SPEC §6 does not name.
    public var unrecognised = 0
    /// Receipts of messages this spool does not hold: messageUUID and status, for the operator.
    public var unknown: [Receipt] = []
}

/// Fetches receipts into the ledger: from the server (`receipts-bulk`, then `DELETE`
/// each one stored) or from a JSON file (SPEC §6).
///
/// A receipt is deleted on the server only after the transaction that stored it has
/// committed, so a kill between the two leaves a receipt stored and not deleted: the
/// next run reads it again, finds its id in the ledger, and deletes it then.
///
/// SPEC §6 deletes one receipt per request (`DELETE receipts/{id}`), so a page's deletes
/// go out `connections` at a time over the client's connection pool; the next page is
/// read when all of them are answered.
public struct ReceiptCollector: Sendable {
    /// The spool folder.
    public let spool: String
    /// Receipts per page.
    public let pageSize: Int
    /// `DELETE` requests in flight at once (and connections to the server).
    public let connections: Int
    /// Where progress is logged.
    public let logger: Logger

    /// A collector for one spool.
    public init(spool: String, pageSize: Int = 1000, connections: Int = 4, logger: Logger) {
        self.spool = spool
        self.pageSize = pageSize
        self.connections = max(1, connections)
        self.logger = logger
    }

    /// Pages through the server's receipts, stores each page in one transaction, then
    /// deletes the page's receipts on the server.
    ///
    /// - Throws: ``DeliveryError``: `tls`, `permanent_rejection`, `gave_up`,
    ///   `bad_response`, `ledger`; `SpoolError` `locked`.
    public func fetch(from endpoint: DigitalPostEndpoint) async throws -> ReceiptSummary {
        var lock = try SpoolDirectory(path: spool).lock()
        defer { lock.release() }
        let ledger = try Ledger(spool: spool)
        let client = try DigitalPostClient(endpoint: endpoint, connections: connections)
        do {
            let summary = try await fetch(ledger: ledger, client: client)
            await client.shutdown()
            return summary
        } catch {
            await client.shutdown()
            throw error
        }
    }

    private func fetch(ledger: Ledger, client: DigitalPostClient) async throws(DeliveryError) -> ReceiptSummary {
        var summary = ReceiptSummary()
        var page = 0
        var rounds = 0
        while rounds < 1_000_000 {
            rounds += 1
            let result = try await client.receipts(page: page, size: pageSize)
            if result.receipts.isEmpty { break }
            summary.read += result.receipts.count
            let stored = try ledger.store(result.receipts)
            summary.stored += stored.stored
            summary.duplicates += stored.duplicates
            summary.unrecognised += stored.unrecognised
            summary.unknown += stored.unknown
            let ids = result.receipts.compactMap(\.id)
            let allDeleted = ids.count == result.receipts.count
            try await delete(ids, client: client)
            summary.deleted += ids.count
            logger.info("receipts page stored", metadata: [
                "receipts.page": "\(page)", "receipts.count": "\(result.receipts.count)",
                "receipts.total": "\(result.totalElements)",
            ])
            // Deleted receipts leave the list: the next ones are on the same page.
            if !allDeleted { page += 1 }
            if page >= result.totalPages && !allDeleted { break }
        }
        return summary
    }

    /// Deletes stored receipts on the server, `connections` requests at a time. The first
    /// failure cancels the rest and is thrown; the receipts stay stored, and the next run
    /// reads the undeleted ones again and deletes them then.
    private func delete(_ ids: [String], client: DigitalPostClient) async throws(DeliveryError) {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = ids.makeIterator()
                for _ in 0..<connections {
                    guard let id = next.next() else { break }
                    group.addTask { try await client.deleteReceipt(id: id) }
                }
                while try await group.next() != nil {
                    guard let id = next.next() else { continue }
                    group.addTask { try await client.deleteReceipt(id: id) }
                }
            }
        } catch let error as DeliveryError {
            throw error
        } catch {
            throw DeliveryError(code: .gaveUp, subject: spool, cause: "\(error)",
                                message: "deleting the stored receipts on the server stopped")
        }
    }

    /// Imports a JSON file of receipts: a `receipts-bulk` page (`{"receipts": [...]}`) or
    /// an array of receipts.
    ///
    /// - Throws: ``DeliveryError`` `receipts_file` when the file cannot be read or is
    ///   not such JSON; `ledger`; `SpoolError` `locked`.
    public func importFile(_ path: String) throws -> ReceiptSummary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DeliveryError(code: .receiptsFile, subject: path, message: "cannot read the receipts file \(path)")
        }
        let receipts: [Receipt]
        let decoder = JSONDecoder()
        if let page = try? decoder.decode(ReceiptPage.self, from: data) {
            receipts = page.receipts
        } else if let list = try? decoder.decode([Receipt].self, from: data) {
            receipts = list
        } else if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let list = object["receipts"], let again = try? JSONSerialization.data(withJSONObject: list),
                  let parsed = try? decoder.decode([Receipt].self, from: again) {
            receipts = parsed
        } else {
            throw DeliveryError(code: .receiptsFile, subject: path,
                                message: "\(path) is not a JSON list of receipts nor a receipts-bulk page (SPEC §6)")
        }
        var lock = try SpoolDirectory(path: spool).lock()
        defer { lock.release() }
        let ledger = try Ledger(spool: spool)
        var summary = ReceiptSummary()
        summary.read = receipts.count
        for start in stride(from: 0, to: receipts.count, by: max(1, pageSize)) {
            let stored = try ledger.store(Array(receipts[start..<min(receipts.count, start + pageSize)]))
            summary.stored += stored.stored
            summary.duplicates += stored.duplicates
            summary.unrecognised += stored.unrecognised
            summary.unknown += stored.unknown
        }
        return summary
    }
}
