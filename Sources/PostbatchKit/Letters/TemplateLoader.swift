internal import Foundation
internal import Mustache

/// Reads the template folder into one Mustache library per language and checks
/// every file's tags before anything is rendered.
struct TemplateLoader {
    let directory: URL

    /// The library name of a group's template: `letter/bank`. Not usable as a partial.
    static func groupName(_ group: LetterGroup) -> String { "letter/\(group.slug)" }

    /// The template's path relative to the template folder: `da/bank.mustache`.
    static func groupFile(_ group: LetterGroup, _ language: Language) -> String {
        Campaign.templateFile(group, language)
    }

    /// Every template source of one language, checked for tags, by library name.
    private struct Source {
        let name: String
        let path: String
        let text: String
        let tags: [TemplateTag]
    }

    /// Loads every language.
    func loadAll() throws(LetterError) -> [Language: MustacheLibrary] {
        var libraries: [Language: MustacheLibrary] = [:]
        for language in Language.allCases {
            libraries[language] = try load(language)
        }
        return libraries
    }

    /// Loads the group templates and partials of one language and checks their tags.
    func load(_ language: Language) throws(LetterError) -> MustacheLibrary {
        var sources: [Source] = []
        for group in LetterGroup.allCases {
            let url = directory.appendingPathComponent(Self.groupFile(group, language))
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw LetterError(code: .missingTemplate, file: url.path,
                                  detail: "missing; expected the \(language) template of group \(group.rawValue) (\(group.slug))")
            }
            sources.append(try read(url, name: Self.groupName(group)))
        }
        let partialFolder = directory.appendingPathComponent("\(language.rawValue)/partials")
        let partialFiles = ((try? FileManager.default.contentsOfDirectory(atPath: partialFolder.path)) ?? [])
            .filter { $0.hasSuffix(".mustache") }
            .sorted()
        for file in partialFiles {
            let name = String(file.dropLast(".mustache".count))
            sources.append(try read(partialFolder.appendingPathComponent(file), name: name))
        }
        let partialNames = Set(partialFiles.map { String($0.dropLast(".mustache".count)) })

        var library = MustacheLibrary()
        var includes: [String: [String]] = [:]
        for source in sources {
            try check(source, partials: partialNames)
            includes[source.name] = source.tags.compactMap { $0.kind == .partial ? $0.name : nil }
            do {
                // TEXT: no HTML escaping; values are escaped for the letter markup instead.
                // The pragma shares the first line, so line numbers stay those of the file.
                library.register(try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + source.text), named: source.name)
            } catch let error as MustacheTemplate.ParserError {
                throw LetterError(code: .templateSyntax, file: source.path, line: error.context.lineNumber,
                                  detail: "not valid Mustache (\(error.error)) near \"\(error.context.line.trimmingCharacters(in: .whitespaces))\"")
            } catch {
                throw LetterError(code: .templateSyntax, file: source.path, detail: "not valid Mustache (\(error))")
            }
        }
        try checkCycles(includes, sources: sources)
        return library
    }

    private func read(_ url: URL, name: String) throws(LetterError) -> Source {
        guard let data = FileManager.default.contents(atPath: url.path),
              let text = String(data: data, encoding: .utf8)
        else {
            throw LetterError(code: .unreadableTemplate, file: url.path, detail: "cannot read the file as UTF-8 text")
        }
        let tags: [TemplateTag]
        do {
            tags = try TemplateTag.scan(text)
        } catch {
            throw LetterError(code: .templateSyntax, file: url.path, line: error.line, detail: error.detail)
        }
        return Source(name: name, path: url.path, text: text, tags: tags)
    }

    /// Checks that every tag names a known variable or an existing partial.
    private func check(_ source: Source, partials: Set<String>) throws(LetterError) {
        var sections: [String] = []
        for tag in source.tags {
            switch tag.kind {
            case .comment:
                continue
            case .unsupported:
                throw LetterError(code: .unsupportedTag, file: source.path, line: tag.line,
                                  detail: "tag \"{{\(tag.raw)}}\" is not supported; use variables, sections, comments and partials")
            case .partial:
                guard partials.contains(tag.name) else {
                    let known = partials.sorted().joined(separator: ", ")
                    throw LetterError(code: .unknownPartial, file: source.path, line: tag.line,
                                      detail: "partial '\(tag.name)' does not exist; expected partials/\(tag.name).mustache (known: \(known.isEmpty ? "none" : known))")
                }
            case .sectionEnd:
                if sections.last == tag.name { sections.removeLast() }
            case .section, .invertedSection, .variable:
                if tag.name == "." {
                    guard !sections.isEmpty else {
                        throw LetterError(code: .unknownVariable, file: source.path, line: tag.line,
                                          detail: "'{{.}}' outside a section; expected it inside {{#address_lines}} or {{#sender_address_lines}}")
                    }
                } else if !TemplateValues.names.contains(tag.name) {
                    let known = TemplateValues.names.sorted().joined(separator: ", ")
                    throw LetterError(code: .unknownVariable, file: source.path, line: tag.line,
                                      detail: "unknown variable '\(tag.name)'; expected one of \(known)")
                }
                if tag.kind != .variable { sections.append(tag.name) }
            }
        }
    }

    /// A partial that includes itself, directly or not, would never finish rendering.
    private func checkCycles(_ includes: [String: [String]], sources: [Source]) throws(LetterError) {
        var done: Set<String> = []
        var path: [String] = []
        func visit(_ name: String) -> [String]? {
            if let start = path.firstIndex(of: name) { return Array(path[start...]) + [name] }
            if done.contains(name) { return nil }
            path.append(name)
            for next in includes[name] ?? [] {
                if let cycle = visit(next) { return cycle }
            }
            path.removeLast()
            done.insert(name)
            return nil
        }
        for source in sources {
            if let cycle = visit(source.name) {
                throw LetterError(code: .partialCycle, file: source.path,
                                  detail: "partials include each other in a loop: \(cycle.joined(separator: " → "))")
            }
        }
    }
}
