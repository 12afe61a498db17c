internal import Logging

/// The letters a writing run still has to make, in input order: the second pass's
/// source. It skips letters of batches the journal has recorded and of other shards,
/// and opens each batch on the sink before handing out its first letter.
struct PendingLetters {
    let classifier: InputClassifier
    var numbering: BatchNumbering
    /// Letters per batch of this run (its shard only).
    let batchSizes: [BatchKey: Int]
    let shard: Shard?
    let isDone: (BatchKey) -> Bool
    private var opened = Set<BatchKey>()

    init(classifier: InputClassifier, numbering: BatchNumbering, batchSizes: [BatchKey: Int], shard: Shard?,
         isDone: @escaping (BatchKey) -> Bool) {
        self.classifier = classifier
        self.numbering = numbering
        self.batchSizes = batchSizes
        self.shard = shard
        self.isDone = isDone
    }

    /// The next letter to make and its batch, or `nil` at the end of the input.
    mutating func next(opening sink: any BatchSink, logger: Logger) throws -> (Letter, BatchKey)? {
        while let outcome = try classifier.next() {
            guard case .letter(let letter) = outcome else { continue }
            let batch = numbering.next(channel: letter.channel, date: letter.date)
            guard !isDone(batch), shard?.contains(letter.recipient.cpr) ?? true, let expected = batchSizes[batch]
            else { continue }
            if opened.insert(batch).inserted {
                try sink.open(batch, expecting: expected)
                logger.debug("batch started", metadata: [
                    "batch": "\(SpoolLayout.journalSegment(of: batch))", "letters": "\(expected)",
                ])
            }
            return (letter, batch)
        }
        return nil
    }
}
