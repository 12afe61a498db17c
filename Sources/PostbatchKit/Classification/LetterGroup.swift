/// One of the five letter variants of the campaign (SPEC §2).
///
/// The group follows from three answers: does the person need to update their
/// ID information, do they have the NemID key app, and do they have online banking.
public enum LetterGroup: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// No ID update needed, has online banking: wait for the bank.
    case bank = 1
    /// ID update needed, has the key app, has online banking.
    case bankUpdate = 2
    /// No ID update needed, no online banking: get MitID at MitID.dk.
    case mitidDK = 3
    /// ID update needed, has the key app, no online banking.
    case mitidDKUpdate = 4
    /// ID update needed, no key app: visit a citizen service centre.
    case citizenService = 5

    /// The group a person belongs to.
    public init(needsIDUpdate: Bool, hasKeyApp: Bool, hasOnlineBanking: Bool) {
        switch (needsIDUpdate, hasKeyApp, hasOnlineBanking) {
        case (false, _, true): self = .bank
        case (true, true, true): self = .bankUpdate
        case (false, _, false): self = .mitidDK
        case (true, true, false): self = .mitidDKUpdate
        case (true, false, _): self = .citizenService
        }
    }

    /// Finds a group by its number (`"3"`) or slug (`"mitid-dk"`).
    public init?(argument: String) {
        let text = argument.lowercased()
        guard let group = LetterGroup.allCases.first(where: { String($0.rawValue) == text || $0.slug == text })
        else { return nil }
        self = group
    }

    /// The group's stable name in file names, templates and reports: `bank-update`.
    public var slug: String {
        switch self {
        case .bank: "bank"
        case .bankUpdate: "bank-update"
        case .mitidDK: "mitid-dk"
        case .mitidDKUpdate: "mitid-dk-update"
        case .citizenService: "citizen-service"
        }
    }

    public var description: String { slug }
}
