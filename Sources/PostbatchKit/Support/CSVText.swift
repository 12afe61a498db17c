internal import Foundation

/// Writing CSV fields for the files postbatch produces (rejects, skipped, manifest).
enum CSVText {
    /// A field quoted as RFC 4180 requires: only when it holds `,`, `"`, CR or LF.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One line of fields, ending in LF.
    static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}
