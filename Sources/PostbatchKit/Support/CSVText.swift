internal import Foundation

/// Writing CSV fields for the files postbatch produces (rejects, skipped, manifest).
package enum CSVText {
    /// A field quoted as RFC 4180 requires: only when it holds `,`, `"`, CR or LF.
    static func field(_ text: String) -> String {
        needsQuotes(text) ? quoted(text) : text
    }

    /// Whether a field must be quoted: it holds the delimiter, `"`, CR or LF.
    package static func needsQuotes(_ text: String, delimiter: Character = ",") -> Bool {
        text.contains { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" }
    }

    /// The field in quotes, each `"` doubled.
    package static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One line of fields, ending in LF.
    static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}
