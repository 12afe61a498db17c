/// The counts of a run or a `stats` pass (SPEC §5).
///
/// Built record by record; every input record lands in exactly one of letters,
/// skipped and rejected, so `records == letters + skipped + rejected` always holds
/// (``isConserved``). Counters are flat arrays, not dictionaries: this is on the
/// path of every record.
public struct Statistics: Sendable, Equatable {
    /// Every record read (blank lines are not records).
    public private(set) var records = 0
    /// Letters by `(group − 1) · 2 + channel`.
    private var groupChannel = [Int](repeating: 0, count: LetterGroup.allCases.count * Channel.allCases.count)
    private var languages = [Int](repeating: 0, count: Language.allCases.count)
    /// Letters per date, in first-seen order (a handful of dates: linear search wins).
    private var dates: [(date: CalendarDate, count: Int)] = []
    /// Skipped records by the two status digits as a number, 0…99.
    private var skippedByStatus = [Int](repeating: 0, count: 100)
    private var rejected = [Int](repeating: 0, count: ClassificationError.Code.allCases.count)
    /// Records, not rejected, whose CPR number fails the modulus-11 check.
    public private(set) var modulus11Warnings = 0
    /// Records with a quoted field that spans several lines (legal in RFC 4180, but one
    /// stray `"` makes many records one field): how many, and the first line ranges.
    public private(set) var multilineRecords = 0
    /// The first ``maximumNotedRanges`` of them, as `first...last` input lines.
    public private(set) var multilineRanges: [ClosedRange<Int>] = []
    /// How many line ranges the statistics keep (the count goes on).
    public static let maximumNotedRanges = 100

    /// No records yet.
    public init() {}

    private static func slot(_ group: LetterGroup, _ channel: Channel) -> Int {
        (group.rawValue - 1) * 2 + (channel == .digital ? 0 : 1)
    }

    mutating func addLetter(group: LetterGroup, channel: Channel, language: Language, date: CalendarDate) {
        records += 1
        groupChannel[Self.slot(group, channel)] += 1
        languages[language == .da ? 0 : 1] += 1
        if let index = dates.firstIndex(where: { $0.date == date }) {
            dates[index].count += 1
        } else {
            dates.append((date, 1))
        }
    }

    /// - Parameter status: the two status digits.
    mutating func addSkipped(status: Int) {
        records += 1
        skippedByStatus[status] += 1
    }

    mutating func addRejected(_ code: ClassificationError.Code) {
        records += 1
        rejected[code.index] += 1
    }

    mutating func addMultilineRecord(lines: ClosedRange<Int>) {
        multilineRecords += 1
        if multilineRanges.count < Self.maximumNotedRanges { multilineRanges.append(lines) }
    }

    /// One sentence per noted range, for people and `report.json`'s `notes`.
    public var notes: [String] {
        var notes = multilineRanges.map { range in
            "lines \(range.lowerBound)–\(range.upperBound): one quoted field spans \(range.count) lines; check for a stray '\"' (RFC 4180 allows line breaks in quotes)"
        }
        if multilineRecords > multilineRanges.count {
            notes.append("and \(multilineRecords - multilineRanges.count) more records with a quoted field over several lines")
        }
        return notes
    }

    mutating func addModulus11Warning() {
        modulus11Warnings += 1
    }

    // MARK: - Reading the counts

    /// Letters of a group on a channel.
    public func letters(group: LetterGroup, channel: Channel) -> Int {
        groupChannel[Self.slot(group, channel)]
    }

    /// Letters of a group, both channels.
    public func letters(group: LetterGroup) -> Int {
        Channel.allCases.reduce(0) { $0 + letters(group: group, channel: $1) }
    }

    /// Letters on a channel, all groups.
    public func letters(channel: Channel) -> Int {
        LetterGroup.allCases.reduce(0) { $0 + letters(group: $1, channel: channel) }
    }

    /// Letters in a language.
    public func letters(language: Language) -> Int {
        languages[language == .da ? 0 : 1]
    }

    /// Letters per date, in date order, only dates that have letters.
    public var lettersByDate: [(date: CalendarDate, count: Int)] {
        dates.sorted { $0.date < $1.date }
    }

    /// Skipped records per reason (`status_90`), in reason order, only reasons that occur.
    public var skippedByReason: [(reason: String, count: Int)] {
        skippedByStatus.indices.filter { skippedByStatus[$0] > 0 }.map { status in
            (SkippedRecord.reason(status: status), skippedByStatus[status])
        }
    }

    /// Rejected records per reason, in SPEC order, only reasons that occur.
    public var rejectedByReason: [(reason: ClassificationError.Code, count: Int)] {
        ClassificationError.Code.allCases.filter { rejected[$0.index] > 0 }.map { ($0, rejected[$0.index]) }
    }

    /// Records rejected for one reason.
    public func rejected(_ code: ClassificationError.Code) -> Int {
        rejected[code.index]
    }

    /// Letters, digital and print.
    public var totalLetters: Int { groupChannel.reduce(0, +) }
    /// Records skipped for their CPR status.
    public var totalSkipped: Int { skippedByStatus.reduce(0, +) }
    /// Records rejected.
    public var totalRejected: Int { rejected.reduce(0, +) }

    /// Whether `records = digital + print + skipped + rejected`.
    public var isConserved: Bool {
        records == letters(channel: .digital) + letters(channel: .print) + totalSkipped + totalRejected
    }

    // MARK: - Equatable

    public static func == (lhs: Statistics, rhs: Statistics) -> Bool {
        lhs.records == rhs.records && lhs.groupChannel == rhs.groupChannel && lhs.languages == rhs.languages
            && lhs.lettersByDate.map(\.date) == rhs.lettersByDate.map(\.date)
            && lhs.lettersByDate.map(\.count) == rhs.lettersByDate.map(\.count)
            && lhs.skippedByStatus == rhs.skippedByStatus && lhs.rejected == rhs.rejected
            && lhs.modulus11Warnings == rhs.modulus11Warnings
    }
}
