import Testing
@testable import PostbatchKit
import PostbatchTesting

@Suite("Record classification")
struct RecordClassifierTests {
    typealias Code = ClassificationError.Code

    @Test("each reject reason", arguments: [
        ("0707077077;Søren;;;;;;01;;ja", Code.malformedRow),
        (TestInput.row(cpr: "070707707"), .invalidCPR),
        (TestInput.row(cpr: "07070A7077"), .invalidCPR),
        (TestInput.row(cpr: ""), .invalidCPR),
        (TestInput.row(cpr: "3202077077"), .invalidCPRDate),
        (TestInput.row(name: ""), .missingName),
        (TestInput.row(name: "   "), .missingName),
        (TestInput.row(name: String(repeating: "Å", count: 131)), .invalidName),
        (TestInput.row(name: "Anna\tHansen"), .invalidName),
        (TestInput.row(name: "Anna\u{85}Hansen"), .invalidName),
        (TestInput.row(bank: "måske"), .invalidBoolean),
        (TestInput.row(bank: ""), .invalidBoolean),
        (TestInput.row(update: ""), .invalidBoolean),
        (TestInput.row(protected: "2"), .invalidBoolean),
        (TestInput.row(status: "1"), .invalidStatus),
        (TestInput.row(status: "0x"), .invalidStatus),
        (TestInput.row(status: "001"), .invalidStatus),
        (TestInput.row(language: "de"), .invalidLanguage),
        (TestInput.row(country: "XX"), .invalidCountry),
        (TestInput.row(country: "Denmark"), .invalidCountry),
        (TestInput.row(street: "", exempt: "ja"), .missingAddress),
        (TestInput.row(postal: "", exempt: "ja"), .missingAddress),
        (TestInput.row(city: "", exempt: "ja"), .missingAddress),
        (TestInput.row(postal: "16200", exempt: "ja"), .invalidPostalCode),
        (TestInput.row(postal: "162", country: "GL", exempt: "ja"), .invalidPostalCode),
        (TestInput.row(postal: "1000", country: "FO", exempt: "ja"), .invalidPostalCode),
        // Blank to a reader: no-break and zero-width spaces, a line separator, combining marks only.
        (TestInput.row(name: "\u{00A0}\u{00A0}"), .missingName),
        (TestInput.row(name: "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}"), .missingName),
        (TestInput.row(name: "\u{2028}\u{2029}"), .missingName),
        (TestInput.row(name: "\u{0301}\u{0308}\u{20DD}"), .missingName),
        // 131 characters after NFC, written with combining rings: 262 code points.
        (TestInput.row(name: String(repeating: "A\u{030A}", count: 131)), .invalidName),
        // The paper address block (SPEC §2): a 38-character c/o line, a 52-character street part,
        // seven lines, a two-word name of 43 characters, a 6,000-character street.
        (TestInput.row(co: "Dødsbo efter Karen Birgitte Jensen", exempt: "ja"), .addressTooLong),
        (TestInput.row(street: "Den Gamle Landevej ved Kongens Lyngby Hovedgade 143B, 4. sal", exempt: "ja"), .addressTooLong),
        (TestInput.row(co: "Familien Schmidt", street: "Friedrich-Ebert-Straße 117a, Hinterhaus links, Aufgang B, 3. Obergeschoss",
                       postal: "24937", city: "Flensburg", country: "DE", exempt: "ja"), .addressTooLong),
        (TestInput.row(name: "Maximiliane Ærenlund-Østergaard-Løvenskiold", exempt: "ja"), .addressTooLong),
        (TestInput.row(street: String(repeating: "Langgade", count: 750), exempt: "ja"), .addressTooLong),
        (TestInput.row(country: "TF", exempt: "ja"), .addressTooLong),   // the country line is 63 characters
    ])
    func rejectReason(row: String, code: Code) throws {
        let outcomes = try TestInput.outcomes(TestInput.csv(row))
        #expect(outcomes.map(\.rejectionCode) == [code])
    }

    @Test("a name of exactly 130 characters is fine, also when written with combining accents (260 code points)")
    func longestName() throws {
        for name in [String(repeating: "Ø", count: 130), String(repeating: "A\u{030A}", count: 130),
                     "\u{00A0}Anna\u{200B}"] {
            let outcomes = try TestInput.outcomes(TestInput.csv(TestInput.row(name: name)))
            #expect(outcomes.first?.letter != nil)
        }
    }

    @Test("address_too_long: paper only, after invalid_postal_code, the detail names the line and no address")
    func addressTooLong() throws {
        let co = "Dødsbo efter Karen Birgitte Jensen"
        // The same record as a digital letter is fine: the block is for paper.
        #expect(try TestInput.outcomes(TestInput.csv(TestInput.row(co: co))).first?.letter != nil)
        // A wrong postcode is reported first.
        #expect(try TestInput.outcomes(TestInput.csv(TestInput.row(co: co, postal: "162", exempt: "ja"))).first?.rejectionCode
                == .invalidPostalCode)
        // A skipped status sends nothing: no paper checks.
        #expect(try TestInput.outcomes(TestInput.csv(TestInput.row(co: co, status: "90", exempt: "ja"))).first?.skipReason
                == "status_90")
        let outcome = try #require(try TestInput.outcomes(TestInput.csv(TestInput.row(co: co, exempt: "ja"))).first)
        guard case .rejected(let error) = outcome else {
            Issue.record("expected a rejection")
            return
        }
        #expect(error.field == "co_name")
        #expect(error.detail.contains("line 2"))
        #expect(!error.detail.contains("Dødsbo") && !error.detail.contains("Vestergade") && !error.detail.contains("København"))
        // A long name with middle names is shortened, not rejected; whitespace runs collapse first.
        let long = TestInput.row(name: "Hans Christian Maximilian Frederik Jensen", co: "c/o  Karen\u{00A0}\u{00A0}Birgitte  Jensen",
                                 street: "Den Gamle Landevej 7,  Ejendommen Skovly, 2. th", exempt: "ja")
        #expect(try TestInput.outcomes(TestInput.csv(long)).first?.letter?.channel == .print)
    }

    @Test("when several reasons apply, the first in SPEC order is reported", arguments: [
        (TestInput.row(cpr: "12", name: ""), Code.invalidCPR),
        (TestInput.row(name: "", bank: "?"), .missingName),
        (TestInput.row(status: "x", bank: "?"), .invalidBoolean),
        (TestInput.row(status: "x", language: "fr"), .invalidStatus),
        (TestInput.row(country: "ZZ", language: "fr"), .invalidLanguage),
        (TestInput.row(street: "", country: "ZZ", exempt: "ja"), .invalidCountry),
        (TestInput.row(cpr: "3202077077", status: "90"), .invalidCPRDate),   // rejection comes before skipping
    ])
    func precedence(row: String, code: Code) throws {
        #expect(try TestInput.outcomes(TestInput.csv(row)).map(\.rejectionCode) == [code])
    }

    @Test("each boolean word", arguments: [
        ("1", true), ("true", true), ("yes", true), ("y", true), ("ja", true), ("j", true), ("x", true),
        ("TRUE", true), ("Ja", true), ("X", true), ("Yes", true),
        ("0", false), ("false", false), ("no", false), ("n", false), ("nej", false), ("NEJ", false), ("False", false),
    ])
    func booleanWords(word: String, value: Bool) throws {
        let letter = try #require(try TestInput.outcomes(TestInput.csv(TestInput.row(bank: word))).first?.letter)
        #expect(letter.group == (value ? .bank : .mitidDK))
    }

    @Test("words that are not booleans", arguments: ["2", "sand", "nope", "yess", "ja!", "jaa", "-", "øh"])
    func notBooleans(word: String) throws {
        #expect(try TestInput.outcomes(TestInput.csv(TestInput.row(keyApp: word))).first?.rejectionCode == .invalidBoolean)
    }

    @Test("an empty optional boolean is false")
    func emptyOptionalBoolean() throws {
        let letter = try #require(try TestInput.outcomes(TestInput.csv(TestInput.row(update: "ja", keyApp: ""))).first?.letter)
        #expect(letter.group == .citizenService)
    }

    @Test("the five groups", arguments: [
        (false, false, true, LetterGroup.bank), (false, true, true, .bank),
        (true, true, true, .bankUpdate),
        (false, false, false, .mitidDK), (false, true, false, .mitidDK),
        (true, true, false, .mitidDKUpdate),
        (true, false, true, .citizenService), (true, false, false, .citizenService),
    ])
    func groups(update: Bool, keyApp: Bool, bank: Bool, group: LetterGroup) throws {
        let row = TestInput.row(bank: bank ? "ja" : "nej", update: update ? "ja" : "nej", keyApp: keyApp ? "ja" : "nej")
        let letter = try #require(try TestInput.outcomes(TestInput.csv(row)).first?.letter)
        #expect(letter.group == group)
        #expect(LetterGroup(needsIDUpdate: update, hasKeyApp: keyApp, hasOnlineBanking: bank) == group)
    }

    @Test("statuses that send and statuses that skip", arguments: [
        ("01", nil), ("03", nil), ("05", nil), ("07", nil), ("20", nil), ("80", nil), ("", nil),
        ("10", "status_10"), ("30", "status_30"), ("50", "status_50"), ("60", "status_60"),
        ("70", "status_70"), ("90", "status_90"), ("02", "status_02"), ("99", "status_99"),
    ] as [(String, String?)])
    func statuses(status: String, skip: String?) throws {
        let outcome = try #require(try TestInput.outcomes(TestInput.csv(TestInput.row(status: status))).first)
        #expect(outcome.skipReason == skip)
        #expect((outcome.letter != nil) == (skip == nil))
    }

    @Test("exempt people get paper, with their address; others get digital")
    func channels() throws {
        let outcomes = try TestInput.outcomes(TestInput.csv(
            TestInput.row(co: "c/o Mette", exempt: "ja"), TestInput.row(cpr: "0101011234")))
        let paper = try #require(outcomes[0].letter)
        #expect(paper.channel == .print)
        #expect(paper.recipient.address == PostalAddress(street: "Vestergade 1", postalCode: "1620",
                                                         city: "København V", countryCode: "DK"))
        #expect(paper.recipient.coName == "c/o Mette")
        #expect(paper.date.iso == "2021-10-11")
        let digital = try #require(outcomes[1].letter)
        #expect(digital.channel == .digital)
        #expect(digital.recipient.address == nil)
    }

    @Test("the address is only required of would-be paper letters")
    func addressOnlyForPaper() throws {
        let outcomes = try TestInput.outcomes(TestInput.csv(
            TestInput.row(street: "", postal: "x", exempt: "nej"),
            TestInput.row(cpr: "0101011234", street: "", status: "90", exempt: "ja")))
        #expect(outcomes[0].letter?.channel == .digital)
        #expect(outcomes[1].skipReason == "status_90")
    }

    @Test("postal codes by country", arguments: [
        ("DK", "1620", true), ("Danmark", "1620", true), ("GL", "3900", true), ("Grønland", "3900", true),
        ("FO", "100", true), ("Færøerne", "100", true), ("FO", "1000", false), ("DE", "24937", true),
        ("GB", "SW1A 1AA", true), ("DK", "16 0", false),
    ])
    func postalCodes(country: String, postal: String, valid: Bool) throws {
        let outcome = try #require(try TestInput.outcomes(TestInput.csv(
            TestInput.row(postal: postal, country: country, exempt: "ja"))).first)
        #expect((outcome.letter != nil) == valid)
        if !valid { #expect(outcome.rejectionCode == .invalidPostalCode) }
    }

    @Test("countries", arguments: [("dk", "DK"), ("de", "DE"), ("GRØNLAND", "GL"), ("færøerne", "FO"), ("", "DK")])
    func countries(country: String, code: String) throws {
        let letter = try #require(try TestInput.outcomes(TestInput.csv(
            TestInput.row(postal: code == "FO" ? "100" : "3900", country: country, exempt: "ja"))).first?.letter)
        #expect(letter.recipient.address?.countryCode == code)
    }

    @Test("070707-7077 and 0707077077 are the same person")
    func duplicateWithHyphen() throws {
        let outcomes = try TestInput.outcomes(TestInput.csv(TestInput.row(cpr: "070707-7077"), TestInput.row(cpr: "0707077077")))
        #expect(outcomes[0].letter != nil)
        #expect(outcomes[1].rejectionCode == .duplicateCPR)
    }

    @Test("a rejected record takes no number; a skipped one does")
    func duplicateOwnership() throws {
        let outcomes = try TestInput.outcomes(TestInput.csv(
            TestInput.row(cpr: "0707077077", name: ""),                 // rejected: takes nothing
            TestInput.row(cpr: "0707077077", city: "", exempt: "ja"),   // rejected (address): takes nothing
            TestInput.row(cpr: "070707-7077", status: "90"),            // skipped: takes the number
            TestInput.row(cpr: "0707077077"),                           // duplicate of the skipped one
            TestInput.row(cpr: "0707077077", name: "")))                // missing_name comes first
        #expect(outcomes.map(\.rejectionCode) == [.missingName, .missingAddress, nil, .duplicateCPR, .missingName])
        #expect(outcomes[2].skipReason == "status_90")
    }

    @Test("the modulus-11 warning counts records that are not rejected")
    func modulus11Warnings() throws {
        let statistics = try TestInput.statistics(TestInput.csv(
            TestInput.row(cpr: "0707614285"),                  // passes
            TestInput.row(cpr: "0707614286"),                  // fails: letter
            TestInput.row(cpr: "0707614287", status: "90"),    // fails: skipped
            TestInput.row(cpr: "0707614288", name: "")))       // fails, but rejected
        #expect(statistics.modulus11Warnings == 2)
    }

    @Test("waves are balanced to within one letter and stable", arguments: [1, 2, 3, 7])
    func waves(waves: Int) throws {
        var generator = SampleGenerator(options: .init(count: 2_000, seed: 11, defectRate: 0.1))
        let csv = generator.csv()
        let schedule = WaveSchedule(firstDay: CalendarDate(year: 2021, month: 10, day: 6)!, waves: waves)
        let first = try TestInput.statistics(csv, schedule: schedule)
        let second = try TestInput.statistics(csv, schedule: schedule)
        #expect(first == second)
        let digital = first.lettersByDate.filter { $0.date < schedule.printDay }.map(\.count)
        #expect(digital.count == waves)
        #expect((digital.max() ?? 0) - (digital.min() ?? 0) <= 1)
        #expect(digital.reduce(0, +) == first.letters(channel: .digital))
        let paper = first.lettersByDate.first { $0.date == schedule.printDay }?.count ?? 0
        #expect(paper == first.letters(channel: .print))
    }

    @Test("the print day defaults to the first business day after the last wave, and can be set")
    func printDay() {
        let first = CalendarDate(year: 2021, month: 12, day: 30)!
        // Waves 30 and 31 December and Saturday 1 January: paper on Monday 3 January.
        #expect(WaveSchedule(firstDay: first, waves: 3).printDay.iso == "2022-01-03")
        #expect(WaveSchedule(firstDay: first, waves: 3, printDay: CalendarDate(year: 2022, month: 2, day: 1)).printDay.iso == "2022-02-01")
    }

    @Test("reject details never hold the full CPR number")
    func detailsMasked() throws {
        let outcomes = try TestInput.outcomes(TestInput.csv(
            TestInput.row(cpr: "0707077077"), TestInput.row(cpr: "070707-7077"), TestInput.row(cpr: "3202077077"),
            TestInput.row(cpr: "0707077078", bank: "0707077077")))
        for outcome in outcomes {
            guard case .rejected(let error) = outcome else { continue }
            #expect(!error.description.contains("7077"), "line \(error.line) [\(error.code)] shows CPR digits")
            #expect(!RecordLists.line(for: error).contains("7077"))
        }
        #expect(outcomes.compactMap(\.rejectionCode) == [.duplicateCPR, .invalidCPRDate, .invalidBoolean])
    }
}
