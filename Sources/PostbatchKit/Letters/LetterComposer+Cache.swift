internal import Synchronization

/// Which template renderings can be shared between letters, and the shared ones.
///
/// Filling a template and reading its markup is most of the cost of composing a
/// letter. When a group's body does not use the recipient's name, c/o line or
/// address (found at load by filling it twice with different people), its blocks
/// depend only on group, language, channel and date: they are made once and shared.
///
/// A body that does use them is filled once per group, language, channel, date and
/// shape of the personal values (c/o line or not, number of address lines) with a
/// placeholder character for each value: a ``BodySkeleton``. A letter's body is the
/// skeleton with its values put in, which is what filling the template gives whenever
/// the values are plain text (see ``BodySkeleton/fill(_:)``); otherwise the letter's
/// template is filled as before.
final class BodyCache: Sendable {
    typealias Key = TemplateVariant

    struct DatedKey: Hashable, Sendable {
        let key: Key
        let date: CalendarDate
    }

    /// What a skeleton depends on besides group, language, channel and date.
    struct SkeletonKey: Hashable, Sendable {
        let dated: DatedKey
        let hasCareOf: Bool
        let addressLines: Int
    }

    /// Bodies that do not depend on the person.
    let impersonal: Set<Key>
    private let bodies = Mutex<[DatedKey: [LetterBlock]]>([:])
    private let skeletons = Mutex<[SkeletonKey: BodySkeleton]>([:])

    init(impersonal: Set<Key>) {
        self.impersonal = impersonal
    }

    /// The shared body, made by `make` the first time.
    func blocks(for key: Key, date: CalendarDate,
                make: () throws(LetterError) -> [LetterBlock]) throws(LetterError) -> [LetterBlock] {
        let dated = DatedKey(key: key, date: date)
        if let blocks = bodies.withLock({ $0[dated] }) { return blocks }
        let blocks = try make()
        bodies.withLock { $0[dated] = blocks }
        return blocks
    }

    /// The skeleton of a personal body, made by `make` the first time.
    func skeleton(for key: SkeletonKey,
                  make: () throws(LetterError) -> BodySkeleton) throws(LetterError) -> BodySkeleton {
        if let skeleton = skeletons.withLock({ $0[key] }) { return skeleton }
        let skeleton = try make()
        skeletons.withLock { $0[key] = skeleton }
        return skeleton
    }
}

/// A personal body filled with a placeholder for each personal value.
///
/// The placeholders are characters of Unicode's private use plane 15 (U+F0000 and on):
/// the name, the c/o line, then each address line. Blocks without one are shared as they
/// are, so the fast path finds them among its compiled blocks.
struct BodySkeleton: Sendable {
    /// The first placeholder.
    static let firstPlaceholder: UInt32 = 0xF0000
    /// The blocks with placeholders.
    let blocks: [LetterBlock]
    /// Which blocks hold a placeholder.
    let personal: [Bool]

    init(blocks: [LetterBlock]) {
        self.blocks = blocks
        personal = blocks.map { block in
            block.runs.contains { run in run.text.unicodeScalars.contains { Self.isPlaceholder($0) } }
        }
    }

    /// The placeholder of the `index`-th value.
    static func placeholder(_ index: Int) -> String {
        String(Character(Unicode.Scalar(firstPlaceholder + UInt32(index)) ?? " "))
    }

    static func isPlaceholder(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= firstPlaceholder && scalar.value < firstPlaceholder + 0x100
    }

    /// The body with the values put in, or nil when filling the template could give
    /// something else: a value that is empty, starts or ends with a space (the markup
    /// trims lines and ends paragraphs at blank lines), or holds a placeholder character.
    ///
    /// - Parameter values: the values as the letter prints them (``LetterMarkup/literal(_:)``),
    ///   in placeholder order.
    func fill(_ values: [String]) -> [LetterBlock]? {
        for value in values {
            guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last,
                  first != " ", last != " ", !value.unicodeScalars.contains(where: Self.isPlaceholder)
            else { return nil }
        }
        var filled = blocks
        for index in blocks.indices where personal[index] {
            let runs = blocks[index].runs.map { run in LetterRun(Self.replace(run.text, values), bold: run.bold) }
            switch blocks[index] {
            case .title: filled[index] = .title(runs)
            case .heading: filled[index] = .heading(runs)
            case .paragraph: filled[index] = .paragraph(runs)
            case .bullet: filled[index] = .bullet(runs)
            }
        }
        return filled
    }

    private static func replace(_ text: String, _ values: [String]) -> String {
        // The text between placeholders is copied as UTF-8 a stretch at a time (not a
        // character at a time, and not through `String` slicing, which rounds to characters).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + values.reduce(0) { $0 + $1.utf8.count })
        let scalars = text.unicodeScalars
        var copied = scalars.startIndex
        for index in scalars.indices where isPlaceholder(scalars[index]) {
            bytes += text.utf8[copied..<index]
            let value = Int(scalars[index].value - firstPlaceholder)
            if value < values.count { bytes += values[value].utf8 }
            copied = scalars.index(after: index)
        }
        bytes += text.utf8[copied...]
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension LetterComposer {
    /// Finds the group bodies that read nothing of the recipient.
    static func impersonalBodies(campaign: Campaign,
                                 render: (LetterGroup, Language, TemplateValues) throws(LetterError) -> [LetterBlock])
        throws(LetterError) -> Set<BodyCache.Key> {
        var keys = Set<BodyCache.Key>()
        let date = campaign.firstDay
        for variant in TemplateVariant.all {
            func values(_ name: String, _ co: String?, _ lines: [String]) -> TemplateValues {
                TemplateValues(name: name, coName: co, addressLines: variant.channel == .print ? lines : [],
                               date: date, language: variant.language, group: variant.group,
                               channel: variant.channel, campaign: campaign, abroad: variant.abroad)
            }
            let first = try render(variant.group, variant.language,
                                   values("Anna Probe", "c/o Første", ["Vej 1", "1000 By"]))
            let second = try render(variant.group, variant.language,
                                    values("Bo Prøve", nil, ["Gade 2", "2000 Sted", "NORGE"]))
            if first == second {
                keys.insert(variant)
            }
        }
        return keys
    }
}
