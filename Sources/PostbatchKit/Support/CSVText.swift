internal import Foundation

/// Writing CSV fields for the files postbatch produces (rejects, skipped, manifest).
package enum CSVText {
    /// A field quoted as RFC 4180 requires: only when it holds `,`, `"`, CR or LF.
    static func field(_ text: String) -> String {
        needsQuotes(text) ? quoted(text) : text
    }

    /// Whether a field must be quoted: it holds the delimiter, `"`, CR or LF.
    ///
    /// Read byte by byte, not by `Character`: CR LF is one `Character`, equal to neither CR
    /// nor LF, and a delimiter followed by a combining mark is one `Character` too.
    package static func needsQuotes(_ text: String, delimiter: Character = ",") -> Bool {
        let quote = UInt8(ascii: "\""), lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        let special = text.utf8.contains { $0 == quote || $0 == lineFeed || $0 == carriageReturn }
        if special { return true }
        if delimiter.utf8.count == 1, let byte = delimiter.utf8.first {
            return text.utf8.contains(byte)
        }
        return text.unicodeScalars.contains { delimiter.unicodeScalars.contains($0) }
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
