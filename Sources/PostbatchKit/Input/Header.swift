/// Which column holds which field, read from the header line.
struct Header: Sendable {
    /// The number of columns; every record must have exactly this many fields.
    let columnCount: Int
    /// Column index per ``Field`` (by raw value), or -1 when the column is absent.
    private let columns: [Int]
    /// The column names as the header spells them, trimmed.
    let names: [String]

    /// The header's own name for a field's column (`pnr`), or the canonical name.
    func columnName(of field: Field) -> String {
        column(of: field).map { names[$0] } ?? field.canonicalName
    }

    /// The column of a field, or `nil` when the header does not have it.
    func column(of field: Field) -> Int? {
        let index = columns[field.rawValue]
        return index >= 0 ? index : nil
    }

    /// Maps header names to fields.
    ///
    /// - Parameters:
    ///   - names: the header fields, as read (untrimmed).
    ///   - file: the input's name, for messages.
    /// - Throws: ``InputError`` `duplicate_column` when two columns name one field,
    ///   `missing_column` naming every absent required column with its aliases (and
    ///   the closest unknown column, when one looks like a typo).
    init(names: [String], file: String) throws(InputError) {
        var columns = [Int](repeating: -1, count: Field.allCases.count)
        var unknown: [String] = []
        for (index, raw) in names.enumerated() {
            let name = raw.trimmingASCIIWhitespace()
            guard let field = Field(columnName: name) else {
                if !name.isEmpty { unknown.append(name) }
                continue
            }
            let earlier = columns[field.rawValue]
            if earlier >= 0 {
                throw InputError(
                    code: .duplicateColumn, file: file, line: 1, field: field.canonicalName,
                    detail: "columns \(earlier + 1) ('\(names[earlier].trimmingASCIIWhitespace())') and \(index + 1) ('\(name)') both name this field; expected one column per field: remove or rename one of them")
            }
            columns[field.rawValue] = index
        }
        let missing = Field.allCases.filter { $0.isRequired && columns[$0.rawValue] < 0 }
        if let first = missing.first {
            let names = missing.map { "'\($0.canonicalName)'" }.joined(separator: ", ")
            var detail = missing.count == 1
                ? "required column \(names) is missing"
                : "required columns \(names) are missing"
            detail += "; expected a header column named \(first.columnNames.map { "'\($0)'" }.joined(separator: " or "))"
            if let suggestion = Header.closest(to: first, among: unknown) {
                detail += " (did you mean '\(suggestion)'?)"
            }
            throw InputError(code: .missingColumn, file: file, line: 1, field: first.canonicalName, detail: detail)
        }
        self.columnCount = names.count
        self.columns = columns
        self.names = names.map { $0.trimmingASCIIWhitespace() }
    }

    /// The unknown column that is most like one of the field's names, if any is close.
    static func closest(to field: Field, among unknown: [String]) -> String? {
        var best: (name: String, distance: Int)?
        for candidate in unknown {
            let lowered = candidate.lowercased()
            for name in field.columnNames {
                let distance = editDistance(Array(lowered.unicodeScalars), Array(name.unicodeScalars))
                let related = name.count >= 4 && (lowered.hasPrefix(name) || name.hasPrefix(lowered))
                if distance <= max(2, name.count / 3) || related, distance < (best?.distance ?? .max) {
                    best = (candidate, distance)
                }
            }
        }
        return best?.name
    }

    /// Levenshtein distance; both sides are short column names.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1,
                                 previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
