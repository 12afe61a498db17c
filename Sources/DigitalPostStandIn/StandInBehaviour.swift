/// What the stand-in answers for a recipient, and which faults it injects.
public enum RecipientOutcome: Sendable, Equatable {
    /// A `RECEIVED` receipt.
    case received
    /// `RECEIVED`, then `COMPLETED` on a later `receipts-bulk` call.
    case completed
    /// `INVALID` with this error code.
    case invalid(errorCode: String)
    /// `NOT_ALLOWED` (not registered for Digital Post, or exempt).
    case notAllowed

    /// The rule the tests and the benchmark use, by the CPR's last digit: 0 NOT_ALLOWED,
    /// 1 INVALID, 2 and 3 COMPLETED (after RECEIVED), the rest RECEIVED.
    @Sendable public static func byLastDigit(_ cpr: String) -> RecipientOutcome {
        switch cpr.last {
        case "0": .notAllowed
        case "1": .invalid(errorCode: "TEST_INVALID")
        case "2", "3": .completed
        default: .received
        }
    }
}

/// A fault the stand-in injects into the next `POST memos/` requests, one each, in order.
public enum StandInFault: Sendable, Equatable {
    /// Answer 503 with `Retry-After: seconds` (without taking the container).
    case unavailable(retryAfterSeconds: Int)
    /// Answer 429 with `Retry-After: seconds`.
    case tooManyRequests(retryAfterSeconds: Int)
    /// Take the container, but wait this many milliseconds before answering.
    case slow(milliseconds: Int)
    /// Close the connection after the first part of the body: the container is not taken.
    case cutUpload
    /// Take the container, then close the connection without an answer (the 201 is lost).
    case loseResponse
    /// Answer 400 with an error body (a permanent refusal).
    case badRequest(errorCode: String)
}
