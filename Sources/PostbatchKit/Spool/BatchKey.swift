/// A group of letters written and recorded together: a fan-out folder of loose
/// envelopes, or one container.
///
/// Letters of one channel and date are numbered in input order; letter n (0-based)
/// of a (channel, date) belongs to batch `n / size + 1`. So a batch's members
/// depend on the input alone, and a resumed run can redo exactly the batches
/// that were not recorded as done.
struct BatchKey: Hashable, Comparable, Sendable {
    let channel: Channel
    let date: CalendarDate
    /// 1-based.
    let number: Int

    static func < (lhs: BatchKey, rhs: BatchKey) -> Bool {
        (lhs.channel == .digital ? 0 : 1, lhs.date, lhs.number) < (rhs.channel == .digital ? 0 : 1, rhs.date, rhs.number)
    }
}
