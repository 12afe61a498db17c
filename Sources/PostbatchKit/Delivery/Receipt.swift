internal import Foundation

/// A Digital Post receipt (SPEC §6): the answer to a sent transmission, or one
/// entry of `receipts-bulk`.
///
/// ```json
/// {"id": "…", "transmissionId": "…", "messageUUID": "…", "messageId": "…",
///  "errorCode": null, "errorMessage": null, "timeStamp": "2021-10-06T08:00:00Z",
///  "receiptStatus": "RECEIVED"}
/// ```
public struct Receipt: Codable, Sendable, Equatable {
    /// The receipt's id on the server (`receipts-bulk` only): what `DELETE receipts/{id}` takes.
    public var id: String?
    /// The server's id of the transmission the message came in.
    public var transmissionId: String?
    /// The MeMo `messageUUID` the receipt is about; `nil` for a receipt of a whole container.
    public var messageUUID: String?
    /// The server's own id of the message.
    public var messageId: String?
    /// Why a message is `INVALID` or `NOT_ALLOWED`.
    public var errorCode: String?
    /// The server's words for the error.
    public var errorMessage: String?
    /// When the server issued the receipt, ISO 8601.
    public var timeStamp: String?
    /// `RECEIVED`, `COMPLETED`, `INVALID` or `NOT_ALLOWED`.
    public var receiptStatus: String?

    /// A receipt from its parts.
    public init(id: String? = nil, transmissionId: String? = nil, messageUUID: String? = nil, messageId: String? = nil,
                errorCode: String? = nil, errorMessage: String? = nil, timeStamp: String? = nil,
                receiptStatus: String? = nil) {
        self.id = id
        self.transmissionId = transmissionId
        self.messageUUID = messageUUID
        self.messageId = messageId
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.timeStamp = timeStamp
        self.receiptStatus = receiptStatus
    }

    /// The status as a value, `nil` for one SPEC §6 does not name.
    public var status: ReceiptStatus? { receiptStatus.flatMap { ReceiptStatus(rawValue: $0) } }
}

/// The four receipt statuses of SPEC §6.
public enum ReceiptStatus: String, Sendable, CaseIterable, Codable {
    /// Digital Post has the message.
    case received = "RECEIVED"
    /// The message is in the recipient's mailbox.
    case completed = "COMPLETED"
    /// The message was wrong (see the error code).
    case invalid = "INVALID"
    /// The recipient cannot receive Digital Post from this sender.
    case notAllowed = "NOT_ALLOWED"

    /// Order among receipts with the same time stamp: a later stage wins.
    var rank: Int {
        switch self {
        case .received: 0
        case .completed: 1
        case .invalid, .notAllowed: 2
        }
    }
}

/// One page of `GET receipts-bulk/?page=P&size=S`.
public struct ReceiptPage: Codable, Sendable, Equatable {
    /// The page number asked for (0-based).
    public var currentPage: Int
    /// Pages in all at this size.
    public var totalPages: Int
    /// Receipts on this page.
    public var elementsOnPage: Int
    /// Receipts in all.
    public var totalElements: Int
    /// The receipts.
    public var receipts: [Receipt]

    /// A page from its parts.
    public init(currentPage: Int, totalPages: Int, elementsOnPage: Int, totalElements: Int, receipts: [Receipt]) {
        self.currentPage = currentPage
        self.totalPages = totalPages
        self.elementsOnPage = elementsOnPage
        self.totalElements = totalElements
        self.receipts = receipts
    }
}
