/// The first pass of a writing run, with its lists staged in the journal.
///
/// While ``InputPass`` classifies the input, the reject and skip lines go into
/// temporary files in `.journal/` (and standard input into a copy, to be read a
/// second time). Nothing is visible until ``commit()``; ``abort()`` removes it all.
/// Either happens exactly once.
final class StagedInput {
    /// What the pass found.
    let pass: InputPass
    private let files: [PendingFile]

    private init(pass: InputPass, files: [PendingFile]) {
        self.pass = pass
        self.files = files
    }

    /// Reads the whole input once, staging the lists in `journal`.
    ///
    /// - Throws: ``InputError`` (input structure), ``SpoolError`` (staging failed), or
    ///   ``InputPass/Interrupted``; nothing stays staged then.
    static func read(options: RunOptions, schedule: WaveSchedule, batchSize: Int,
                     journal: RunJournal,
                     progress: (Statistics, Int) -> Void = { _, _ in }) throws -> StagedInput {
        let staging = AtomicFileWriter(directory: journal.directory)
        var files: [PendingFile] = []
        do {
            let rejects = try staging.begin(name: SpoolLayout.rejects)
            files.append(rejects)
            let skipped = try staging.begin(name: SpoolLayout.skipped)
            files.append(skipped)
            let inputCopy = options.input == "-" ? try staging.begin(name: SpoolLayout.journalInputCopy) : nil
            inputCopy.map { files.append($0) }
            let fingerprints = try staging.begin(name: SpoolLayout.journalFingerprints)
            files.append(fingerprints)
            var fingerprintBuffer: [UInt8] = []
            fingerprintBuffer.reserveCapacity(InputFingerprints.bufferBytes)
            try rejects.write(Array(RecordLists.rejectsHeader.utf8))
            try skipped.write(Array(RecordLists.skippedHeader.utf8))

            // The callbacks cannot throw: keep the first failure and stop writing.
            var sinkError: SpoolError?
            func keep(_ write: () throws(SpoolError) -> Void) {
                guard sinkError == nil else { return }
                do throws(SpoolError) { try write() } catch { sinkError = error }
            }
            let pass = try InputPass.read(
                input: options.input, delimiter: options.delimiter, schedule: schedule,
                batchSize: batchSize, shard: options.shard, cancellation: options.cancellation,
                copy: inputCopy.map { file in { bytes in keep { () throws(SpoolError) in try file.write(bytes) } } },
                fingerprints: { fingerprint in
                    InputFingerprints.append(fingerprint, to: &fingerprintBuffer)
                    guard fingerprintBuffer.count >= InputFingerprints.bufferBytes else { return }
                    keep { () throws(SpoolError) in try fingerprints.write(fingerprintBuffer) }
                    fingerprintBuffer.removeAll(keepingCapacity: true)
                },
                onRejected: { rejection in keep { () throws(SpoolError) in try rejects.write(Array(RecordLists.line(for: rejection).utf8)) } },
                onSkipped: { record in keep { () throws(SpoolError) in try skipped.write(Array(RecordLists.line(for: record).utf8)) } },
                progress: progress)
            keep { () throws(SpoolError) in try fingerprints.write(fingerprintBuffer) }
            if let sinkError { throw sinkError }
            return StagedInput(pass: pass, files: files)
        } catch {
            files.forEach { $0.abort() }
            throw error
        }
    }

    /// Moves the staged files into place in the journal.
    func commit() throws(SpoolError) {
        for file in files { try file.commit() }
    }

    /// Drops the staged files.
    func abort() {
        files.forEach { $0.abort() }
    }
}
