extension LetterContent {
    /// The letter as plain text, as a person reads it: sender, recipient, date, the
    /// body with headings and bullets, and the footer; wrapped at 78 characters.
    ///
    /// The postal address appears only if the content holds it (paper letters, and
    /// not when composed with `redactProtectedAddress` for a protected address).
    package var text: String {
        var out: [String] = []
        out.append(senderName)
        out += senderAddressLines
        out.append(senderContact)
        out.append("")
        out += recipientLines
        out.append("")
        out.append(dateText)
        for block in blocks {
            out.append("")
            switch block {
            case .title(let runs):
                let line = Self.plain(runs)
                out += Self.wrap(line, width: Self.width)
                out.append(String(repeating: "=", count: min(Self.width, line.count)))
            case .heading(let runs):
                let line = Self.plain(runs)
                out += Self.wrap(line, width: Self.width)
                out.append(String(repeating: "-", count: min(Self.width, line.count)))
            case .paragraph(let runs):
                out += Self.wrap(Self.plain(runs), width: Self.width)
            case .bullet(let runs):
                if out.last == "" && Self.isBulletLine(out.dropLast().last) { out.removeLast() }
                let wrapped = Self.wrap(Self.plain(runs), width: Self.width - 4)
                for (index, line) in wrapped.enumerated() {
                    out.append((index == 0 ? "  • " : "    ") + line)
                }
            }
        }
        out.append("")
        out.append(String(repeating: "-", count: Self.width))
        out += Self.wrap(footerText, width: Self.width)
        return out.joined(separator: "\n") + "\n"
    }

    private static let width = 78

    private static func isBulletLine(_ line: String?) -> Bool {
        guard let line else { return false }
        return line.hasPrefix("  • ") || line.hasPrefix("    ")
    }

    private static func plain(_ runs: [LetterRun]) -> String { runs.map(\.text).joined() }

    /// Breaks text into lines of at most `width` characters at spaces; a longer word gets its own line.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
