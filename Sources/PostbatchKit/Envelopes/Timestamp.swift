internal import Foundation

/// An instant in UTC, to the second: `2021-10-01T08:00:00Z`.
///
/// Envelopes carry their creation time (`createdDateTime`, `TransaktionsDatoTid`). The
/// writers never read the clock: the run takes one `Timestamp` (``now()``, or the CLI's
/// `--now 2021-10-01T08:00:00Z`) and passes it in, so two writes of the same letter give the
/// same bytes.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let secondsSinceEpoch: Int64

    /// The instant `secondsSinceEpoch` seconds after 1970-01-01T00:00:00Z.
    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    /// Midnight UTC at the start of a calendar day, plus an offset in seconds.
    public init(date: CalendarDate, secondsIntoDay: Int = 0) {
        self.secondsSinceEpoch = Int64(date.secondsSinceEpoch) + Int64(secondsIntoDay)
    }

    /// Reads exactly `YYYY-MM-DDTHH:MM:SSZ` (UTC, no fraction, no offset).
    ///
    /// - Returns: `nil` for any other form or a day or time that does not exist.
    public init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
              bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z"),
              let date = CalendarDate(iso: String(decoding: bytes[0..<10], as: UTF8.self)),
              let hour = Timestamp.twoDigits(bytes, at: 11), hour < 24,
              let minute = Timestamp.twoDigits(bytes, at: 14), minute < 60,
              let second = Timestamp.twoDigits(bytes, at: 17), second < 60
        else { return nil }
        self.init(date: date, secondsIntoDay: hour * 3600 + minute * 60 + second)
    }

    /// The current time, truncated to the second. For the CLI only: writers take a value.
    public static func now() -> Timestamp {
        Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970.rounded(.down)))
    }

    private static func twoDigits(_ bytes: [UInt8], at index: Int) -> Int? {
        let high = Int(bytes[index]) - 48
        let low = Int(bytes[index + 1]) - 48
        guard (0...9).contains(high), (0...9).contains(low) else { return nil }
        return high * 10 + low
    }

    /// The calendar day (UTC) this instant falls on.
    public var date: CalendarDate {
        CalendarDate(daysSinceEpoch: Int(secondsSinceEpoch.floorDivided(by: 86_400)))
    }

    /// `2021-10-01T08:00:00Z`.
    public var iso: String {
        let seconds = Int(secondsSinceEpoch - Int64(date.secondsSinceEpoch))
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(date.iso)T\(pad(seconds / 3600)):\(pad(seconds / 60 % 60)):\(pad(seconds % 60))Z"
    }

    /// The same as ``iso``.
    public var description: String { iso }

    /// Whether `lhs` is earlier than `rhs`.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }
}

extension Int64 {
    /// Division rounding towards minus infinity.
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
