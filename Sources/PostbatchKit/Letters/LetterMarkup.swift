internal import Glibc

/// A piece of running text with its emphasis: the unit the renderer sets.
package struct LetterRun: Hashable, Sendable {
    /// The characters, markup removed.
    package let text: String
    /// Whether the run was written `**bold**`.
    package let bold: Bool

    /// Creates a run.
    package init(_ text: String, bold: Bool = false) {
        self.text = text
        self.bold = bold
    }

    /// Runs are equal when their UTF-8 is: a `String` compares and hashes Danish text by
    /// normalising it, which cost a personal letter about a twentieth of its time in the
    /// renderer's look-ups, and pango sets canonically equal spellings apart anyway.
    package static func == (lhs: LetterRun, rhs: LetterRun) -> Bool {
        guard lhs.bold == rhs.bold, lhs.text.utf8.count == rhs.text.utf8.count else { return false }
        var left = lhs.text
        var right = rhs.text
        return left.withUTF8 { left in
            right.withUTF8 { right in left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0 }
        }
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(bold)
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(text.utf8.count)
    }
}

/// One block of a letter body: a heading, a paragraph or a bullet item.
package enum LetterBlock: Hashable, Sendable {
    /// `# text`: the letter's title.
    case title([LetterRun])
    /// `## text`: a section heading.
    case heading([LetterRun])
    /// Lines of text up to a blank line.
    case paragraph([LetterRun])
    /// `- text`: one item of a bullet list.
    case bullet([LetterRun])

    /// The runs of the block, whatever its kind.
    package var runs: [LetterRun] {
        switch self {
        case .title(let runs), .heading(let runs), .paragraph(let runs), .bullet(let runs): runs
        }
    }

    /// The block's text without markup.
    package var plainText: String { runs.map(\.text).joined() }
}

/// The small markup language of the letter templates (see `templates/README.md`).
///
/// - `# ` at the start of a line: the title; `## `: a section heading.
/// - A blank line ends a paragraph; lines of one paragraph are joined with a space.
/// - `- ` at the start of a line: a bullet item; a following line indented by two
///   spaces continues it.
/// - `**bold**` inside a line.
/// - `\` before `\ * # -` writes that character literally; variable values are
///   escaped this way, so a name can never turn into markup.
///
/// Anything else that looks like markup is an error: a lone `*`, `* item`, `+ item`,
/// `> quote`, `###`, backticks, `<`, an indented line, a tab.
enum LetterMarkup {
    /// A line that cannot be read, with the reason.
    struct Failure: Error, Sendable {
        /// 1-based line in the rendered text.
        let line: Int
        let detail: String
    }

    /// Escapes a value so that it reads back as the same literal text.
    ///
    /// Control characters (line breaks, tabs) become spaces: a value is one line.
    static func escape(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count + 4)
        for character in value {
            switch character {
            case "\\", "*", "#", "-", "`", "<", ">", "+":
                result.append("\\")
                result.append(character)
            case "\n", "\r", "\r\n", "\t":
                result.append(" ")
            default:
                if character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) {
                    result.append(" ")
                } else {
                    result.append(character)
                }
            }
        }
        return result
    }

    /// The text an escaped value prints as: control characters and line breaks become
    /// spaces, everything else stays.
    static func literal(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: isControl) else { return value }
        var result = ""
        for character in value {
            if character.unicodeScalars.allSatisfy(isControl) {
                result.append(" ")
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// A C0 or C1 control character (general category Cc).
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0)
    }

    /// Reads rendered template text into blocks.
    ///
    /// - Throws: ``Failure`` naming the first line with unknown markup.
    static func parse(_ text: String) throws(Failure) -> [LetterBlock] {
        var reader = BlockReader()
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            try reader.read(line, number: number)
        }
        try reader.close()
        return reader.blocks
    }

    /// Reads lines into blocks, keeping the paragraph or bullet item still open.
    private struct BlockReader {
        private enum Open { case none, paragraph, bullet }
        private(set) var blocks: [LetterBlock] = []
        private var open = Open.none
        private var pending = ""
        private var pendingLine = 0

        /// Ends the open paragraph or bullet item, if any.
        mutating func close() throws(Failure) {
            defer { pending = ""; open = .none }
            switch open {
            case .none: return
            case .paragraph: blocks.append(.paragraph(try LetterMarkup.runs(pending, line: pendingLine)))
            case .bullet: blocks.append(.bullet(try LetterMarkup.runs(pending, line: pendingLine)))
            }
        }

        /// Reads one line (1-based `number`).
        mutating func read(_ rawLine: Substring, number: Int) throws(Failure) {
            var line = rawLine
            if line.last == "\r" { line = line.dropLast() }
            while line.last == " " { line = line.dropLast() }
            if line.contains("\t") {
                throw Failure(line: number, detail: "tab character; use spaces")
            }
            if line.isEmpty {
                try close()
            } else if line.hasPrefix("  ") {
                guard open == .bullet, !line.dropFirst(2).hasPrefix(" ") else {
                    throw Failure(line: number, detail: "indented line \"\(LetterMarkup.excerpt(line))\"; only a bullet item's continuation is indented, by two spaces")
                }
                pending += " " + line.dropFirst(2)
            } else if line.hasPrefix("#") {
                try close()
                if line.hasPrefix("# ") {
                    blocks.append(.title(try LetterMarkup.runs(String(line.dropFirst(2)), line: number)))
                } else if line.hasPrefix("## ") {
                    blocks.append(.heading(try LetterMarkup.runs(String(line.dropFirst(3)), line: number)))
                } else {
                    throw Failure(line: number, detail: "unknown heading \"\(LetterMarkup.excerpt(line))\"; expected '# title' or '## heading'")
                }
            } else if line.hasPrefix("- ") {
                try close()
                open = .bullet
                pending = String(line.dropFirst(2))
                pendingLine = number
            } else {
                try text(line, number: number)
            }
        }

        /// A line of running text: starts a paragraph or continues the open one.
        private mutating func text(_ line: Substring, number: Int) throws(Failure) {
            for marker in ["* ", "+ ", "> ", " "] where line.hasPrefix(marker) {
                throw Failure(line: number, detail: "unknown markup \"\(LetterMarkup.excerpt(line))\"; expected '- ' for a bullet item")
            }
            if open == .bullet {
                // A plain line after a bullet item starts a paragraph.
                try close()
            }
            if open == .none {
                open = .paragraph
                pending = String(line)
                pendingLine = number
            } else {
                pending += " " + line
            }
        }
    }

    /// Reads the inline markup of one block: `**bold**` and backslash escapes.
    private static func runs(_ text: String, line: Int) throws(Failure) -> [LetterRun] {
        var result: [LetterRun] = []
        var current = ""
        var bold = false
        let iterator = Array(text)
        var index = 0
        while index < iterator.count {
            let character = iterator[index]
            switch character {
            case "\\":
                guard index + 1 < iterator.count, "\\*#-`<>+".contains(iterator[index + 1]) else {
                    throw Failure(line: line, detail: "unknown escape in \"\(excerpt(Substring(text)))\"; '\\' may precede only \\ * # - ` < > +")
                }
                current.append(iterator[index + 1])
                index += 2
                continue
            case "*":
                guard index + 1 < iterator.count, iterator[index + 1] == "*" else {
                    throw Failure(line: line, detail: "lone '*' in \"\(excerpt(Substring(text)))\"; expected '**bold**' or '\\*'")
                }
                if !current.isEmpty { result.append(LetterRun(current, bold: bold)) }
                current = ""
                bold.toggle()
                index += 2
                continue
            case "`", "<", ">":
                throw Failure(line: line, detail: "unknown markup '\(character)' in \"\(excerpt(Substring(text)))\"; escape it as '\\\(character)'")
            default:
                current.append(character)
            }
            index += 1
        }
        if bold {
            throw Failure(line: line, detail: "unclosed '**' in \"\(excerpt(Substring(text)))\"")
        }
        if !current.isEmpty { result.append(LetterRun(current, bold: false)) }
        return result
    }

    private static func excerpt(_ line: Substring) -> String {
        line.count > 60 ? String(line.prefix(57)) + "..." : String(line)
    }
}
