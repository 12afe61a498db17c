/// Why a record is rejected: one of the thirteen reasons of SPEC §2, with where and what.
///
/// A rejection is a value, not a failure of the run: the record goes to the reject
/// list and the run goes on. The ``code`` strings never change; they appear in
/// `rejects.csv`, in reports and in tests.
///
/// The ``detail`` names the field and what was expected; it never holds a full CPR
/// number, a name or an address.
public struct ClassificationError: Error, Sendable, CustomStringConvertible {
    /// A reject reason. Ordered as SPEC §2 lists them: when several apply, the
    /// first one is reported.
    public struct Code: Hashable, Comparable, Sendable, CustomStringConvertible {
        fileprivate enum Storage: Int, CaseIterable {
            case malformedRow, invalidCPR, invalidCPRDate, missingName, invalidName, invalidBoolean,
                 invalidStatus, invalidLanguage, invalidCountry, duplicateCPR, missingAddress,
                 invalidPostalCode, addressTooLong

            var name: String {
                switch self {
                case .malformedRow: "malformed_row"
                case .invalidCPR: "invalid_cpr"
                case .invalidCPRDate: "invalid_cpr_date"
                case .missingName: "missing_name"
                case .invalidName: "invalid_name"
                case .invalidBoolean: "invalid_boolean"
                case .invalidStatus: "invalid_status"
                case .invalidLanguage: "invalid_language"
                case .invalidCountry: "invalid_country"
                case .duplicateCPR: "duplicate_cpr"
                case .missingAddress: "missing_address"
                case .invalidPostalCode: "invalid_postal_code"
                case .addressTooLong: "address_too_long"
                }
            }
        }
        fileprivate let storage: Storage

        /// The field count differs from the header's (or the record is broken: an
        /// unterminated quote, or longer than any real record).
        public static var malformedRow: Self { .init(storage: .malformedRow) }
        /// The CPR field is not 10 digits (one `-` after the 6th allowed).
        public static var invalidCPR: Self { .init(storage: .invalidCPR) }
        /// The CPR number names a day that does not exist.
        public static var invalidCPRDate: Self { .init(storage: .invalidCPRDate) }
        /// The name is empty, or shows nothing: only spaces, zero-width or combining characters.
        public static var missingName: Self { .init(storage: .missingName) }
        /// The name is longer than 130 characters after NFC or holds a control character.
        public static var invalidName: Self { .init(storage: .invalidName) }
        /// A yes/no field holds something else, or a required one is empty.
        public static var invalidBoolean: Self { .init(storage: .invalidBoolean) }
        /// The CPR status is not two digits.
        public static var invalidStatus: Self { .init(storage: .invalidStatus) }
        /// The language is neither `da` nor `en`.
        public static var invalidLanguage: Self { .init(storage: .invalidLanguage) }
        /// The country is neither an ISO 3166 alpha-2 code nor Danmark, Grønland, Færøerne.
        public static var invalidCountry: Self { .init(storage: .invalidCountry) }
        /// The same CPR number was taken by an earlier record of the input.
        public static var duplicateCPR: Self { .init(storage: .duplicateCPR) }
        /// A paper letter lacks its street, postal code or city.
        public static var missingAddress: Self { .init(storage: .missingAddress) }
        /// A paper letter's postal code has the wrong form for its country.
        public static var invalidPostalCode: Self { .init(storage: .invalidPostalCode) }
        /// A paper letter's address block needs more than 6 lines or a line over 34 characters.
        public static var addressTooLong: Self { .init(storage: .addressTooLong) }

        /// All thirteen, in SPEC order.
        public static var allCases: [Code] { Storage.allCases.map { Code(storage: $0) } }

        /// Finds a reason by its name (`invalid_cpr`).
        public init?(name: String) {
            guard let storage = Storage.allCases.first(where: { $0.name == name }) else { return nil }
            self.storage = storage
        }

        fileprivate init(storage: Storage) {
            self.storage = storage
        }

        public var description: String { storage.name }

        /// The position in SPEC order, 0…12.
        var index: Int { storage.rawValue }

        public static func < (lhs: Code, rhs: Code) -> Bool {
            lhs.storage.rawValue < rhs.storage.rawValue
        }
    }

    /// The reject reason.
    public let code: Code
    /// The input's name.
    public let file: String
    /// The line where the record starts.
    public let line: Int
    /// The column at fault as the header names it, if one is.
    public let field: String?
    /// What was found and what was expected.
    public let detail: String
    /// The record's CPR number when it had a valid one (every reason after
    /// `invalid_cpr_date`): for matching a rejected record to a letter, never shown.
    package var cpr: CPR?

    /// A rejection of the record starting at `line`; `detail` must hold no personal data.
    public init(code: Code, file: String, line: Int, field: String?, detail: String) {
        self.code = code
        self.file = file
        self.line = line
        self.field = field
        self.detail = detail
    }

    /// The detail with the field named: `field 'cpr': expected 10 digits, found 9`.
    public var fieldDetail: String {
        "\(field.map { "field '\($0)': " } ?? "")\(detail)"
    }

    public var description: String {
        "\(file):\(line): \(fieldDetail) [\(code)]"
    }
}
