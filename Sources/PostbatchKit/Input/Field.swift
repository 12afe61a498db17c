/// A field of the input record, with the column names that map to it (SPEC §1).
public enum Field: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case cpr
    case name
    case coName
    case street
    case postalCode
    case city
    case country
    case cprStatus
    case addressProtected
    case hasOnlineBanking
    case needsIDUpdate
    case hasKeyApp
    case digitalPostExempt
    case language

    /// The canonical column name: `cpr_status`.
    public var canonicalName: String {
        switch self {
        case .cpr: "cpr"
        case .name: "name"
        case .coName: "co_name"
        case .street: "street"
        case .postalCode: "postal_code"
        case .city: "city"
        case .country: "country"
        case .cprStatus: "cpr_status"
        case .addressProtected: "address_protected"
        case .hasOnlineBanking: "has_online_banking"
        case .needsIDUpdate: "needs_id_update"
        case .hasKeyApp: "has_key_app"
        case .digitalPostExempt: "digital_post_exempt"
        case .language: "language"
        }
    }

    /// Every accepted column name, canonical first and the Danish one last, all lower case.
    public var columnNames: [String] {
        switch self {
        case .cpr: ["cpr", "pnr", "cpr_nr", "personnummer"]
        case .name: ["name", "navn"]
        case .coName: ["co_name", "co", "co_navn"]
        case .street: ["street", "address", "adresse"]
        case .postalCode: ["postal_code", "postnr"]
        case .city: ["city", "by", "postdistrikt"]
        case .country: ["country", "land"]
        case .cprStatus: ["cpr_status", "status"]
        case .addressProtected: ["address_protected", "adressebeskyttet"]
        case .hasOnlineBanking: ["has_online_banking", "netbank", "har_netbank"]
        case .needsIDUpdate: ["needs_id_update", "skal_opdatere_id"]
        case .hasKeyApp: ["has_key_app", "noegleapp", "har_noegleapp"]
        case .digitalPostExempt: ["digital_post_exempt", "fritaget", "fritaget_digital_post"]
        case .language: ["language", "sprog"]
        }
    }

    /// Whether the header must have a column for this field.
    public var isRequired: Bool {
        switch self {
        case .cpr, .name, .hasOnlineBanking, .needsIDUpdate: true
        default: false
        }
    }

    /// The field a header column names, matched case-insensitively after trimming.
    public init?(columnName: String) {
        let key = columnName.trimmingASCIIWhitespace().lowercased()
        guard let field = Field.allCases.first(where: { $0.columnNames.contains(key) }) else { return nil }
        self = field
    }

    public var description: String { canonicalName }
}

extension String {
    /// The string without leading and trailing ASCII white space (space, tab, CR, LF, VT, FF).
    func trimmingASCIIWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isASCIIWhitespace }),
              let last = scalars.lastIndex(where: { !$0.isASCIIWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}

extension Unicode.Scalar {
    var isASCIIWhitespace: Bool {
        value == 0x20 || (0x09...0x0D).contains(value)
    }
}
