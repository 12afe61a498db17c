import Testing
import Foundation
@testable import PostbatchKit

@Suite("The paper address block (SPEC §2)")
struct AddressBlockTests {
    static func block(_ name: String, co: String? = nil, street: String, postal: String, city: String,
                      country: String = "DK") -> Result<AddressBlock, AddressBlock.Overflow> {
        AddressBlock.build(name: name, coName: co,
                           address: PostalAddress(street: street, postalCode: postal, city: city, countryCode: country))
    }

    @Test("name, c/o, street, postal line and country, in that order")
    func order() throws {
        let lines = try Self.block("Ülkü Hansen", co: "Familien Schmidt", street: "Friedrich-Ebert-Straße 117a, Hinterhaus, 3. OG",
                                   postal: "24937", city: "Flensburg", country: "DE").get().lines
        #expect(lines == ["Ülkü Hansen", "c/o Familien Schmidt", "Friedrich-Ebert-Straße 117a",
                          "Hinterhaus, 3. OG", "24937 Flensburg", "TYSKLAND"])
    }

    @Test("postal and country lines per country", arguments: [
        ("DK", "8000", "Aarhus C", ["8000 Aarhus C"]),
        ("GL", "3900", "Nuuk", ["3900 Nuuk", "GRØNLAND"]),
        ("FO", "100", "Tórshavn", ["FO-100 Tórshavn", "FÆRØERNE"]),
        ("SE", "211 22", "Malmö", ["211 22 Malmö", "SVERIGE"]),
        ("GB", "", "London", ["London", "STORBRITANNIEN"]),
    ])
    func postalLines(country: String, postal: String, city: String, expected: [String]) throws {
        let lines = try Self.block("Anna Jensen", street: "Vej 1", postal: postal, city: city, country: country).get().lines
        #expect(Array(lines.dropFirst(2)) == expected)
    }

    @Test("the c/o line: kept when it already says c/o in any case, else prefixed", arguments: [
        ("Hans Jensen", "c/o Hans Jensen"), ("c/o Hans Jensen", "c/o Hans Jensen"),
        ("C/O Hans Jensen", "C/O Hans Jensen"), ("C/o  Hans\tJensen", "C/o Hans Jensen"),
        ("c/oHans", "c/o c/oHans"),
    ])
    func careOf(co: String, expected: String) {
        #expect(AddressBlock.careOfLine(co) == expected)
        #expect(AddressBlock.careOfLine("  ") == nil)
        #expect(AddressBlock.careOfLine(nil) == nil)
    }

    @Test("long names lose middle names to initials, the last middle name first", arguments: [
        ("Leif Tobias Kristensen", "Leif Tobias Kristensen"),
        ("Hans Christian Maximilian Frederik Jensen", "Hans Christian M. F. Jensen"),
        ("Anna Sofie Margrethe Birgitte Ærenlund", "Anna Sofie Margrethe B. Ærenlund"),
        ("Hans Christian Maximilian Frederik Ludvig Ærenlund-Østergaard", "Hans C. M. F. L. Ærenlund-Østergaard"),
    ])
    func shortening(name: String, expected: String) {
        #expect(AddressBlock.nameLine(name) == expected)
        #expect(AddressBlock.nameLine(name).unicodeScalars.count <= 34 || expected.unicodeScalars.count > 34)
    }

    @Test("whitespace runs, tabs and line breaks count as one space; lengths count code points after NFC")
    func normalising() throws {
        let lines = try Self.block("  Jo\u{0301}annes \u{00A0}\t Patursson ", street: "Tinganes\n 3",
                                   postal: "100", city: "Tórshavn", country: "FO").get().lines
        #expect(lines[0] == "Jóannes Patursson")
        #expect(lines[0].unicodeScalars.count == 17)
        #expect(lines[1] == "Tinganes 3")
        // 34 letters written with combining accents are 68 code points as read, 34 after NFC.
        let accented = String(repeating: "e\u{0301}", count: 17) + " " + String(repeating: "a\u{030A}", count: 16)
        #expect(throws: Never.self) { try Self.block(accented, street: "Vej 1", postal: "1000", city: "K").get() }
    }

    @Test("text below U+0300, which normalising skips, is its own NFC alone and in pairs; a space is what Unicode says")
    func belowCombiningMarks() {
        let scalars = (0x20..<0x300).compactMap(Unicode.Scalar.init).filter { !AddressBlock.isSpace($0) }
        for first in scalars {
            let alone = String(Character(first))
            #expect(alone.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(alone.unicodeScalars))
            var pairs = String.UnicodeScalarView()
            for second in scalars {
                pairs.append(first)
                pairs.append(second)
            }
            let text = String(pairs)
            #expect(text.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(text.unicodeScalars),
                    "U+\(String(first.value, radix: 16))")
        }
        for value in 0..<0x300 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let unicode = scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
            #expect(AddressBlock.isSpace(scalar) == unicode, "U+\(String(value, radix: 16))")
        }
    }

    @Test("the street is packed greedily at ', ' and never cut")
    func packing() throws {
        #expect(AddressBlock.streetLines("Den Gamle Landevej 7, Ejendommen Skovly, 2. th")
                == ["Den Gamle Landevej 7", "Ejendommen Skovly, 2. th"])
        #expect(AddressBlock.streetLines("Nørregade 12, 3. tv") == ["Nørregade 12, 3. tv"])
        #expect(AddressBlock.streetLines("a, , b") == ["a, b"])
    }

    @Test("an overflow names the line and holds no address text", arguments: [
        // The c/o line of the issue: 38 characters.
        ("Karen Jensen", "Dødsbo efter Karen Birgitte Jensen", "Vej 1", "DK", 2, Field.coName),
        // A street part of 52 characters.
        ("Karen Jensen", nil, "Den Gamle Landevej ved Kongens Lyngby Hovedgade 143B, 4. sal", "DK", 2, .street),
        // Seven lines.
        ("Karen Jensen", "Familien Schmidt", "Friedrich-Ebert-Straße 117a, Hinterhaus links, Aufgang B, 3. Obergeschoss",
         "DE", 7, .country),
        // Two words, nothing to shorten.
        ("Maximiliane Ærenlund-Østergaard-Løvenskiold", nil, "Vej 1", "DK", 1, .name),
        // A 6,000-character street.
        ("Karen Jensen", nil, String(repeating: "Langgade", count: 750), "DK", 2, .street),
    ] as [(String, String?, String, String, Int, Field)])
    func overflow(name: String, co: String?, street: String, country: String, line: Int, field: Field) {
        guard case .failure(let overflow) = Self.block(name, co: co, street: street, postal: country == "DE" ? "24937" : "1000",
                                                       city: "By", country: country)
        else {
            Issue.record("expected address_too_long")
            return
        }
        #expect(overflow.line == line)
        #expect(overflow.field == field)
        #expect(overflow.detail.contains("line \(line)"))
        for word in ["Karen", "Dødsbo", "Landevej", "Straße", "Maximiliane", "Langgade", "Jensen"] {
            #expect(!overflow.detail.contains(word))
        }
    }

    @Test("six lines of exactly 34 characters fit")
    func limits() throws {
        let part = String(repeating: "x", count: 34)
        let lines = try Self.block("Anna Jensen", co: "c/o " + String(repeating: "y", count: 30),
                                   street: "\(part), \(part)", postal: "10", city: String(repeating: "z", count: 31),
                                   country: "DE").get().lines
        #expect(lines.count == 6)
        #expect(lines.allSatisfy { $0.unicodeScalars.count <= 34 })
    }

    @Test("country names are Danish, in capitals, and fixed")
    func countries() {
        #expect(Country.danishName("DE") == "TYSKLAND")
        #expect(Country.danishName("GL") == "GRØNLAND")
        #expect(Country.danishName("FO") == "FÆRØERNE")
        #expect(Country.danishName("US") == "USA")
        #expect(Country.assignedCodes.allSatisfy { Country.danishName($0) != $0 || $0 == "US" })
        #expect(AddressBlock.countryLine("DK") == nil)
    }
}
