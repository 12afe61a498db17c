internal import GRDB

/// Where reconciling last stopped reading `receipts-bulk`, so that the next
/// reconciliation reads only the receipts made since, not every page again.
///
/// The interface has no page token: `GET receipts-bulk/?page=P&size=S` pages by position
/// (SPEC §6). Assumed, and to be checked against Digital Post's test environment
/// (`docs/delivery.md`): the list is in the order the receipts were made, oldest first,
/// so new ones come at the end, and deleting one moves the ones after it forward.
///
/// The cursor is the position just after the last receipt read and that receipt's id.
/// The next read starts at the page holding that receipt and checks that it is still
/// there; if it is not (receipts before it were deleted by `postbatch receipts`, or the
/// service orders its list otherwise), it reads from page 0 again, so a receipt is never
/// missed. The cost of a reconciliation is then the new receipts plus one page.
struct ReceiptCursor: Sendable, Equatable {
    /// Receipts before this position have been read.
    let position: Int
    /// The id of the receipt at `position - 1`.
    let lastID: String

    /// What one read did.
    struct Read: Sendable, Equatable {
        /// Receipts read (including the anchoring page read again).
        var receipts = 0
        /// Pages asked for.
        var pages = 0
        /// The first page asked for (0 when the cursor was absent or had moved).
        var firstPage = 0
    }

    /// Reads the receipts made since the stored cursor (all of them the first time),
    /// stores them in the ledger page by page, and moves the cursor on.
    static func readNew(ledger: Ledger, client: DigitalPostClient, pageSize: Int) async throws(DeliveryError) -> Read {
        let size = max(1, pageSize)
        let cursor = try ledger.receiptCursor()
        var page = cursor.map { max(0, $0.position - 1) / size } ?? 0
        var read = Read(firstPage: page)
        while true {
            let result = try await client.receipts(page: page, size: size)
            read.pages += 1
            if let cursor, page == read.firstPage, page > 0, !cursor.isAnchored(in: result, page: page, size: size) {
                // The list moved under the cursor: read it whole, from the start.
                page = 0
                read.firstPage = 0
                continue
            }
            read.receipts += result.receipts.count
            _ = try ledger.store(result.receipts)
            if let last = result.receipts.last {
                try ledger.saveReceiptCursor(ReceiptCursor(position: page * size + result.receipts.count,
                                                           lastID: last.id ?? Ledger.contentID(last)))
            }
            page += 1
            if page >= result.totalPages || result.receipts.count < size { break }
        }
        return read
    }

    /// Whether the receipt at `position - 1` is still the one read last.
    func isAnchored(in result: ReceiptPage, page: Int, size: Int) -> Bool {
        let index = position - 1 - page * size
        guard index >= 0, index < result.receipts.count else { return false }
        let receipt = result.receipts[index]
        return (receipt.id ?? Ledger.contentID(receipt)) == lastID
    }
}

extension Ledger {
    /// The stored ``ReceiptCursor``, if reconciling has read receipts before.
    func receiptCursor() throws(DeliveryError) -> ReceiptCursor? {
        let value = try read("read") { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'receipts.cursor'")
        }
        guard let value, let bar = value.firstIndex(of: "|"), let position = Int(value[..<bar]) else { return nil }
        return ReceiptCursor(position: position, lastID: String(value[value.index(after: bar)...]))
    }

    /// Stores the cursor (after the page it points past has been stored).
    func saveReceiptCursor(_ cursor: ReceiptCursor) throws(DeliveryError) {
        try write("store the receipts cursor in") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('receipts.cursor', ?)",
                           arguments: ["\(cursor.position)|\(cursor.lastID)"])
        }
    }
}
