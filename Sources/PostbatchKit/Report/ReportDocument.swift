internal import Foundation

/// The JSON document of SPEC §5, as `stats --format json` prints it and `report.json`
/// holds it: the one type through which the report is read back.
///
/// ``Statistics/json(shard:)`` writes it with keys in SPEC order; `verify` decodes it
/// with `JSONDecoder` into this type, and a test checks that the two agree for every
/// report the writer can make.
public struct ReportDocument: Codable, Sendable, Equatable {
    /// Letters by group, channel, language and date.
    public struct Letters: Codable, Sendable, Equatable {
        public var total: Int
        public var byGroup: [String: Int]
        public var byChannel: [String: Int]
        public var byGroupChannel: [String: [String: Int]]
        public var byLanguage: [String: Int]
        public var byDate: [String: Int]

        enum CodingKeys: String, CodingKey {
            case total
            case byGroup = "by_group"
            case byChannel = "by_channel"
            case byGroupChannel = "by_group_channel"
            case byLanguage = "by_language"
            case byDate = "by_date"
        }
    }

    /// Skipped or rejected records by reason.
    public struct Tally: Codable, Sendable, Equatable {
        public var total: Int
        public var byReason: [String: Int]

        enum CodingKeys: String, CodingKey {
            case total
            case byReason = "by_reason"
        }
    }

    /// Warnings that do not change an outcome.
    public struct Warnings: Codable, Sendable, Equatable {
        public var cprNoMod11: Int

        enum CodingKeys: String, CodingKey {
            case cprNoMod11 = "cpr_no_mod11"
        }
    }

    /// A shard spool's own letters.
    public struct ShardSection: Codable, Sendable, Equatable {
        public var index: Int
        public var count: Int
        public var letters: Letters
    }

    public var records: Int
    public var letters: Letters
    public var skipped: Tally
    public var rejected: Tally
    public var warnings: Warnings
    /// Present in a shard's spool only.
    public var shard: ShardSection?
    /// Things a person should look at that are not counts (quoted fields over several lines);
    /// absent when there are none.
    public var notes: [String]?

    /// The document the writer makes of these statistics.
    public init(statistics: Statistics, shard: ShardReport? = nil, includingNotes: Bool = false) {
        records = statistics.records
        letters = Letters(statistics)
        skipped = Tally(total: statistics.totalSkipped,
                        byReason: Dictionary(uniqueKeysWithValues: statistics.skippedByReason.map { ($0.reason, $0.count) }))
        rejected = Tally(total: statistics.totalRejected,
                         byReason: Dictionary(uniqueKeysWithValues: statistics.rejectedByReason.map { ("\($0.reason)", $0.count) }))
        warnings = Warnings(cprNoMod11: statistics.modulus11Warnings)
        notes = includingNotes && !statistics.notes.isEmpty ? statistics.notes : nil
        self.shard = shard.map { ShardSection(index: $0.index, count: $0.count, letters: Letters($0.letters)) }
    }

    /// The letters this spool holds: the shard's own in a shard spool, else all of them.
    public var spoolLetters: Letters { shard?.letters ?? letters }

    /// Sums that must hold in any report, each as a sentence naming what differs; empty
    /// when the report is consistent.
    public var inconsistencies: [String] {
        var found: [String] = []
        func check(_ name: String, _ parts: Int, equals whole: Int) {
            if parts != whole { found.append("\(name) add up to \(parts), not \(whole)") }
        }
        check("letters + skipped + rejected", letters.total + skipped.total + rejected.total, equals: records)
        check("skipped.by_reason", skipped.byReason.values.reduce(0, +), equals: skipped.total)
        check("rejected.by_reason", rejected.byReason.values.reduce(0, +), equals: rejected.total)
        for (name, part) in [("letters", letters)] + (shard.map { [("shard.letters", $0.letters)] } ?? []) {
            check("\(name).by_group", part.byGroup.values.reduce(0, +), equals: part.total)
            check("\(name).by_channel", part.byChannel.values.reduce(0, +), equals: part.total)
            check("\(name).by_language", part.byLanguage.values.reduce(0, +), equals: part.total)
            check("\(name).by_date", part.byDate.values.reduce(0, +), equals: part.total)
            for (group, channels) in part.byGroupChannel {
                check("\(name).by_group_channel.\(group)", channels.values.reduce(0, +), equals: part.byGroup[group] ?? 0)
            }
        }
        return found
    }
}

extension ReportDocument.Letters {
    init(_ statistics: Statistics) {
        total = statistics.totalLetters
        byGroup = Dictionary(uniqueKeysWithValues: LetterGroup.allCases.map { ("\($0.rawValue)", statistics.letters(group: $0)) })
        byChannel = Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0.rawValue, statistics.letters(channel: $0)) })
        byGroupChannel = Dictionary(uniqueKeysWithValues: LetterGroup.allCases.map { group in
            ("\(group.rawValue)", Dictionary(uniqueKeysWithValues: Channel.allCases.map {
                ($0.rawValue, statistics.letters(group: group, channel: $0))
            }))
        })
        byLanguage = Dictionary(uniqueKeysWithValues: Language.allCases.map { ($0.rawValue, statistics.letters(language: $0)) })
        byDate = Dictionary(uniqueKeysWithValues: statistics.lettersByDate.map { ($0.date.iso, $0.count) })
    }
}

extension ReportDocument.Letters {
    /// `total`, `by_group.1`, `by_group_channel.1.digital`, …: every count under one dotted key.
    public var flattened: [String: Int] {
        var keys: [String: Int] = ["total": total]
        for (key, value) in byGroup { keys["by_group.\(key)"] = value }
        for (key, value) in byChannel { keys["by_channel.\(key)"] = value }
        for (group, channels) in byGroupChannel {
            for (channel, value) in channels { keys["by_group_channel.\(group).\(channel)"] = value }
        }
        for (key, value) in byLanguage { keys["by_language.\(key)"] = value }
        for (key, value) in byDate { keys["by_date.\(key)"] = value }
        return keys
    }
}

extension ReportDocument {
    /// What a decoding error says, in a line: which key is missing or of the wrong kind.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "no \(parent.isEmpty ? "" : parent + ".")\(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) is not a count"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "\(path(context)) is not valid"
        @unknown default:
            return "not JSON"
        }
    }
}
