internal import Foundation
internal import TOMLKit

/// The words of the HTML report in one language: headings, labels, the five groups in
/// plain language, and every skip and reject reason in words (with what to fix).
///
/// The page's layout is the template's (`templates/report/report.mustache`), its words are
/// `templates/report/words.<language>.toml`, read and checked with the template
/// (``ReportTemplate/load(folder:)``): both languages have the same labels, every group and
/// every reject reason has its words, and a reject reason says what to fix.
struct ReportWords: Sendable {
    /// Headings and labels, by the key the template uses (`title`, `h_groups`, …).
    let labels: [String: String]
    /// What a group's letter asks of the person, by group.
    let groups: [LetterGroup: String]
    /// A skip reason in words, by CPR status (`90` → `død`).
    let statuses: [Int: String]
    /// A reject reason in words and what to fix, by code.
    let rejections: [ClassificationError.Code: (reason: String, fix: String)]
    /// `anden status` / `other status`: a status without words of its own.
    let otherStatus: String

    /// No words: never shown, as ``ReportTemplate/load(folder:)`` reads every language.
    static let none = ReportWords(labels: [:], groups: [:], statuses: [:], rejections: [:], otherStatus: "")

    /// The file of one language's words in the template folder.
    static func fileName(_ language: Language) -> String { "words.\(language.rawValue).toml" }

    /// A skip reason (`status_90`) in words: `død`.
    func skipReason(_ code: String) -> String {
        guard code.hasPrefix("status_"), let status = Int(code.dropFirst("status_".count)) else { return code }
        return statuses[status] ?? "\(otherStatus) \(code.dropFirst("status_".count))"
    }

    /// Reads one language's words.
    ///
    /// - Throws: ``ReportError`` `report_words` naming the file and what is missing.
    static func read(_ url: URL) throws(ReportError) -> ReportWords {
        func fail(_ detail: String) -> ReportError { ReportError(code: .words, file: url.path, detail: detail) }
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
        else { throw fail("missing or not UTF-8; expected the report's words in this language") }
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch { throw fail("not valid TOML (\(error))") }
        func strings(_ key: String) -> [String: String] {
            var out: [String: String] = [:]
            for (name, value) in table[key]?.table ?? [:] { if let text = value.string { out[name] = text } }
            return out
        }
        let labels = strings("labels")
        let groupWords = strings("groups")
        var groups: [LetterGroup: String] = [:]
        for group in LetterGroup.allCases {
            guard let words = groupWords[group.slug] else { throw fail("[groups] has no \(group.slug)") }
            groups[group] = words
        }
        var statuses: [Int: String] = [:]
        for (key, words) in strings("statuses") { if let status = Int(key) { statuses[status] = words } }
        guard let other = strings("statuses")["other"] else { throw fail("[statuses] has no other") }
        var rejections: [ClassificationError.Code: (reason: String, fix: String)] = [:]
        let rejectionTable = table["rejections"]?.table
        for code in ClassificationError.Code.allCases {
            guard let entry = rejectionTable?["\(code)"]?.table, let reason = entry["reason"]?.string,
                  let fix = entry["fix"]?.string, !reason.isEmpty, !fix.isEmpty
            else { throw fail("[rejections.\(code)] needs reason and fix") }
            rejections[code] = (reason, fix)
        }
        return ReportWords(labels: labels, groups: groups, statuses: statuses, rejections: rejections, otherStatus: other)
    }
}
