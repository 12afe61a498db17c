internal import Foundation

/// How a recipient's postal address is laid out in a fjernprint `ModtagerAdresse`.
///
/// The schema (`KontaktOplysningType`) offers two forms after the `PersonName`:
/// - **structured**: optional `CoNavn`, `StreetName` (1–40), `StreetBuildingIdentifier`
///   (`12`, `12A`: 1–999 and one capital letter), optional `FloorIdentifier` (`1`–`99`,
///   `st`, `kl`, `k2`–`k9`), optional `SuiteIdentifier` (1–4), `PostCodeIdentifier`
///   (exactly 4 digits), optional `DistrictSubdivisionIdentifier` (1–34, the city here, as
///   in the reference example);
/// - **lines**: one to six `PostalAddress…LineText` of at most 34 characters, then an
///   optional 4-digit `PostCodeIdentifier`.
///
/// Danish and Greenlandic addresses are structured when the one-line street parses
/// unambiguously as `<name> <number>[letter][,] [<floor>[.]] [<door>]`; otherwise, and for
/// the Faroe Islands (3-digit postcodes) and abroad, the lines form is used, as the reference
/// examples do. In the lines form the c/o line comes first, then the street wrapped at
/// spaces, then `postcode city` (`FO-100 Tórshavn` for the Faroe Islands), then, abroad, the
/// country's Danish name in capitals. When six lines are not enough, the street keeps its
/// first lines and its last line (number, floor, door) and loses the middle.
enum PaperAddress: Equatable {
    /// The structured form.
    case structured(Structured)
    /// The free-line form.
    case lines([String], postCode: String?)

    /// The parts of a structured Danish or Greenlandic address, each within its facet.
    struct Structured: Equatable {
        var coName: String?
        var streetName: String
        var building: String
        var floor: String?
        var suite: String?
        var postCode: String
        var city: String?
    }

    static let lineWidth = 34
    static let maximumLines = 6
    static let nameLimit = 130

    /// Lays out `address` with an optional c/o name.
    static func layout(_ address: PostalAddress, coName: String?) -> PaperAddress {
        let country = address.countryCode.uppercased()
        let postCode = FieldText.singleLine(address.postalCode)
        let city = FieldText.singleLine(address.city)
        let coName = coName.map(FieldText.singleLine).flatMap { $0.isEmpty ? nil : $0 }
        let fourDigits = postCode.utf8.count == 4 && postCode.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }

        if (country == "DK" || country == "GL"), fourDigits,
           let street = StreetLine(parsing: address.street) {
            return .structured(Structured(
                coName: coName.map { FieldText.limit(stripCareOf($0), to: nameLimit) }.flatMap { $0.isEmpty ? nil : $0 },
                streetName: street.name, building: street.building, floor: street.floor,
                suite: street.suite, postCode: postCode,
                city: city.isEmpty ? nil : FieldText.limit(city, to: lineWidth)))
        }

        var tail: [String] = []
        switch country {
        case "DK", "GL":
            tail.append(joined(postCode, city))
        case "FO":
            tail.append(joined(postCode.isEmpty ? "" : "FO-\(postCode)", city))
        default:
            tail.append(joined(postCode, city))
            tail.append(countryName(country))
        }
        tail = tail.filter { !$0.isEmpty }.map { FieldText.limit($0, to: lineWidth) }

        var head: [String] = []
        if let coName {
            head.append(FieldText.limit(careOf(coName), to: lineWidth))
        }
        let room = max(0, maximumLines - head.count - tail.count)
        var street = FieldText.wrap(address.street, width: lineWidth)
        if street.count > room {
            // Keep the start of the street and its last line, which holds the number and door.
            street = room > 0 ? Array(street.prefix(room - 1)) + [street[street.count - 1]] : []
        }
        var lines = head + street + tail
        if lines.isEmpty { lines = [country] }
        return .lines(lines, postCode: (country == "DK" || country == "GL") && fourDigits ? postCode : nil)
    }

    private static func joined(_ first: String, _ second: String) -> String {
        [first, second].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// `c/o Elin Poulsen`, whether or not the input already says `c/o`.
    private static func careOf(_ name: String) -> String {
        "c/o " + stripCareOf(name)
    }

    /// The name without a leading `c/o` (any case), which `CoNavn` does not want.
    private static func stripCareOf(_ name: String) -> String {
        let lower = name.lowercased()
        if lower.hasPrefix("c/o ") || lower.hasPrefix("c/o:") {
            return FieldText.singleLine(String(name.dropFirst(4)))
        }
        return name
    }

    /// The country's Danish name in capitals (`TYSKLAND`), or its code when unknown.
    static func countryName(_ code: String) -> String {
        Locale(identifier: "da_DK").localizedString(forRegionCode: code)?.uppercased(with: Locale(identifier: "da_DK")) ?? code
    }
}

/// A Danish one-line street address split into the structured fields, or `nil` when it does
/// not split unambiguously into values that fit the fjernprint facets.
struct StreetLine: Equatable {
    let name: String
    let building: String
    let floor: String?
    let suite: String?

    init(name: String, building: String, floor: String?, suite: String?) {
        self.name = name
        self.building = building
        self.floor = floor
        self.suite = suite
    }

    init?(parsing text: String) {
        let tokens = FieldText.singleLine(text)
            .split(whereSeparator: { $0 == " " || $0 == "," })
            .map(String.init)
        guard tokens.count >= 2 else { return nil }
        // Post boxes are not streets.
        let first = tokens[0].lowercased()
        if first == "postboks" || first == "boks" || first == "pb." { return nil }

        guard let numberIndex = tokens.indices.dropFirst().first(where: { StreetLine.isBuilding(tokens[$0]) })
        else { return nil }
        var building = tokens[numberIndex].uppercased()
        var rest = Array(tokens[(numberIndex + 1)...])
        // `12 A`: a lone capital letter after a plain number belongs to the number.
        if let letter = rest.first?.uppercased(), letter.unicodeScalars.count == 1,
           letter.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }),
           building.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) {
            building += letter
            rest.removeFirst()
        }
        let name = tokens[..<numberIndex].joined(separator: " ")
        guard (1...40).contains(FieldText.length(name)) else { return nil }

        var floor: String?
        var suite: String?
        switch rest.count {
        case 0:
            break
        case 1:
            guard let value = StreetLine.floor(rest[0]) else { return nil }
            floor = value
        case 2:
            guard let value = StreetLine.floor(rest[0]), let door = StreetLine.suite(rest[1]) else { return nil }
            floor = value
            suite = door
        default:
            return nil
        }
        self.name = name
        self.building = building
        self.floor = floor
        self.suite = suite
    }

    /// `[1-9][0-9]{0,2}` with an optional letter: `7`, `12A`, `123b`.
    static func isBuilding(_ token: String) -> Bool {
        let scalars = Array(token.uppercased().unicodeScalars)
        guard let first = scalars.first, ("1"..."9").contains(first) else { return false }
        var digits = 1
        var index = 1
        while index < scalars.count, ("0"..."9").contains(scalars[index]) {
            digits += 1
            index += 1
        }
        guard digits <= 3 else { return false }
        if index == scalars.count { return true }
        return index == scalars.count - 1 && ("A"..."Z").contains(scalars[index])
    }

    /// The floor in the schema's form: `3.` → `3`, `St.` → `st`, `kl` → `kl`, `K2` → `k2`.
    static func floor(_ token: String) -> String? {
        var value = token.lowercased()
        if value.hasSuffix(".") { value.removeLast() }
        if value == "st" || value == "kl" { return value }
        let scalars = Array(value.unicodeScalars)
        if scalars.count == 2, scalars[0] == "k", ("2"..."9").contains(scalars[1]) { return value }
        if (1...2).contains(scalars.count), ("1"..."9").contains(scalars[0]),
           scalars.allSatisfy({ ("0"..."9").contains($0) }) {
            return value
        }
        return nil
    }

    /// The door: `tv`, `th`, `mf` or a number, 1–4 letters or digits; a final `.` dropped.
    static func suite(_ token: String) -> String? {
        var value = token
        if value.hasSuffix(".") { value.removeLast() }
        guard (1...4).contains(FieldText.length(value)),
              value.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        else { return nil }
        return value
    }
}
