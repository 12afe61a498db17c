/// Assigns letters to batches in input order.
struct BatchNumbering {
    let size: Int
    private var counts: [ChannelDate: Int] = [:]

    struct ChannelDate: Hashable {
        let channel: Channel
        let date: CalendarDate
    }

    init(size: Int) {
        self.size = max(1, size)
    }

    /// The batch of the next letter of this channel and date.
    mutating func next(channel: Channel, date: CalendarDate) -> BatchKey {
        let key = ChannelDate(channel: channel, date: date)
        let index = counts[key, default: 0]
        counts[key] = index + 1
        return BatchKey(channel: channel, date: date, number: index / size + 1)
    }

    /// How many letters batch `key` holds, given the totals per channel and date.
    static func size(of key: BatchKey, total: Int, batchSize: Int) -> Int {
        min(batchSize, total - (key.number - 1) * batchSize)
    }
}
