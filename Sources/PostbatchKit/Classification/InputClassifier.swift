/// A record that gets no letter because of its CPR status.
public struct SkippedRecord: Sendable, CustomStringConvertible {
    /// The line where the record starts.
    public let line: Int
    /// The CPR status: the two status digits as a number.
    public let status: Int
    /// The person's CPR number; shown masked.
    public let cpr: CPR

    /// `status_XX`: the reason in skipped lists and reports.
    public var reason: String { Self.reason(status: status) }

    /// `status_05` for status 5.
    static func reason(status: Int) -> String { "status_\(DecimalText.padded(status, width: 2))" }

    public var description: String { "line \(line): \(reason) (\(cpr))" }
}

/// What happens to one input record (SPEC §2): a letter, a skip, or a rejection.
///
/// The classifier decides with ``LetterDecision`` (cheap: `stats` counts millions of
/// records a second); ``InputClassifier`` hands out ``Outcome``, with the whole ``Letter``.
public enum RecordOutcome<Accepted: Sendable>: Sendable {
    /// A letter goes out.
    case letter(Accepted)
    /// Valid, but the CPR status sends nothing.
    case skipped(SkippedRecord)
    /// Invalid: the first reason of SPEC §2 that applies.
    case rejected(ClassificationError)
}

extension RecordOutcome<LetterDecision> {
    /// The CPR number of a record that was not rejected.
    fileprivate var acceptedCPR: CPR? {
        switch self {
        case .letter(let decision): decision.cpr
        case .skipped(let skipped): skipped.cpr
        case .rejected: nil
        }
    }
}

/// The outcome of one input record, with its letter.
public typealias Outcome = RecordOutcome<Letter>

extension RecordOutcome where Accepted == Letter {
    /// The record's CPR number when it had a valid one: every outcome but a rejection
    /// for `malformed_row`, `invalid_cpr` or `invalid_cpr_date`.
    package var cpr: CPR? {
        switch self {
        case .letter(let letter): letter.recipient.cpr
        case .skipped(let skipped): skipped.cpr
        case .rejected(let error): error.cpr
        }
    }

    /// The input line where the record starts.
    public var line: Int {
        switch self {
        case .letter(let letter): letter.line
        case .skipped(let skipped): skipped.line
        case .rejected(let error): error.line
        }
    }
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

    /// Opens an input that a signal may stop while it waits on standard input: when
    /// `shouldStop` says so, the input ends early (the caller checks why).
    package init(path: String, delimiter: Character?, schedule: WaveSchedule,
                 observer: ((UnsafeRawBufferPointer) -> Void)?, shouldStop: @escaping () -> Bool) throws(InputError) {
        reader = try RecordReader(path: path, delimiter: delimiter?.asciiValue, observer: observer, shouldStop: shouldStop)
        classifier = RecordClassifier(header: reader.header, file: reader.file, schedule: schedule)
    }

    /// Classifies `bytes` held in memory, read in pieces of `readSizes` (cycled), so a
    /// chunk boundary can fall at any byte: for the fuzz target and tests.
    package init(bytes: [UInt8], name: String, readSizes: [Int], delimiter: Character? = nil,
                 schedule: WaveSchedule) throws(InputError) {
        reader = try RecordReader(source: ByteSource(bytes: bytes, name: name, readSizes: readSizes),
                                  delimiter: delimiter?.asciiValue)
        classifier = RecordClassifier(header: reader.header, file: reader.file, schedule: schedule)
    }

    /// The longest name a letter can carry (SPEC §2), for checks outside the library.
    package static var maximumNameLength: Int { RecordClassifier.maximumNameLength }

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
        try nextFingerprinted()?.outcome
    }

    /// Classifies the next record, with the fingerprint of its bytes (see ``CSVRecord/fingerprint``).
    ///
    /// - Returns: its outcome and fingerprint, or `nil` at the end of the input.
    /// - Throws: ``InputError`` `not_utf8` or `unreadable`: the input cannot be read on.
    package func nextFingerprinted() throws(InputError) -> (outcome: Outcome, fingerprint: UInt64)? {
        guard let record = try reader.next() else { return nil }
        return (outcome(of: record), record.fingerprint)
    }

    private func outcome(of record: CSVRecord) -> Outcome {
        switch classify(record) {
        case .letter(let decision):
            let recipient = classifier.recipient(of: record, cpr: decision.cpr, channel: decision.channel,
                                                 language: decision.language)
            let letter = Letter(sequence: letterCount - 1, line: record.line, recipient: recipient,
                                group: decision.group, channel: decision.channel, date: decision.date)
            return .letter(letter)
        case .skipped(let skipped):
            return .skipped(skipped)
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
            case .skipped(let skipped):
                onSkipped(skipped)
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

    private func classify(_ record: CSVRecord) -> RecordOutcome<LetterDecision> {
        let verdict = classifier.classify(record)
        switch verdict {
        case .letter(let decision):
            statistics.addLetter(group: decision.group, channel: decision.channel, language: decision.language,
                                 date: decision.date)
            letterCount += 1
        case .skipped(let skipped):
            statistics.addSkipped(status: skipped.status)
        case .rejected(let error):
            statistics.addRejected(error.code)
        }
        if record.endLine > record.line {
            statistics.addMultilineRecord(lines: record.line...record.endLine)
        }
        if let cpr = verdict.acceptedCPR, !cpr.passesModulus11 {
            statistics.addModulus11Warning()
        }
        return verdict
    }
}
