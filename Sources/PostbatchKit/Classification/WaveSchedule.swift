/// When each letter is delivered: digital letters spread over waves, paper after, on the
/// first Danish business day after the last wave (SPEC §2 "Delivery waves").
///
/// The n-th digital letter of the input (0-based) goes to wave `n mod waves`, so
/// the waves differ in size by at most one letter, the assignment needs no
/// look-ahead, and the same input gives the same dates on every run.
public struct WaveSchedule: Hashable, Sendable {
    /// The first wave's date: the first `doNotDeliverUntilDate`.
    public let firstDay: CalendarDate
    /// The number of daily waves, at least 1.
    public let waves: Int
    /// The date of paper letters.
    public let printDay: CalendarDate
    /// Every wave date, in order.
    public let waveDates: [CalendarDate]

    /// - Parameters:
    ///   - firstDay: the date of the first wave.
    ///   - waves: how many consecutive days; values below 1 count as 1.
    ///   - printDay: the paper date; `nil` means the first Danish business day after the
    ///     last wave (Monday 2021-10-11 for three waves from Wednesday 2021-10-06). A given
    ///     date is taken as it is: the campaign file and `--print-day` refuse a day that is
    ///     not a business day before a schedule is made.
    public init(firstDay: CalendarDate, waves: Int, printDay: CalendarDate? = nil) {
        self.firstDay = firstDay
        self.waves = max(1, waves)
        let waveDates = (0..<max(1, waves)).map { firstDay.adding(days: $0) }
        self.waveDates = waveDates
        self.printDay = printDay ?? (waveDates.last ?? firstDay).nextDanishBusinessDay()
    }

    /// The wave date of the digital letter with this 0-based position among digital letters.
    public func digitalDate(forDigitalIndex index: Int) -> CalendarDate {
        waveDates[index % waves]
    }
}
