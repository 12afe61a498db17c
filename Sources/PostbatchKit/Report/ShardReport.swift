/// What a shard's report adds: which shard it is, and the letters that shard wrote.
public struct ShardReport: Sendable {
    /// 1-based.
    public let index: Int
    /// How many shards the mailing is split into.
    public let count: Int
    /// The letters of this shard alone.
    public let letters: Statistics

    /// A shard's part of a report.
    public init(index: Int, count: Int, letters: Statistics) {
        self.index = index
        self.count = count
        self.letters = letters
    }
}
