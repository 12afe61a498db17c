/// One letter as a worker hands it back to the writer.
struct WrittenLetter: Sendable {
    let batch: BatchKey
    /// The manifest line (empty in a dry run).
    let manifestLine: String
    /// The envelope, when the writer still has to store it (containers).
    let envelope: [UInt8]?
    let size: Int
}

/// Renders letters on worker tasks, at most `workers` chunks at a time (so `workers`
/// is the number of letters rendered in parallel, and memory is bounded), and hands
/// the results back in input order.
enum LetterProduction {
    static let chunkSize = 32

    /// - Parameters:
    ///   - nextLetter: the next letter to make and its batch, or `nil` at the end (called on the calling task).
    ///   - make: makes one letter on a worker.
    ///   - consume: receives each chunk's results, in input order (on the calling task).
    /// - Returns: how many letters were made.
    static func run(workers: Int, cancellation: RunCancellation,
                    nextLetter: () throws -> (Letter, BatchKey)?,
                    make: @escaping @Sendable (Letter, BatchKey, WorkerRenderers) throws -> WrittenLetter,
                    factory: LetterFactory,
                    consume: ([WrittenLetter]) async throws -> Void) async throws -> Int {
        var made = 0
        try await withThrowingTaskGroup(of: (Int, [WrittenLetter]).self) { group in
            var nextIndex = 0
            var nextToConsume = 0
            var inFlight = 0
            var finished: [Int: [WrittenLetter]] = [:]
            let maximumInFlight = workers

            func collect() async throws {
                guard let (index, results) = try await group.next() else { return }
                inFlight -= 1
                finished[index] = results
                while let ready = finished.removeValue(forKey: nextToConsume) {
                    try await consume(ready)
                    made += ready.count
                    nextToConsume += 1
                }
            }

            var exhausted = false
            while !exhausted, !cancellation.isCancelled {
                var chunk: [(Letter, BatchKey)] = []
                while chunk.count < chunkSize, let next = try nextLetter() {
                    chunk.append(next)
                }
                exhausted = chunk.count < chunkSize
                guard !chunk.isEmpty else { break }
                if inFlight >= maximumInFlight {
                    try await collect()
                }
                let index = nextIndex
                nextIndex += 1
                inFlight += 1
                let work = chunk
                group.addTask {
                    let results = try factory.withRenderers { renderers in
                        try work.map { letter, batch in try make(letter, batch, renderers) }
                    }
                    return (index, results)
                }
            }
            while inFlight > 0 {
                try await collect()
            }
        }
        return made
    }
}
