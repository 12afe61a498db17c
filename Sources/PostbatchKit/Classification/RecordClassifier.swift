internal import Foundation

/// The classifier's decision for a record that gets a letter: enough to count it,
/// and to build the ``Letter`` when one is wanted.
struct LetterDecision: Sendable {
    let group: LetterGroup
    let channel: Channel
    let language: Language
    let date: CalendarDate
    let cpr: CPR
}

/// Checks every field of every record and decides its outcome (SPEC §2).
///
/// Stateful, because the outcome depends on earlier records: the first valid
/// record with a CPR number takes it (later ones are `duplicate_cpr`), and the
/// n-th digital letter goes to wave `n mod waves`. Feed records in input order.
///
/// Duplicate detection stores one 32-bit key per accepted record (the CPR
/// number packed as day-of-year-and-century index × 10 000 + serial), not strings.
///
/// Not thread-safe: one classifier per input.
final class RecordClassifier {
    private let header: Header
    private let file: String
    private let schedule: WaveSchedule
    private var seen = Set<UInt32>()
    private var digitalCount = 0

    /// The CPR statuses that get a letter: 01 03 05 07 20 80.
    static let sendingStatuses: Set<Int> = [1, 3, 5, 7, 20, 80]

    /// ``sendingStatuses`` as bits, for the per-record test.
    private static let sendingMask: UInt128 = sendingStatuses.reduce(0) { $0 | (1 << UInt128($1)) }

    /// The longest name accepted, in Unicode scalars.
    static let maximumNameLength = 130

    // Columns, looked up once.
    private let cprColumn: Int
    private let nameColumn: Int
    private let statusColumn: Int?
    private let languageColumn: Int?
    private let countryColumn: Int?
    private let exemptColumn: Int?
    private let bankColumn: Int
    private let updateColumn: Int
    private let keyAppColumn: Int?
    private let booleanColumns: [(field: Field, column: Int, required: Bool)]

    /// Treat every record that would get a letter as a paper letter, with the paper
    /// checks of SPEC §2: for `fallback`, which sends NOT_ALLOWED letters on paper.
    var paperForAll = false

    init(header: Header, file: String, schedule: WaveSchedule) {
        self.header = header
        self.file = file
        self.schedule = schedule
        // Required columns exist: Header checked them.
        cprColumn = header.column(of: .cpr) ?? 0
        nameColumn = header.column(of: .name) ?? 0
        bankColumn = header.column(of: .hasOnlineBanking) ?? 0
        updateColumn = header.column(of: .needsIDUpdate) ?? 0
        statusColumn = header.column(of: .cprStatus)
        languageColumn = header.column(of: .language)
        countryColumn = header.column(of: .country)
        exemptColumn = header.column(of: .digitalPostExempt)
        keyAppColumn = header.column(of: .hasKeyApp)
        booleanColumns = [Field.addressProtected, .hasOnlineBanking, .needsIDUpdate, .hasKeyApp, .digitalPostExempt]
            .compactMap { field in header.column(of: field).map { (field, $0, field.isRequired) } }
    }

    private func rejection(_ code: ClassificationError.Code, _ record: CSVRecord, _ field: Field?,
                           _ detail: String) -> ClassificationError {
        ClassificationError(code: code, file: file, line: record.line,
                            field: field.map { header.columnName(of: $0) }, detail: detail)
    }

    /// Decides the outcome of the next record: the checks of SPEC §2 in its order, the
    /// first that fails gives the reject reason.
    func classify(_ record: CSVRecord) -> RecordOutcome<LetterDecision> {
        let cpr: CPR
        do throws(ClassificationError) {
            try checkShape(of: record)
            cpr = try parseCPR(of: record)
        } catch {
            return .rejected(error)
        }
        do throws(ClassificationError) {
            return try decide(record, cpr: cpr)
        } catch {
            var error = error
            error.cpr = cpr
            return .rejected(error)
        }
    }

    /// The checks after the CPR number's (SPEC §2, reasons 4–13), then the decision.
    private func decide(_ record: CSVRecord, cpr: CPR) throws(ClassificationError) -> RecordOutcome<LetterDecision> {
        try checkName(of: record)
        let flags = try parseFlags(of: record)
        let status = try parseStatus(of: record)
        let language = try parseLanguage(of: record)
        let country = try parseCountry(of: record)

        // 10. duplicate_cpr
        let key = Self.duplicateKey(cpr)
        if seen.contains(key) {
            throw rejection(.duplicateCPR, record, .cpr,
                            "\(cpr) was already taken by an earlier record; expected each person once")
        }

        // 11–13. missing_address, invalid_postal_code, address_too_long: only for would-be paper letters.
        let sends = Self.sendingMask & (1 << UInt128(status)) != 0
        let exempt = flags.contains(.digitalPostExempt) || paperForAll
        if sends && exempt {
            try checkAddress(of: record, country: country)
        }

        // Not rejected: the record takes its number.
        seen.insert(key)
        guard sends else {
            return .skipped(SkippedRecord(line: record.line, status: status, cpr: cpr))
        }
        let group = LetterGroup(needsIDUpdate: flags.contains(.needsIDUpdate), hasKeyApp: flags.contains(.hasKeyApp),
                                hasOnlineBanking: flags.contains(.hasOnlineBanking))
        if exempt {
            return .letter(LetterDecision(group: group, channel: .print, language: language,
                                          date: schedule.printDay, cpr: cpr))
        }
        let date = schedule.digitalDate(forDigitalIndex: digitalCount)
        digitalCount += 1
        return .letter(LetterDecision(group: group, channel: .digital, language: language, date: date, cpr: cpr))
    }

    /// 1. malformed_row
    private func checkShape(of record: CSVRecord) throws(ClassificationError) {
        if record.isOversized {
            throw rejection(.malformedRow, record, nil,
                            "the record is longer than \(CSVReader.maximumRecordBytes) bytes or has more than \(header.columnCount) fields; expected \(header.columnCount) fields")
        }
        if record.isUnterminated {
            throw rejection(.malformedRow, record, nil,
                            "a quoted field is not closed before the end of the input; expected a closing '\"'")
        }
        if record.fieldCount != header.columnCount {
            throw rejection(.malformedRow, record, nil,
                            "expected \(header.columnCount) fields as in the header, found \(record.fieldCount)")
        }
    }

    /// 2–3. invalid_cpr, invalid_cpr_date
    private func parseCPR(of record: CSVRecord) throws(ClassificationError) -> CPR {
        switch CPR.parse(record.field(cprColumn)) {
        case .success(let value):
            return value
        case .failure(.notTenDigits(let found)):
            let others = record.field(cprColumn).count > found ? " and other characters" : ""
            throw rejection(.invalidCPR, record, .cpr,
                            "expected 10 digits (DDMMYYSSSS, one '-' allowed after the 6th), found \(found) digit\(found == 1 ? "" : "s")\(others)")
        case .failure(.noSuchDate(let masked)):
            throw rejection(.invalidCPRDate, record, .cpr,
                            "\(masked) is not a real date of birth; expected DDMMYY of an existing day (the 7th digit gives the century)")
        }
    }

    /// 4–5. missing_name, invalid_name
    private func checkName(of record: CSVRecord) throws(ClassificationError) {
        let name = record.field(nameColumn)
        if name.isEmpty {
            throw rejection(.missingName, record, .name, "is empty; expected the recipient's name")
        }
        if Self.isBlank(name) {
            throw rejection(.missingName, record, .name,
                            "holds only spaces, zero-width or combining characters; expected a name a reader can see")
        }
        if let problem = Self.nameProblem(name) {
            throw rejection(.invalidName, record, .name, problem)
        }
    }

    /// The yes/no fields that hold yes.
    private struct Flags {
        var bits: UInt32 = 0
        func contains(_ field: Field) -> Bool { bits & (1 << UInt32(field.rawValue)) != 0 }
        mutating func insert(_ field: Field) { bits |= 1 << UInt32(field.rawValue) }
    }

    /// 6. invalid_boolean, every yes/no field
    private func parseFlags(of record: CSVRecord) throws(ClassificationError) -> Flags {
        var flags = Flags()
        for (field, column, required) in booleanColumns {
            let value = record.field(column)
            if value.isEmpty {
                if required {
                    throw rejection(.invalidBoolean, record, field,
                                    "is empty; expected yes or no (1 true yes y ja j x / 0 false no n nej)")
                }
                continue
            }
            guard let flag = Self.boolean(value) else {
                throw rejection(.invalidBoolean, record, field,
                                "expected yes or no (1 true yes y ja j x / 0 false no n nej), found \(Self.shown(value))")
            }
            if flag { flags.insert(field) }
        }
        return flags
    }

    /// 7. invalid_status; an absent or empty status is 01.
    private func parseStatus(of record: CSVRecord) throws(ClassificationError) -> Int {
        guard let statusColumn, case let value = record.field(statusColumn), !value.isEmpty else { return 1 }
        guard value.count == 2, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw rejection(.invalidStatus, record, .cprStatus, "expected 2 digits, like 01, found \(Self.shown(value))")
        }
        return Int(value[0] - 0x30) * 10 + Int(value[1] - 0x30)
    }

    /// 8. invalid_language; an absent or empty language is Danish.
    private func parseLanguage(of record: CSVRecord) throws(ClassificationError) -> Language {
        guard let languageColumn, case let value = record.field(languageColumn), !value.isEmpty else { return .da }
        guard let parsed = Self.language(value) else {
            throw rejection(.invalidLanguage, record, .language, "expected da or en, found \(Self.shown(value))")
        }
        return parsed
    }

    /// 9. invalid_country; an absent column is Denmark.
    private func parseCountry(of record: CSVRecord) throws(ClassificationError) -> String {
        guard let countryColumn else { return "DK" }
        let value = record.field(countryColumn)
        guard let code = Country.code(for: value) else {
            throw rejection(.invalidCountry, record, .country,
                            "expected an ISO 3166 alpha-2 code (DK, GL, FO, DE, …) or Danmark, Grønland, Færøerne, found \(Self.shown(value))")
        }
        return code
    }

    /// 11–13. missing_address, invalid_postal_code, address_too_long
    private func checkAddress(of record: CSVRecord, country: String) throws(ClassificationError) {
        for field in [Field.street, .postalCode, .city] {
            guard let column = header.column(of: field), !record.field(column).isEmpty else {
                throw rejection(.missingAddress, record, field,
                                "is empty; a paper letter needs street, postal code and city")
            }
        }
        let postalCode = record.field(header.column(of: .postalCode) ?? 0)
        let digits: Int? = switch country {
        case "DK", "GL": 4
        case "FO": 3
        default: nil
        }
        if let digits, postalCode.count != digits || !postalCode.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            throw rejection(.invalidPostalCode, record, .postalCode,
                            "expected \(digits) digits for \(country), found \(postalCode.count) character\(postalCode.count == 1 ? "" : "s")")
        }
        // The block the letter and the envelope will print: it must fit, nothing is cut.
        func text(_ field: Field) -> String {
            header.column(of: field).map { record.string($0) } ?? ""
        }
        let address = PostalAddress(street: text(.street), postalCode: text(.postalCode), city: text(.city),
                                    countryCode: country)
        if case .failure(let overflow) = AddressBlock.build(name: text(.name), coName: text(.coName), address: address) {
            throw rejection(.addressTooLong, record, overflow.field, overflow.detail)
        }
    }

    /// Builds the recipient of a record that got a letter.
    func recipient(of record: CSVRecord, cpr: CPR, channel: Channel, language: Language) -> Recipient {
        func optional(_ field: Field) -> String? {
            guard let column = header.column(of: field) else { return nil }
            let value = record.string(column)
            return value.isEmpty ? nil : value
        }
        var address: PostalAddress?
        if channel == .print {
            let country = countryColumn.flatMap { Country.code(for: record.field($0)) } ?? "DK"
            address = PostalAddress(street: optional(.street) ?? "", postalCode: optional(.postalCode) ?? "",
                                    city: optional(.city) ?? "", countryCode: country)
        }
        let protected = header.column(of: .addressProtected).flatMap { Self.boolean(record.field($0)) } ?? false
        return Recipient(cpr: cpr, name: record.string(nameColumn), coName: optional(.coName), address: address,
                         addressProtected: protected, language: language)
    }

    // MARK: - Field rules

    /// The 32-bit duplicate key: (((day−1)·12 + month−1)·100 + YY)·10 000 + serial.
    ///
    /// Only called for valid CPR numbers (real day and month), where the key is
    /// unique and below 372 000 000, so it fits 32 bits: half the memory of a
    /// 64-bit key and a tenth of a string.
    static func duplicateKey(_ cpr: CPR) -> UInt32 {
        let ddmmyy = cpr.key / 10_000
        let serial = cpr.key % 10_000
        let day = ddmmyy / 10_000
        let month = (ddmmyy / 100) % 100
        let year = ddmmyy % 100
        let dateIndex = ((day &- 1) &* 12 &+ (month &- 1)) &* 100 &+ year
        return UInt32(truncatingIfNeeded: dateIndex &* 10_000 &+ serial)
    }

    /// Whether a non-empty name shows nothing to a reader (SPEC §2 `missing_name`): only
    /// whitespace (no-break space included), zero-width characters (U+200B–U+200D, U+2060,
    /// U+FEFF) and combining marks.
    static func isBlank(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        var ascii = true
        for byte in name {
            if byte >= 0x80 { ascii = false; continue }
            // A visible ASCII character: not blank.
            if byte > 0x20 && byte != 0x7F { return false }
            if !(byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)) { return false }
        }
        if ascii { return true }
        return String(decoding: name, as: UTF8.self).unicodeScalars.allSatisfy(isInvisible)
    }

    /// A character that prints as nothing on its own: whitespace, a zero-width character
    /// or a combining mark.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B...0x200D, 0x2060, 0xFEFF: return true
        default: break
        }
        if scalar.properties.isWhitespace { return true }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// The length of a name as SPEC §2 counts it: Unicode code points after NFC.
    ///
    /// - Parameter scalars: the number of code points as read, counted by the caller.
    static func nfcLength(_ name: UnsafeBufferPointer<UInt8>, scalars: Int, ascii: Bool) -> Int {
        // ASCII is NFC already; short names cannot pass the limit (NFC at most triples a scalar).
        if ascii || scalars * 3 <= maximumNameLength { return scalars }
        return String(decoding: name, as: UTF8.self).precomposedStringWithCanonicalMapping.unicodeScalars.count
    }

    /// Why a non-empty name is invalid, or `nil` if it is fine.
    static func nameProblem(_ name: UnsafeBufferPointer<UInt8>) -> String? {
        var scalars = 0
        var ascii = true
        var previous: UInt8 = 0
        for byte in name {
            if byte >= 0x80 { ascii = false }
            if byte & 0xC0 != 0x80 { scalars += 1 }
            if byte < 0x20 || byte == 0x7F {
                return "holds a control character (U+\(hex(byte))) at character \(scalars); expected printable text"
            }
            if previous == 0xC2, byte >= 0x80, byte <= 0x9F {
                return "holds a control character (U+\(hex(byte))) at character \(scalars); expected printable text"
            }
            previous = byte
        }
        if scalars > maximumNameLength || !ascii {
            let length = nfcLength(name, scalars: scalars, ascii: ascii)
            if length > maximumNameLength {
                return "is \(length) characters long (counted after NFC); expected at most \(maximumNameLength)"
            }
        }
        return nil
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "00" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
    }

    /// A yes/no word, case-insensitive: `1 true yes y ja j x` / `0 false no n nej`.
    static func boolean(_ value: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard value.count <= 5 else { return nil }
        var word: UInt64 = 0
        for byte in value {
            guard byte < 0x80 else { return nil }
            let lower = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
            word = word << 8 | UInt64(lower)
        }
        switch word {
        case packed("1"), packed("true"), packed("yes"), packed("y"), packed("ja"), packed("j"), packed("x"):
            return true
        case packed("0"), packed("false"), packed("no"), packed("n"), packed("nej"):
            return false
        default:
            return nil
        }
    }

    private static func packed(_ text: StaticString) -> UInt64 {
        var word: UInt64 = 0
        text.withUTF8Buffer { for byte in $0 { word = word << 8 | UInt64(byte) } }
        return word
    }

    /// `da` or `en`, case-insensitive.
    static func language(_ value: UnsafeBufferPointer<UInt8>) -> Language? {
        guard value.count == 2 else { return nil }
        let first = value[0] | 0x20
        let second = value[1] | 0x20
        switch (first, second) {
        case (UInt8(ascii: "d"), UInt8(ascii: "a")): return .da
        case (UInt8(ascii: "e"), UInt8(ascii: "n")): return .en
        default: return nil
        }
    }

    /// A found value as it may appear in a reject detail: quoted and cut short,
    /// or only its length when it looks like it could hold a CPR number.
    static func shown(_ value: UnsafeBufferPointer<UInt8>) -> String {
        let digits = value.reduce(0) { $0 + (($1 >= 0x30 && $1 <= 0x39) ? 1 : 0) }
        if digits >= 6 {
            return "a value of \(value.count) characters"
        }
        var text = ""
        for scalar in String(decoding: value, as: UTF8.self).unicodeScalars.prefix(24) {
            text += scalar.properties.generalCategory == .control
                ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }
        return "'\(text)\(value.count > 24 ? "…" : "")'"
    }
}
