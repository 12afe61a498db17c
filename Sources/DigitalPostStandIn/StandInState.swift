import Foundation
import PostbatchKit
import Synchronization

/// What the stand-in knows: every message it took, its receipts, the faults still to
/// inject. Shared by the connection tasks behind a `Mutex`.
final class StandInState: Sendable {
    struct State {
        /// How many times each messageUUID was taken.
        var accepted: [String: Int] = [:]
        var containersAccepted = 0
        var postRequests = 0
        var unauthorised = 0
        var invalidContainers = 0
        /// Stored receipts, oldest first; `nil` once deleted.
        var receipts: [Receipt?] = []
        var receiptIndex: [String: Int] = [:]
        var liveReceipts = 0
        /// COMPLETED receipts released on a later `receipts-bulk` call.
        var delayed: [Receipt] = []
        var faults: [StandInFault] = []
        var nextID = 0
        var clock = 0
        /// The page number of every `receipts-bulk` call, and the receipts they handed out.
        var pagesRequested: [Int] = []
        var receiptsServed = 0
        /// Time spent handling `POST memos/` bodies, summed over the connections.
        var unpackTime: Duration = .zero
    }

    let state = Mutex(State())

    /// When the stand-in started, in milliseconds since 1970.
    let startMillis = Int64(Date().timeIntervalSince1970 * 1000)

    /// A time stamp that grows by a millisecond with every receipt, so that order is
    /// kept however fast receipts come.
    func timeStamp(_ tick: Int) -> String {
        // Formatted by hand: an ISO8601DateFormatter per receipt made ICU the stand-in's
        // largest cost in the delivery benchmark (a third of its CPU time).
        let millis = startMillis + Int64(tick)
        let seconds = Timestamp(secondsSinceEpoch: millis / 1000).iso
        let fraction = String(1000 + millis % 1000).dropFirst()
        return "\(seconds.dropLast()).\(fraction)Z"
    }

    func takeFault() -> StandInFault? {
        state.withLock { state in
            state.postRequests += 1
            return state.faults.isEmpty ? nil : state.faults.removeFirst()
        }
    }

    /// Records a container's messages as taken and makes their receipts.
    func accept(transmissionId: String, messages: [(uuid: String, outcome: RecipientOutcome)]) {
        state.withLock { state in
            state.containersAccepted += 1
            for message in messages {
                state.accepted[message.uuid, default: 0] += 1
                state.clock += 1
                let stamp = self.timeStamp(state.clock)
                var receipt = Receipt(transmissionId: transmissionId, messageUUID: message.uuid,
                                      messageId: "msg-\(message.uuid.prefix(8))", timeStamp: stamp,
                                      receiptStatus: "RECEIVED")
                switch message.outcome {
                case .received:
                    break
                case .completed:
                    state.clock += 1
                    var later = receipt
                    later.timeStamp = self.timeStamp(state.clock)
                    later.receiptStatus = "COMPLETED"
                    state.delayed.append(later)
                case .invalid(let code):
                    receipt.receiptStatus = "INVALID"
                    receipt.errorCode = code
                    receipt.errorMessage = "the message was not accepted: \(code)"
                case .notAllowed:
                    receipt.receiptStatus = "NOT_ALLOWED"
                    receipt.errorCode = "RECIPIENT_NOT_ALLOWED"
                    receipt.errorMessage = "the recipient cannot receive Digital Post from this sender"
                }
                Self.add(receipt, to: &state)
            }
        }
    }

    private static func add(_ receipt: Receipt, to state: inout State) {
        var receipt = receipt
        state.nextID += 1
        let id = "r\(state.nextID)"
        receipt.id = id
        state.receiptIndex[id] = state.receipts.count
        state.receipts.append(receipt)
        state.liveReceipts += 1
    }

    /// One page of the live receipts; releases the delayed COMPLETED receipts first
    /// (so they appear on the call after the one that showed RECEIVED).
    func page(_ page: Int, size: Int) -> ReceiptPage {
        state.withLock { state in
            let live = state.receipts.compactMap { $0 }
            let size = max(1, size)
            let start = page * size
            let slice = start < live.count ? Array(live[start..<min(live.count, start + size)]) : []
            let result = ReceiptPage(currentPage: page, totalPages: (live.count + size - 1) / size,
                                     elementsOnPage: slice.count, totalElements: live.count, receipts: slice)
            state.pagesRequested.append(page)
            state.receiptsServed += slice.count
            let released = state.delayed
            state.delayed = []
            for receipt in released { Self.add(receipt, to: &state) }
            return result
        }
    }

    /// Deletes a receipt; `false` when there is none with that id.
    func delete(id: String) -> Bool {
        state.withLock { state in
            guard let index = state.receiptIndex.removeValue(forKey: id) else { return false }
            state.receipts[index] = nil
            state.liveReceipts -= 1
            return true
        }
    }

    func newTransmissionID() -> String {
        state.withLock { state in
            state.nextID += 1
            return "t\(state.nextID)-" + UUID().uuidString.lowercased().prefix(8)
        }
    }
}
