internal import Foundation

/// The lines of a paper letter's address, as SPEC §2 "The paper address block" defines them.
///
/// The one place that builds the block: classification builds it to reject a record whose
/// address does not fit (`address_too_long`), the letter prints it in the envelope window,
/// and the fjernprint envelope carries the same lines. In order:
/// 1. the name, middle names shortened to initials (last one first) while it is longer
///    than 34 characters;
/// 2. the c/o line, when there is a c/o name;
/// 3. the street, split at `, ` and packed greedily into as few lines as possible;
/// 4. the postal line: `NNNN City` (DK, GL), `FO-NNN City`, `postcode City` elsewhere;
/// 5. outside Denmark, the country's Danish name in capitals (`TYSKLAND`).
///
/// Every field is put in NFC, each run of whitespace (line breaks and tabs included)
/// becomes one space, and the ends are trimmed. Lengths count Unicode code points.
/// Nothing is ever cut: a block that needs more than ``maximumLines`` lines or keeps a
/// line longer than ``lineWidth`` is an ``Overflow``.
package struct AddressBlock: Hashable, Sendable {
    /// The lines, first to last, each at most ``lineWidth`` code points.
    package let lines: [String]

    /// The most lines a block may have.
    package static let maximumLines = 6
    /// The most code points a line may have.
    package static let lineWidth = 34

    /// The first line that does not fit, and why.
    package struct Overflow: Error, Hashable, Sendable {
        /// The 1-based number of the first line that does not fit: a line that is too
        /// long, or line 7 when the block needs more than six lines.
        package let line: Int
        /// The input field the line comes from.
        package let field: Field
        /// The line's length in code points, or `nil` when the block has too many lines.
        package let length: Int?
        /// How many lines the block needs.
        package let lineCount: Int

        /// What is wrong, without any address text: for reject details and errors.
        package var detail: String {
            if let length {
                return "line \(line) of the paper address block (\(field.canonicalName)) would be \(length) "
                    + "characters; expected at most \(AddressBlock.lineWidth), and nothing is cut"
            }
            return "the paper address block would need \(lineCount) lines (line \(line) from "
                + "\(field.canonicalName) does not fit); expected at most \(AddressBlock.maximumLines)"
        }
    }

    /// Builds the block of a paper letter.
    ///
    /// - Parameters:
    ///   - name: the recipient's name as read (trimmed).
    ///   - coName: the c/o name, `nil` or empty for none.
    ///   - address: street, postcode, city and country code.
    /// - Returns: the block, or the first line that does not fit.
    package static func build(name: String, coName: String?, address: PostalAddress) -> Result<AddressBlock, Overflow> {
        var lines: [(text: String, field: Field)] = []
        let nameLine = Self.nameLine(name)
        if !nameLine.isEmpty { lines.append((nameLine, .name)) }
        if let careOf = careOfLine(coName) { lines.append((careOf, .coName)) }
        for line in streetLines(address.street) { lines.append((line, .street)) }
        let postal = postalLine(postalCode: address.postalCode, city: address.city, countryCode: address.countryCode)
        if !postal.isEmpty { lines.append((postal, .city)) }
        if let country = countryLine(address.countryCode) { lines.append((country, .country)) }
        for (index, line) in lines.enumerated() {
            if index >= maximumLines {
                return .failure(Overflow(line: index + 1, field: line.field, length: nil, lineCount: lines.count))
            }
            let length = Self.length(line.text)
            if length > lineWidth {
                return .failure(Overflow(line: index + 1, field: line.field, length: length, lineCount: lines.count))
            }
        }
        return .success(AddressBlock(lines: lines.map(\.text)))
    }

    // MARK: - The parts

    /// A field as the block uses it: NFC, each whitespace run one space, trimmed.
    package static func normalized(_ text: String) -> String {
        // Characters below U+0300 are in NFC and compose with no character before them, so
        // a text of only those (most names and addresses) is its own NFC.
        let composed = text.unicodeScalars.allSatisfy { $0.value < 0x300 }
            ? text : text.precomposedStringWithCanonicalMapping
        return CollapsedText.collapsing(composed.unicodeScalars, isSpace: isSpace)
    }

    /// Whitespace for the block: Unicode `White_Space`, control characters (a tab, a line
    /// break) and the noncharacters U+FFFE and U+FFFF, none of which prints or may stand
    /// in XML.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value > 0x20 && scalar.value < 0x7F { return false }  // printable ASCII, looked up fast
        return scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
            || scalar.value == 0xFFFE || scalar.value == 0xFFFF
    }

    /// The length of a line in code points.
    package static func length(_ text: String) -> Int {
        text.unicodeScalars.count
    }

    /// The name line: the normalised name, with middle names shortened to their initial
    /// and a full stop, the last middle name first, until it fits 34 characters
    /// (`Leif Tobias Kristensen` → `Leif T. Kristensen`). A name that still does not fit
    /// comes back shortened as far as it goes.
    ///
    /// Words are split at the space code point and the initial is the first code point with
    /// the combining marks after it, so a combining mark after a space never hides a break.
    package static func nameLine(_ name: String) -> String {
        let full = normalized(name)
        guard length(full) > lineWidth else { return full }
        var words = split(full, at: " ")
        guard words.count >= 3 else { return full }
        for index in stride(from: words.count - 2, through: 1, by: -1) {
            words[index] = initial(words[index]) + "."
            if length(words.joined(separator: " ")) <= lineWidth { break }
        }
        return words.joined(separator: " ")
    }

    /// The first code point of a word and the combining marks that follow it.
    static func initial(_ word: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in word.unicodeScalars {
            if !scalars.isEmpty && scalar.properties.canonicalCombiningClass == .notReordered { break }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// Splits text at every occurrence of `separator`, comparing code points (not
    /// `Character`s, which would glue a combining mark to the space before it).
    static func split(_ text: String, at separator: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        let pattern = Array(separator.unicodeScalars)
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if index + pattern.count <= scalars.count, Array(scalars[index..<(index + pattern.count)]) == pattern {
                parts.append(String(current))
                current = String.UnicodeScalarView()
                index += pattern.count
                continue
            }
            current.append(scalars[index])
            index += 1
        }
        parts.append(String(current))
        return parts
    }

    /// The c/o line: `co_name` itself when its first four code points are `c/o ` in any
    /// case, else `c/o ` and the name; `nil` when there is no c/o name.
    package static func careOfLine(_ coName: String?) -> String? {
        guard let coName else { return nil }
        let text = normalized(coName)
        if text.isEmpty { return nil }
        if String(String.UnicodeScalarView(text.unicodeScalars.prefix(4))).lowercased() == "c/o " { return text }
        return "c/o " + text
    }

    /// The street split at `, ` and packed greedily: each line takes the next parts while
    /// the line, joined with `, `, stays within 34 characters. Empty parts are dropped.
    package static func streetLines(_ street: String) -> [String] {
        let parts = split(normalized(street), at: ", ")
            .map { split($0, at: " ").filter { !$0.isEmpty }.joined(separator: " ") }
            .filter { !$0.isEmpty }
        var lines: [String] = []
        var current = ""
        for part in parts {
            if current.isEmpty {
                current = part
            } else if length(current) + 2 + length(part) <= lineWidth {
                current += ", " + part
            } else {
                lines.append(current)
                current = part
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// `NNNN City` in Denmark and Greenland, `FO-NNN City` on the Faroe Islands,
    /// `postcode City` elsewhere; the city alone when the postcode is empty.
    package static func postalLine(postalCode: String, city: String, countryCode: String) -> String {
        let code = normalized(postalCode)
        let town = normalized(city)
        let prefix = code.isEmpty ? "" : (countryCode.uppercased() == "FO" ? "FO-" + code : code)
        return [prefix, town].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The country line: the Danish name in capitals for every country but Denmark.
    package static func countryLine(_ countryCode: String) -> String? {
        let code = countryCode.uppercased()
        if code == "DK" || code.isEmpty { return nil }
        return Country.danishName(code)
    }
}
