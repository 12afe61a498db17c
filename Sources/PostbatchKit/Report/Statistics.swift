/// The counts of a run or a `stats` pass (SPEC §5).
///
/// Built record by record with ``add(_:)``-style methods; every input record
/// lands in exactly one of letters, skipped and rejected, so
/// `records == letters.total + skipped.total + rejected.total` always holds.
public struct Statistics: Sendable, Equatable {
    /// Every record read (blank lines are not records).
    public private(set) var records = 0
    /// Letters per group and channel: `[group][channel]`.
    public private(set) var lettersByGroupChannel: [LetterGroup: [Channel: Int]] = [:]
    public private(set) var lettersByLanguage: [Language: Int] = [:]
    public private(set) var lettersByDate: [CalendarDate: Int] = [:]
    /// Skipped records per reason, `status_90`.
    public private(set) var skippedByReason: [String: Int] = [:]
    public private(set) var rejectedByReason: [ClassificationError.Code: Int] = [:]
    /// Records, not rejected, whose CPR number fails the modulus-11 check.
    public private(set) var modulus11Warnings = 0

    public init() {}

    mutating func addLetter(group: LetterGroup, channel: Channel, language: Language, date: CalendarDate) {
        records += 1
        lettersByGroupChannel[group, default: [:]][channel, default: 0] += 1
        lettersByLanguage[language, default: 0] += 1
        lettersByDate[date, default: 0] += 1
    }

    mutating func addSkipped(status: String) {
        records += 1
        skippedByReason["status_\(status)", default: 0] += 1
    }

    mutating func addRejected(_ code: ClassificationError.Code) {
        records += 1
        rejectedByReason[code, default: 0] += 1
    }

    mutating func addModulus11Warning() {
        modulus11Warnings += 1
    }

    // MARK: - Totals

    public func letters(group: LetterGroup) -> Int {
        lettersByGroupChannel[group]?.values.reduce(0, +) ?? 0
    }

    public func letters(group: LetterGroup, channel: Channel) -> Int {
        lettersByGroupChannel[group]?[channel] ?? 0
    }

    public func letters(channel: Channel) -> Int {
        LetterGroup.allCases.reduce(0) { $0 + letters(group: $1, channel: channel) }
    }

    public var totalLetters: Int { Channel.allCases.reduce(0) { $0 + letters(channel: $1) } }
    public var totalSkipped: Int { skippedByReason.values.reduce(0, +) }
    public var totalRejected: Int { rejectedByReason.values.reduce(0, +) }

    /// Whether `records = digital + print + skipped + rejected`.
    public var isConserved: Bool {
        records == letters(channel: .digital) + letters(channel: .print) + totalSkipped + totalRejected
    }
}
