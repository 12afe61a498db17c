internal import Crypto

/// The first pass of a run: classify the whole input before writing any letter.
///
/// It yields the statistics, the size of every batch this run will write (so the
/// second pass knows when a batch is whole), and the input's SHA-256 (so a spool
/// can tell whether it holds this input). It finds a structure error or a file that
/// is not UTF-8 before a single envelope is written. Reject and skip lines go to the
/// sinks as they come, so memory stays flat.
struct InputPass {
    /// The pass was stopped by a signal.
    struct Interrupted: Error {}

    let statistics: Statistics
    let inputSHA256: String
    /// The input's size in bytes, as read.
    let inputBytes: Int
    /// Letters per batch, counting only the letters of the run's shard.
    let batchSizes: [BatchKey: Int]
    /// The letters of the run's shard alone (with a shard).
    let shardLetters: Statistics

    /// Reads the input once.
    ///
    /// - Parameters:
    ///   - batchSize: letters per batch (fan-out folder or container).
    ///   - shard: the shard this run writes, if any.
    ///   - cancellation: checked every 16,384 records; when set, the pass throws ``Interrupted``.
    ///   - copy: receives every byte of the input (to keep standard input for the second pass).
    ///   - fingerprints: receives every record's fingerprint, in order (``InputFingerprints``).
    ///   - onRejected, onSkipped: receive the list lines in input order.
    ///   - progress: told every 16,384 records the statistics so far and the bytes read.
    static func read(input: String, delimiter: Character?, schedule: WaveSchedule, batchSize: Int, shard: Shard?,
                     cancellation: RunCancellation,
                     copy: ((UnsafeRawBufferPointer) -> Void)?,
                     fingerprints: (UInt64) -> Void = { _ in },
                     onRejected: (ClassificationError) -> Void,
                     onSkipped: (SkippedRecord) -> Void,
                     progress: (Statistics, Int) -> Void = { _, _ in }) throws -> InputPass {
        final class Hashing {
            var hasher = SHA256()
        }
        let hashing = Hashing()
        let classifier = try InputClassifier(path: input, delimiter: delimiter, schedule: schedule, observer: { bytes in
            hashing.hasher.update(bufferPointer: bytes)
            copy?(bytes)
        }, shouldStop: { cancellation.isCancelled })
        var numbering = BatchNumbering(size: batchSize)
        var sizes: [BatchKey: Int] = [:]
        var shardLetters = Statistics()
        var sinceCheck = 0
        do {
            while let (outcome, fingerprint) = try classifier.nextFingerprinted() {
                fingerprints(fingerprint)
                sinceCheck += 1
                if sinceCheck == 16_384 {
                    sinceCheck = 0
                    if cancellation.isCancelled { throw Interrupted() }
                    progress(classifier.statistics, classifier.bytesRead)
                }
                switch outcome {
                case .letter(let letter):
                    let batch = numbering.next(channel: letter.channel, date: letter.date)
                    if shard?.contains(letter.recipient.cpr) ?? true {
                        sizes[batch, default: 0] += 1
                        shardLetters.addLetter(group: letter.group, channel: letter.channel, language: letter.language,
                                               date: letter.date)
                    }
                case .skipped(let skipped):
                    onSkipped(skipped)
                case .rejected(let rejection):
                    onRejected(rejection)
                }
            }
        } catch where cancellation.isCancelled {
            // Standard input cut short by a signal may end inside a record or a character.
            throw Interrupted()
        }
        // A signal may have ended standard input early: that is no input's end.
        if cancellation.isCancelled { throw Interrupted() }
        return InputPass(statistics: classifier.statistics, inputSHA256: Hex.string(hashing.hasher.finalize()),
                         inputBytes: classifier.bytesRead, batchSizes: sizes, shardLetters: shardLetters)
    }
}
