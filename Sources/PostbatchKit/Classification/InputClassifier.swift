/// A record that gets no letter because of its CPR status.
public struct SkippedRecord: Sendable, CustomStringConvertible {
    /// The line where the record starts.
    public let line: Int
    /// `status_XX`.
    public let reason: String
    /// The person's CPR number; shown masked.
    public let cpr: CPR

    public var description: String { "line \(line): \(reason) (\(cpr))" }
}

/// The outcome of one input record (SPEC §2).
public enum Outcome: Sendable {
    case letter(Letter)
    case skipped(SkippedRecord)
    case rejected(ClassificationError)
}

/// Reads an input CSV and classifies each record in order: the Input and
/// Classification stages together, streaming.
///
/// ```swift
/// let classifier = try InputClassifier(path: "records.csv", schedule: campaign.schedule)
/// let statistics = try classifier.tally { rejection in print(rejection) }
/// ```
///
/// Not thread-safe: one classifier per input, used by one task.
public final class InputClassifier {
    private let reader: RecordReader
    private let classifier: RecordClassifier
    /// The counts so far.
    public private(set) var statistics = Statistics()
    private var letterCount = 0

    /// Opens an input and reads its header.
    ///
    /// - Parameters:
    ///   - path: a CSV file, or `-` for standard input.
    ///   - delimiter: `;` or `,`; `nil` detects it from the header.
    ///   - schedule: the wave and print dates.
    ///   - observer: sees every byte of the input as it is read (a run hashes the input
    ///     with it, and keeps standard input to read it twice).
    /// - Throws: ``InputError`` when the file cannot be read or its header is
    ///   unusable (a missing required column, two columns for one field, …).
    ///   Bad records are not errors: they come back as ``Outcome/rejected(_:)``.
    public init(path: String, delimiter: Character? = nil, schedule: WaveSchedule,
                observer: ((UnsafeRawBufferPointer) -> Void)? = nil) throws(InputError) {
        reader = try RecordReader(path: path, delimiter: delimiter?.asciiValue, observer: observer)
        classifier = RecordClassifier(header: reader.header, file: reader.file, schedule: schedule)
    }

    /// Classifies every record that gets a letter as a paper letter, with the paper
    /// checks (address present, postal code, address block): what `fallback` needs.
    var paperForAll: Bool {
        get { classifier.paperForAll }
        set { classifier.paperForAll = newValue }
    }

    /// The CPR number of the record ``next()`` classified last, when it had a valid one.
    var lastRecordCPR: CPR? { classifier.lastCPR }

    /// The input's name for messages.
    public var file: String { reader.file }

    /// Bytes of input read so far.
    public var bytesRead: Int { reader.bytesRead }

    /// The delimiter in use, detected or given.
    public var delimiter: Character { Character(Unicode.Scalar(reader.delimiter)) }

    /// Classifies the next record.
    ///
    /// - Returns: its outcome, or `nil` at the end of the input.
    /// - Throws: ``InputError`` `not_utf8` or `unreadable`: the input cannot be read on.
    public func next() throws(InputError) -> Outcome? {
        guard let record = try reader.next() else { return nil }
        switch classify(record) {
        case .letter(let group, let channel, let language, let date):
            guard let cpr = classifier.lastCPR else { return nil }
            let recipient = classifier.recipient(of: record, cpr: cpr, channel: channel, language: language)
            let letter = Letter(sequence: letterCount - 1, line: record.line, recipient: recipient,
                                group: group, channel: channel, date: date)
            return .letter(letter)
        case .skipped(let status):
            guard let cpr = classifier.lastCPR else { return nil }
            return .skipped(SkippedRecord(line: record.line, reason: Self.skipReason(status), cpr: cpr))
        case .rejected(let error):
            return .rejected(error)
        }
    }

    /// Classifies the rest of the input without building letters: the fast path of `stats`.
    ///
    /// - Parameters:
    ///   - progressEvery: call `progress` after this many records.
    ///   - progress: told the statistics so far and the bytes read.
    ///   - onRejected: told every rejection, in input order.
    ///   - onSkipped: told every skipped record, in input order.
    /// - Returns: the statistics of the whole input.
    /// - Throws: ``InputError`` `not_utf8` or `unreadable`.
    public func tally(progressEvery: Int = 65_536,
                      progress: (Statistics, Int) -> Void = { _, _ in },
                      onRejected: (ClassificationError) -> Void = { _ in },
                      onSkipped: (SkippedRecord) -> Void = { _ in }) throws(InputError) -> Statistics {
        var sinceProgress = 0
        while let record = try reader.next() {
            switch classify(record) {
            case .rejected(let error):
                onRejected(error)
            case .skipped(let status):
                if let cpr = classifier.lastCPR {
                    onSkipped(SkippedRecord(line: record.line, reason: Self.skipReason(status), cpr: cpr))
                }
            case .letter:
                break
            }
            sinceProgress += 1
            if sinceProgress == progressEvery {
                sinceProgress = 0
                progress(statistics, reader.bytesRead)
            }
        }
        return statistics
    }

    /// `status_05` for status 5.
    static func skipReason(_ status: Int) -> String {
        "status_\(status < 10 ? "0" : "")\(status)"
    }

    private func classify(_ record: CSVRecord) -> Verdict {
        let verdict = classifier.classify(record)
        switch verdict {
        case .letter(let group, let channel, let language, let date):
            statistics.addLetter(group: group, channel: channel, language: language, date: date)
            letterCount += 1
        case .skipped(let status):
            statistics.addSkipped(status: status)
        case .rejected(let error):
            statistics.addRejected(error.code)
        }
        if classifier.lastFailsModulus11 {
            statistics.addModulus11Warning()
        }
        return verdict
    }
}
