internal import PostbatchKit

/// Makes synthetic input CSVs for samples, tests and benchmarks, deterministic by seed.
///
/// Every CPR number it writes is synthetic: record `i` gets a distinct number from a
/// bijection of `i`, with a real date of birth (1920–2019) and a century digit that
/// fits it. Names and addresses are drawn from small lists of invented ones.
///
/// Defective records carry exactly one defect each, spread over the thirteen reject
/// reasons of SPEC §2, so that a test knows what to expect. Valid records include the
/// edge cases of the rules: names written with combining accents (up to 130 characters
/// after NFC), long names whose middle names a paper address shortens, streets that pack
/// into two lines, whitespace runs that collapse:
///
/// ```swift
/// var generator = SampleGenerator(options: .init(count: 1_000, seed: 7, defectRate: 0.1))
/// let csv = generator.csv()
/// ```
public struct SampleGenerator: Sendable {
    /// How the generated file looks.
    public struct Options: Sendable {
        public enum HeaderStyle: String, CaseIterable, Sendable {
            /// `personnummer;navn;…`
            case danish
            /// `cpr,name,…`
            case english
            /// A mix of canonical names and aliases, upper and lower case, padded.
            case mixed
        }
        public var count: Int
        public var seed: UInt64
        /// Share of records with one defect, 0…1.
        public var defectRate: Double
        public var headerStyle: HeaderStyle
        public var delimiter: Character
        public var byteOrderMark: Bool
        public var crlf: Bool

        public init(count: Int, seed: UInt64 = 1, defectRate: Double = 0.05, headerStyle: HeaderStyle = .danish,
                    delimiter: Character = ";", byteOrderMark: Bool = false, crlf: Bool = false) {
            self.count = count
            self.seed = seed
            self.defectRate = defectRate
            self.headerStyle = headerStyle
            self.delimiter = delimiter
            self.byteOrderMark = byteOrderMark
            self.crlf = crlf
        }
    }

    public let options: Options
    private var random: SplitMix64
    private var index = 0
    private var lastCleanCPR: String?
    private let columns: [Column]

    private enum Column: CaseIterable {
        case cpr, name, coName, street, postalCode, city, country, status, protected, bank, update, keyApp, exempt,
             language, note

        /// The input field of the column; `note` is a column the input does not know.
        var field: Field? {
            switch self {
            case .cpr: .cpr
            case .name: .name
            case .coName: .coName
            case .street: .street
            case .postalCode: .postalCode
            case .city: .city
            case .country: .country
            case .status: .cprStatus
            case .protected: .addressProtected
            case .bank: .hasOnlineBanking
            case .update: .needsIDUpdate
            case .keyApp: .hasKeyApp
            case .exempt: .digitalPostExempt
            case .language: .language
            case .note: nil
            }
        }
    }

    public init(options: Options) {
        self.options = options
        random = SplitMix64(seed: options.seed)
        var columns = Column.allCases
        // Column order is free: shuffle it by seed (CPR and name stay early, as exports have them).
        var shuffler = SplitMix64(seed: options.seed ^ 0x5EED)
        for position in stride(from: columns.count - 1, to: 2, by: -1) {
            let other = 2 + Int(shuffler.next() % UInt64(position - 1))
            columns.swapAt(position, other)
        }
        self.columns = columns
    }

    /// The whole file as one string; for small counts (tests, samples).
    public mutating func csv() -> String {
        var out = options.byteOrderMark ? "\u{FEFF}" : ""
        out += headerLine()
        while let line = nextLine() { out += line }
        return out
    }

    private var lineEnd: String { options.crlf ? "\r\n" : "\n" }

    /// The header line, with its line end.
    public func headerLine() -> String {
        columns.map { headerName($0) }.joined(separator: String(options.delimiter)) + lineEnd
    }

    private func headerName(_ column: Column) -> String {
        // The input's own names: the canonical (English) one and the last, Danish, alias.
        let (danish, english) = column.field.map { ($0.columnNames.last ?? $0.canonicalName, $0.canonicalName) }
            ?? ("bemaerkning", "note")
        switch options.headerStyle {
        case .danish: return danish
        case .english: return english
        case .mixed:
            let pick = (Column.allCases.firstIndex(of: column) ?? 0) % 3
            return pick == 0 ? " \(danish.uppercased()) " : pick == 1 ? english.prefix(1).uppercased() + english.dropFirst() : danish
        }
    }

    /// The next record line with its line end, or `nil` after `count` records.
    public mutating func nextLine() -> String? {
        guard index < options.count else { return nil }
        defer { index += 1 }
        return record(index)
    }

    private enum Defect: CaseIterable {
        case malformedRow, invalidCPR, invalidCPRDate, missingName, invalidName, invalidBoolean, invalidStatus,
             invalidLanguage, invalidCountry, duplicateCPR, missingAddress, invalidPostalCode, addressTooLong
    }

    /// Names that show nothing to a reader (`missing_name`).
    private static let blankNames = ["", "   ", "\u{00A0}", "\u{200B}\u{FEFF}", "\u{0301}\u{0308}", " \u{2060}\u{00A0}",
                                     "\u{2028}", "\u{200C}\u{200D}"]
    /// Long names with middle names: a paper address shortens them to fit 34 characters.
    private static let longNames = ["Hans Christian Maximilian Frederik Jensen", "Leif Tobias Kristensen-Østergaard Holm",
                                    "Anna Sofie Margrethe Birgitte Ærenlund", "Jóannes Rasmus Højgaard Patursson Poulsen"]
    /// Streets that need two lines in a paper address, or collapse to one.
    private static let longStreets = ["Friedrich-Ebert-Straße 117a, Hinterhaus, 3. OG",
                                      "Kongens  Lyngby Hovedgade 143B,\t4. sal, dør 12 tv",
                                      "Den Gamle Landevej 7, Ejendommen Skovly, 2. th"]

    private static let firstNames = ["Søren", "Anna", "Mette", "Lars", "Jens", "Kirsten", "Ærling", "Åse", "Mohammed",
                                     "Fatima", "Niels", "Birgitte", "Oluf", "Ida", "Freja", "William", "Noah", "Emma",
                                     "Zoë", "Bjørn", "Maja", "Hans Christian", "Karen", "Ülkü"]
    private static let lastNames = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
                                    "Sørensen", "Rasmussen", "Jørgensen", "Østergaard", "Ærenlund", "Kristiansen",
                                    "Møller", "O'Brien", "Smith", "Kaur", "Nguyen", "Holm-Åkesson", "Madsen"]
    private static let streets = ["Vestergade", "Nørregade", "Østerbrogade", "Åboulevard", "Algade", "Møllevej",
                                  "Kongens Nytorv", "Strandvejen", "H.C. Andersens Boulevard", "Skovvej"]
    private static let danishTowns = [("1620", "København V"), ("8000", "Aarhus C"), ("5000", "Odense C"),
                                      ("9000", "Aalborg"), ("6700", "Esbjerg"), ("2800", "Kongens Lyngby"),
                                      ("4000", "Roskilde"), ("7100", "Vejle")]
    private static let foreign = [("GL", "3900", "Nuuk"), ("FO", "100", "Tórshavn"), ("DE", "24937", "Flensburg"),
                                  ("SE", "211 22", "Malmö"), ("NO", "0150", "Oslo"), ("GB", "SW1A 1AA", "London")]

    private mutating func chance(_ probability: Double) -> Bool {
        Double(random.next() % 1_000_000) < probability * 1_000_000
    }

    private mutating func pick<T>(_ values: [T]) -> T {
        values[Int(random.next() % UInt64(values.count))]
    }

    /// A distinct synthetic CPR number for record `i`.
    public static func cpr(for index: Int, hyphen: Bool) -> String {
        // A bijection of [0, 146 000 000): 36 500 days × 4 000 serials.
        let space: UInt64 = 146_000_000
        let k = (UInt64(index) &* 1_000_003 &+ 12_345) % space
        let dayIndex = Int(k % 36_500)
        let serial = Int(k / 36_500)
        let date = CalendarDate(year: 1920, month: 1, day: 1)?.adding(days: dayIndex)
            ?? CalendarDate(daysSinceEpoch: 0)
        let yy = date.year % 100
        let centuryDigits = date.year < 2000 ? [0, 1, 2, 3] : [4, 5, 6, 7]
        let seventh = centuryDigits[serial / 1000]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        let rest = serial % 1000
        let tail = "\(seventh)" + (rest < 10 ? "00" : rest < 100 ? "0" : "") + String(rest)
        return two(date.day) + two(date.month) + two(yy) + (hyphen ? "-" : "") + tail
    }

    private mutating func record(_ index: Int) -> String {
        let defect: Defect? = chance(options.defectRate) ? pick(Defect.allCases) : nil
        var draft = cleanDraft(index)
        if let defect { apply(defect, to: &draft) }
        if defect == nil, !draft.cpr.isEmpty { lastCleanCPR = draft.cpr }

        let values: [Column: String] = [
            .cpr: draft.cpr, .name: draft.name, .coName: draft.coName, .street: draft.street,
            .postalCode: draft.postal, .city: draft.city, .country: draft.country, .status: draft.status,
            .protected: draft.protectedFlag, .bank: draft.bankValue, .update: draft.updateValue,
            .keyApp: draft.keyAppValue, .exempt: draft.exemptValue, .language: draft.language,
            .note: chance(0.02) ? "ring \"efter\" kl. 10;\nbagdør" : (chance(0.1) ? "  fri tekst  " : ""),
        ]
        var fields = columns.map { quoteIfNeeded(values[$0] ?? "") }
        if draft.dropField { fields.removeLast() }
        if draft.extraField { fields.append("ekstra") }
        return fields.joined(separator: String(options.delimiter)) + lineEnd
    }

    /// One record's fields as text, as the generator builds them.
    private struct Draft {
        var cpr, name, coName, street, postal, city, country, status: String
        var protectedFlag, bankValue, updateValue, keyAppValue, exemptValue, language: String
        var dropField = false
        var extraField = false
    }

    /// The fields of one record as the people in a real register would have them: a mix of
    /// spellings, optional fields and addresses, before any defect.
    private mutating func cleanDraft(_ index: Int) -> Draft {
        let cpr = Self.cpr(for: index, hyphen: chance(0.3))
        let first = pick(Self.firstNames)
        var name = "\(first) \(pick(Self.lastNames))"
        if chance(0.05) { name = "\(pick(Self.lastNames)), \(first)" }   // needs quoting when the delimiter is ','
        if chance(0.02) { name = pick(Self.longNames) }
        // Combining accents: 2 code points per letter as read, 1 after NFC.
        if chance(0.004) { name = Self.decomposed(count: chance(0.5) ? 130 : 40) }
        var status = chance(0.92) ? "01" : pick(["03", "05", "07", "20", "80", "10", "30", "50", "60", "70", "90", "85"])
        if chance(0.3), status == "01" { status = "" }   // empty: defaults to 01
        let exempt = chance(0.04)
        let bank = chance(0.75)
        let update = chance(0.25)
        let keyApp = update ? chance(0.6) : chance(0.5)
        let language = chance(0.1) ? pick(["en", "EN"]) : pick(["da", "", "DA"])
        var country = ""
        var street = "\(pick(Self.streets)) \(1 + random.next() % 120)"
        if chance(0.3) { street += ", \(random.next() % 5). \(pick(["tv", "th", "mf"]))" }
        if chance(0.03) { street = pick(Self.longStreets) }
        var (postal, city) = pick(Self.danishTowns)
        if exempt, chance(0.25) {
            let place = pick(Self.foreign)
            country = place.0 == "GL" && chance(0.5) ? "Grønland" : place.0 == "FO" && chance(0.5) ? "Færøerne" : place.0
            postal = place.1
            city = place.2
        } else if chance(0.1) {
            country = pick(["DK", "dk", "Danmark"])
        }
        let yes = { (flag: Bool, random: inout SplitMix64) -> String in
            let words = flag ? ["1", "true", "yes", "y", "ja", "j", "x", "Ja", "TRUE"] : ["0", "false", "no", "n", "nej", "Nej"]
            return words[Int(random.next() % UInt64(words.count))]
        }
        let protectedFlag = chance(0.02) ? yes(true, &random) : (chance(0.5) ? "" : yes(false, &random))
        let bankValue = yes(bank, &random)
        let updateValue = yes(update, &random)
        let keyAppValue = chance(0.2) ? (keyApp ? yes(true, &random) : "") : yes(keyApp, &random)
        let exemptValue = exempt ? yes(true, &random) : (chance(0.6) ? "" : yes(false, &random))
        var coName = chance(0.05) ? "c/o \(pick(Self.firstNames)) \(pick(Self.lastNames))" : ""
        if chance(0.01) { coName = pick(["Dødsbo efter Karen B. Jensen", "C/O Familien Schmidt", "Kommunen"]) }
        return Draft(cpr: cpr, name: name, coName: coName, street: street, postal: postal, city: city,
                     country: country, status: status, protectedFlag: protectedFlag, bankValue: bankValue,
                     updateValue: updateValue, keyAppValue: keyAppValue, exemptValue: exemptValue,
                     language: language)
    }

    /// Gives a draft the defect that makes it rejected for one reason of SPEC §2.
    private mutating func apply(_ defect: Defect, to draft: inout Draft) {
        switch defect {
        case .malformedRow: if chance(0.5) { draft.dropField = true } else { draft.extraField = true }
        case .invalidCPR: draft.cpr = pick([String(draft.cpr.prefix(9)), "12345X7890", "", "0101-901234", draft.cpr + "1"])
        case .invalidCPRDate: draft.cpr = pick(["3201901234", "0013901234", "2902011234", "310490-1234"])
        case .missingName: draft.name = pick(Self.blankNames)
        case .invalidName:
            draft.name = pick([String(repeating: "Å", count: 131), "Anna\tJensen", Self.decomposed(count: 131)])
        case .invalidBoolean:
            if chance(0.5) { draft.bankValue = pick(["maybe", "2", "sand", ""]) } else { draft.protectedFlag = "perhaps" }
        case .invalidStatus: draft.status = pick(["1", "x1", "001", "AB"])
        case .invalidLanguage: draft.language = pick(["de", "dansk", "english", "fr"])
        case .invalidCountry: draft.country = pick(["XX", "Deutschland", "DNK", "Denmark"])
        case .duplicateCPR:
            if let earlier = lastCleanCPR {
                draft.cpr = earlier.contains("-") ? earlier.replacingHyphen() : String(earlier.prefix(6)) + "-" + earlier.suffix(4)
            } else {
                draft.cpr = "bad"   // the very first record cannot be a duplicate: make it invalid_cpr
            }
        case .missingAddress:
            draft.status = "01"; draft.exemptValue = "ja"; draft.country = ""
            (draft.postal, draft.city) = pick(Self.danishTowns)
            if chance(0.5) { draft.street = "" } else { draft.postal = "" }
        case .invalidPostalCode:
            draft.status = "01"; draft.exemptValue = "ja"; draft.country = "DK"
            draft.postal = pick(["12345", "12A4", "123"])
        case .addressTooLong:
            draft.status = "01"; draft.exemptValue = "ja"
            switch random.next() % 4 {
            case 0:   // a c/o line of 38 characters
                draft.country = ""; (draft.postal, draft.city) = pick(Self.danishTowns)
                draft.coName = "Dødsbo efter Karen Birgitte Jensen"
            case 1:   // a street part of 52 characters
                draft.country = "DK"; (draft.postal, draft.city) = pick(Self.danishTowns)
                draft.street = "Den Gamle Landevej ved Kongens Lyngby Hovedgade 143B, 4. sal"
            case 2:   // seven lines: name, c/o, three street lines, postal line, country
                draft.country = "DE"; draft.postal = "24937"; draft.city = "Flensburg"; draft.coName = "c/o Familien Schmidt"
                draft.street = "Friedrich-Ebert-Straße 117a, Hinterhaus links, Aufgang B, 3. Obergeschoss"
            default:  // a two-word name of 43 characters: no middle name to shorten
                draft.country = ""; (draft.postal, draft.city) = pick(Self.danishTowns)
                draft.name = "Maximiliane Ærenlund-Østergaard-Løvenskiold"
            }
        }
    }

    /// A name of `count` characters after NFC (spaces included) whose letters are written
    /// with combining rings (`A` + U+030A), so it has nearly twice as many code points as
    /// read: a first and a last name of 5 letters and 7 middle names, so that a paper
    /// address can shorten it to 32 characters.
    private static func decomposed(count: Int) -> String {
        let middleLetters = max(7, count - 10 - 8)
        var words = [5]
        for index in 0..<7 { words.append(middleLetters / 7 + (index < middleLetters % 7 ? 1 : 0)) }
        words.append(5)
        return words.map { String(repeating: "A\u{030A}", count: $0) }.joined(separator: " ")
    }

    /// The field as CSV, quoted when it must be, and now and then when it need not be.
    private mutating func quoteIfNeeded(_ value: String) -> String {
        let needs = CSVText.needsQuotes(value, delimiter: options.delimiter)
        guard needs || (chance(0.02) && !value.isEmpty) else { return value }
        return CSVText.quoted(value)
    }
}

private extension String {
    func replacingHyphen() -> String { filter { $0 != "-" } }
}

/// A small, fast, deterministic generator (Steele, Lea and Flood's SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
