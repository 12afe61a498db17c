public import Foundation
internal import Mustache

/// The HTML report's template: `report/report.mustache` and its partials (`style.mustache`),
/// read once and checked before anything is rendered.
///
/// The page's layout lives there and its words in ``ReportWords``; the numbers, bars and
/// escaping are made in code (``HTMLPage``), so the page holds every number of the JSON
/// once, readable by programs.
public struct ReportTemplate: Sendable {
    /// The folder the template was read from.
    public let folder: URL
    let library: MustacheLibrary
    /// The page's words in each language (`words.<language>.toml`).
    let words: [Language: ReportWords]

    /// The report's folder in a template folder: `report`.
    public static let folderName = "report"

    /// The file name of the page template in its folder.
    static let pageFile = "report.mustache"

    /// Reads every `.mustache` file of `folder`, and the words of each language.
    ///
    /// - Throws: ``ReportError`` `report_template_missing` when the folder has no
    ///   `report.mustache`; `report_template_syntax` when a file is not valid Mustache;
    ///   `report_words` when a language's words are missing or incomplete.
    public static func load(folder: URL) throws(ReportError) -> ReportTemplate {
        let page = folder.appendingPathComponent(pageFile)
        guard FileManager.default.fileExists(atPath: page.path) else {
            throw ReportError(code: .templateMissing, file: page.path, detail: "the report's template is missing")
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".mustache") }.sorted()
        var library = MustacheLibrary()
        for file in files {
            let url = folder.appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
            else { throw ReportError(code: .templateSyntax, file: url.path, detail: "cannot read the file as UTF-8 text") }
            do {
                library.register(try MustacheTemplate(string: text), named: String(file.dropLast(".mustache".count)))
            } catch let error as MustacheTemplate.ParserError {
                throw ReportError(code: .templateSyntax, file: url.path,
                                  detail: "line \(error.context.lineNumber): not valid Mustache (\(error.error))")
            } catch {
                throw ReportError(code: .templateSyntax, file: url.path, detail: "not valid Mustache (\(error))")
            }
        }
        var words: [Language: ReportWords] = [:]
        for language in Language.allCases {
            words[language] = try ReportWords.read(folder.appendingPathComponent(ReportWords.fileName(language)))
        }
        let labels = Set(words.values.flatMap(\.labels.keys))
        for (language, some) in words where Set(some.labels.keys) != labels {
            throw ReportError(code: .words, file: folder.appendingPathComponent(ReportWords.fileName(language)).path,
                              detail: "[labels] lacks \(labels.subtracting(some.labels.keys).sorted().joined(separator: ", ")), "
                                  + "which the other language has")
        }
        return ReportTemplate(folder: folder, library: library, words: words)
    }

    /// The template beside a campaign's letter templates (`<templates>/report/`) when there
    /// is one, else the one shipped with postbatch.
    ///
    /// - Parameter templates: the campaign's template folder.
    public static func locate(templates: URL?) throws(ReportError) -> ReportTemplate {
        guard let found = folder(templates: templates) else {
            throw ReportError(code: .templateMissing,
                              file: templates?.appendingPathComponent(folderName).path ?? "\(folderName)/\(pageFile)",
                              detail: "no report template here nor among the shipped templates")
        }
        return try load(folder: found.folder)
    }

    /// The folder ``locate(templates:)`` reads, and whether it is the shipped one; `nil`
    /// when there is none.
    public static func folder(templates: URL?) -> (folder: URL, shipped: Bool)? {
        var candidates = templates.map { [($0.appendingPathComponent(folderName), false)] } ?? []
        if let shared = ShareDirectory.current() { candidates.append((shared.templates.appendingPathComponent(folderName), true)) }
        return candidates.first { FileManager.default.fileExists(atPath: $0.0.appendingPathComponent(pageFile).path) }
    }

    /// The page for a context.
    func render(_ context: [String: Any]) -> String {
        library.render(context, withTemplate: "report") ?? ""
    }
}
