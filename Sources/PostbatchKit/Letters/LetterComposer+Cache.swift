internal import Synchronization

/// Which template renderings can be shared between letters, and the shared ones.
///
/// Filling a template and reading its markup is most of the cost of composing a
/// letter. When a group's body does not use the recipient's name, c/o line or
/// address (found at load by filling it twice with different people), its blocks
/// depend only on group, language, channel and date: they are made once and shared.
final class BodyCache: Sendable {
    struct Key: Hashable, Sendable {
        let group: LetterGroup
        let language: Language
        let channel: Channel
        /// A paper letter to an address outside Denmark and Greenland.
        let abroad: Bool
    }

    struct DatedKey: Hashable, Sendable {
        let key: Key
        let date: CalendarDate
    }

    /// Bodies that do not depend on the person.
    let impersonal: Set<Key>
    private let bodies = Mutex<[DatedKey: [LetterBlock]]>([:])

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
}

extension LetterComposer {
    /// Finds the group bodies that read nothing of the recipient.
    static func impersonalBodies(campaign: Campaign,
                                 render: (LetterGroup, Language, TemplateValues) throws(LetterError) -> [LetterBlock])
        throws(LetterError) -> Set<BodyCache.Key> {
        var keys = Set<BodyCache.Key>()
        let date = campaign.firstDay
        for language in Language.allCases {
            for group in LetterGroup.allCases {
                for channel in Channel.allCases {
                    for abroad in channel == .print ? [false, true] : [false] {
                        func values(_ name: String, _ co: String?, _ lines: [String]) -> TemplateValues {
                            TemplateValues(name: name, coName: co, addressLines: channel == .print ? lines : [],
                                           date: date, language: language, group: group, channel: channel,
                                           campaign: campaign, abroad: abroad)
                        }
                        let first = try render(group, language, values("Anna Probe", "c/o Første", ["Vej 1", "1000 By"]))
                        let second = try render(group, language, values("Bo Prøve", nil, ["Gade 2", "2000 Sted", "NORGE"]))
                        if first == second {
                            keys.insert(BodyCache.Key(group: group, language: language, channel: channel, abroad: abroad))
                        }
                    }
                }
            }
        }
        return keys
    }
}
