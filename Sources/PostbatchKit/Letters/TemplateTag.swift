internal import Foundation

/// One `{{…}}` tag of a template source, found by a scan of the text.
///
/// swift-mustache renders an unknown variable as nothing and keeps its tokens
/// private, so postbatch reads the tags itself to check names at load.
struct TemplateTag: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// `{{name}}`, `{{{name}}}`, `{{&name}}`
        case variable
        /// `{{#name}}`
        case section
        /// `{{^name}}`
        case invertedSection
        /// `{{/name}}`
        case sectionEnd
        /// `{{> name}}`
        case partial
        /// `{{! text}}`
        case comment
        /// set delimiters, pragmas, blocks, parents, dynamic partials
        case unsupported
    }

    let kind: Kind
    /// The name, trimmed; the sigil removed.
    let name: String
    /// The tag's content as written, for messages.
    let raw: String
    /// 1-based line of the tag's start.
    let line: Int

    /// A tag that never ends.
    struct Failure: Error {
        let line: Int
        let detail: String
    }

    /// Finds every tag in a template source.
    ///
    /// - Throws: ``Failure`` for a `{{` without its `}}`.
    static func scan(_ text: String) throws(Failure) -> [TemplateTag] {
        let bytes = Array(text.utf8)
        var tags: [TemplateTag] = []
        var index = 0
        var line = 1
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}"), newline = UInt8(ascii: "\n")
        while index < bytes.count {
            let byte = bytes[index]
            if byte == newline { line += 1 }
            guard byte == open, index + 1 < bytes.count, bytes[index + 1] == open else {
                index += 1
                continue
            }
            let startLine = line
            let triple = index + 2 < bytes.count && bytes[index + 2] == open
            let contentStart = index + (triple ? 3 : 2)
            let closer: [UInt8] = triple ? [close, close, close] : [close, close]
            var end = contentStart
            var found = false
            while end + closer.count <= bytes.count {
                if bytes[end] == newline { line += 1 }
                if Array(bytes[end..<(end + closer.count)]) == closer {
                    found = true
                    break
                }
                end += 1
            }
            guard found else {
                throw Failure(line: startLine, detail: "'{{' without a closing '\(triple ? "}}}" : "}}")'")
            }
            let content = String(decoding: bytes[contentStart..<end], as: UTF8.self)
            tags.append(classify(content, triple: triple, line: startLine))
            index = end + closer.count
        }
        return tags
    }

    private static func classify(_ content: String, triple: Bool, line: Int) -> TemplateTag {
        let trimmed = content.trimmingCharacters(in: .whitespacesAndNewlines)
        if triple {
            return TemplateTag(kind: .variable, name: trimmed, raw: "{\(content)}", line: line)
        }
        guard let sigil = trimmed.first else {
            return TemplateTag(kind: .variable, name: "", raw: content, line: line)
        }
        let rest = String(trimmed.dropFirst()).trimmingCharacters(in: .whitespacesAndNewlines)
        let kind: Kind
        switch sigil {
        case "!": kind = .comment
        case "#": kind = .section
        case "^": kind = .invertedSection
        case "/": kind = .sectionEnd
        case "&": kind = .variable
        case ">":
            kind = rest.hasPrefix("*") ? .unsupported : .partial
        case "=", "%", "$", "<": kind = .unsupported
        default:
            return TemplateTag(kind: .variable, name: trimmed, raw: content, line: line)
        }
        return TemplateTag(kind: kind, name: rest, raw: content, line: line)
    }
}
