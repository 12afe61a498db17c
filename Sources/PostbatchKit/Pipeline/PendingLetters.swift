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
    /// The first pass's record fingerprints: every record is checked before its letter is handed out.
    let fingerprints: InputFingerprints
    /// The input's SHA-256 from the first pass, checked at the end.
    let inputSHA256: String
    private(set) var opened = Set<BatchKey>()

    init(classifier: InputClassifier, numbering: BatchNumbering, batchSizes: [BatchKey: Int], shard: Shard?,
         fingerprints: InputFingerprints, inputSHA256: String, isDone: @escaping (BatchKey) -> Bool) {
        self.classifier = classifier
        self.fingerprints = fingerprints
        self.inputSHA256 = inputSHA256
        self.numbering = numbering
        self.batchSizes = batchSizes
        self.shard = shard
        self.isDone = isDone
    }

    /// The next letter to make and its batch, or `nil` at the end of the input.
    ///
    /// - Throws: ``RunError`` `input_changed` when a record is not the one the first pass
    ///   read (see ``InputFingerprints``), before that record's letter is handed out.
    mutating func next(opening sink: any BatchSink, logger: Logger) throws -> (Letter, BatchKey)? {
        while true {
            guard let (outcome, fingerprint) = try classifier.nextFingerprinted() else {
                try fingerprints.finish(expectedSHA256: inputSHA256)
                return nil
            }
            guard case .letter(let letter) = outcome else {
                try fingerprints.check(fingerprint, line: outcome.line)
                continue
            }
            try fingerprints.check(fingerprint, line: letter.line)
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
    }
}
