import Testing
@testable import PostbatchKit

@Suite("CPR numbers")
struct CPRTests {
    /// (CPR, the year of birth it encodes, or nil when the date does not exist)
    @Test("the century table of digit 7", arguments: [
        ("0101370123", 1937), ("0101993123", 1999),           // 0–3 → 19YY
        ("0101364123", 2036), ("0101374123", 1937),           // 4 → 20YY if YY ≤ 36
        ("0101369123", 2036), ("0101379123", 1937),           // 9 likewise
        ("0101575123", 2057), ("0101585123", 1858),           // 5–8 → 20YY if YY ≤ 57, else 18YY
        ("0101576123", 2057), ("0101997123", 1899), ("0101008123", 2000),
    ])
    func century(cpr: String, year: Int) throws {
        let parsed = try CPR.parse(Array(cpr.utf8)).get()
        #expect(parsed.birthDate?.year == year)
    }

    @Test("29 February only in a leap year of the century", arguments: [
        ("2902000123", false),   // 1900: not a leap year
        ("2902004123", true),    // 2000: leap year
        ("2902960123", true),    // 1996
        ("2902970123", false),   // 1997
        ("2902045123", true),    // 2004
        ("2902605123", true),    // 5 with YY 60 → 1860, a leap year
        ("2902005123", true),    // 5 with YY 00 → 2000
    ])
    func leapDay(cpr: String, exists: Bool) throws {
        let expected = exists
        switch CPR.parse(Array(cpr.utf8)) {
        case .success: #expect(expected)
        case .failure(let failure):
            #expect(!expected)
            #expect(failure == .noSuchDate(masked: String(cpr.prefix(6)) + "-XXXX"))
        }
    }

    @Test("impossible days and months", arguments: ["3201011234", "0013011234", "0000011234", "3104011234", "3106011234"])
    func impossibleDates(cpr: String) {
        guard case .failure(.noSuchDate) = CPR.parse(Array(cpr.utf8)) else {
            Issue.record("\(cpr.prefix(6)) was accepted")
            return
        }
    }

    @Test("10 digits with at most one hyphen after the 6th", arguments: [
        ("0707077077", true), ("070707-7077", true), ("07070-77077", false), ("070707--7077", false),
        ("070707707", false), ("07070770777", false), ("07070770a7", false), ("", false), ("-0707077077", false),
        ("070707 7077", false),
    ])
    func form(cpr: String, valid: Bool) {
        switch CPR.parse(Array(cpr.utf8)) {
        case .success: #expect(valid)
        case .failure(.notTenDigits): #expect(!valid)
        case .failure(.noSuchDate): Issue.record("unexpected date failure")
        }
    }

    @Test("modulus 11 is checked with weights 4 3 2 7 6 5 4 3 2 1")
    func modulus11() throws {
        // 070761-4285: 0·4+7·3+0·2+7·7+6·6+1·5+4·4+2·3+8·2+5·1 = 154 = 14·11
        #expect(try CPR.parse(Array("0707614285".utf8)).get().passesModulus11)
        #expect(try !CPR.parse(Array("0707614286".utf8)).get().passesModulus11)
    }

    @Test("description and debugDescription are masked")
    func masking() throws {
        let cpr = try CPR.parse(Array("070707-7077".utf8)).get()
        #expect(cpr.description == "070707-XXXX")
        #expect(String(reflecting: cpr) == "070707-XXXX")
        #expect("\(cpr)" == "070707-XXXX")
        #expect(cpr.unmaskedDigits == "0707077077")
    }

    @Test("duplicate keys are distinct for distinct numbers and fit 32 bits")
    func duplicateKeys() throws {
        let numbers = ["3112999999", "0101000000", "0707077077", "3112579999", "0112999999", "3101999999"]
        let keys = try numbers.map { RecordClassifier.duplicateKey(try CPR.parse(Array($0.utf8)).get()) }
        #expect(Set(keys).count == numbers.count)
    }
}

@Suite("CPR numbers in free text")
struct CPRMaskingTests {
    @Test("CPR-shaped numbers are masked wherever they stand", arguments: [
        ("Ole 0101601234 Olsen", "Ole 010160-XXXX Olsen"),
        ("Ole 010160-1234 Olsen", "Ole 010160-XXXX Olsen"),
        ("0101601234", "010160-XXXX"),
        ("a0101601234b", "a010160-XXXXb"),
        ("two 0101601234 and 3112991234.", "two 010160-XXXX and 311299-XXXX."),
        ("eleven 01016012345 digits", "eleven 01016012345 digits"),
        ("nine 010160123 digits", "nine 010160123 digits"),
        ("Vestergade 12, 2. th.", "Vestergade 12, 2. th."),
        ("Søren Ærø", "Søren Ærø"),
    ])
    func masking(text: String, expected: String) {
        #expect(CPR.maskingNumbers(in: text) == expected)
    }
}
