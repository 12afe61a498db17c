/// The forms a statistics report can take.
public enum ReportFormat: String, CaseIterable, Sendable {
    /// For people: aligned columns with group slugs and the conservation line.
    case table
    /// SPEC §5, for programs.
    case json
    /// One `key,value` line per number, keys as dotted JSON paths.
    case csv
    /// One self-contained HTML page with a chart per group (see ``Statistics/html(input:)``).
    case html
}

extension Statistics {
    /// The report in a format, ending with a line break.
    public func rendered(as format: ReportFormat, input: String? = nil) -> String {
        switch format {
        case .table: table(input: input)
        case .json: json()
        case .csv: csv()
        case .html: html(input: input)
        }
    }

    /// Every number of the report as (dotted key, value), in report order.
    ///
    /// The JSON and CSV forms are both made from this list, so they cannot disagree.
    public var entries: [(key: String, value: Int)] {
        var rows: [(String, Int)] = [("records", records), ("letters.total", totalLetters)]
        for group in LetterGroup.allCases {
            rows.append(("letters.by_group.\(group.rawValue)", letters(group: group)))
        }
        for channel in Channel.allCases {
            rows.append(("letters.by_channel.\(channel.rawValue)", letters(channel: channel)))
        }
        for group in LetterGroup.allCases {
            for channel in Channel.allCases {
                rows.append(("letters.by_group_channel.\(group.rawValue).\(channel.rawValue)",
                             letters(group: group, channel: channel)))
            }
        }
        for language in Language.allCases {
            rows.append(("letters.by_language.\(language.rawValue)", letters(language: language)))
        }
        for (date, count) in lettersByDate {
            rows.append(("letters.by_date.\(date.iso)", count))
        }
        rows.append(("skipped.total", totalSkipped))
        for (reason, count) in skippedByReason {
            rows.append(("skipped.by_reason.\(reason)", count))
        }
        rows.append(("rejected.total", totalRejected))
        for (code, count) in rejectedByReason {
            rows.append(("rejected.by_reason.\(code)", count))
        }
        rows.append(("warnings.cpr_no_mod11", modulus11Warnings))
        return rows
    }

    /// SPEC §5 as JSON, keys in a stable order, two-space indented.
    /// SPEC §5 as JSON; for a shard's spool, with the letters that shard wrote under
    /// `shard.letters` (the rest of the report covers the whole input).
    ///
    /// - Parameter includingNotes: add `notes` (quoted fields over several lines) when there
    ///   are any, as a spool's `report.json` does; `stats` keeps to SPEC §5's counts.
    public func json(shard: ShardReport? = nil, includingNotes: Bool = false) -> String {
        var entries = self.entries
        if let shard {
            entries.append(("shard.index", shard.index))
            entries.append(("shard.count", shard.count))
            entries += shard.letters.entries.filter { $0.key.hasPrefix("letters.") }.map { ("shard." + $0.key, $0.value) }
        }
        // Build a tree of the dotted keys, keeping first-seen order.
        final class Node {
            var value: Int?
            var keys: [String] = []
            var children: [String: Node] = [:]
            func child(_ key: String) -> Node {
                if let node = children[key] { return node }
                let node = Node()
                children[key] = node
                keys.append(key)
                return node
            }
        }
        let root = Node()
        for (key, value) in entries {
            // Dates hold no dots, reasons neither; split on every dot.
            var node = root
            for part in key.split(separator: ".") { node = node.child(String(part)) }
            node.value = value
        }
        // Maps that SPEC §5 shows as objects even when empty.
        for key in ["skipped.by_reason", "rejected.by_reason", "letters.by_date"] + (shard == nil ? [] : ["shard.letters.by_date"]) {
            var node = root
            for part in key.split(separator: ".") { node = node.child(String(part)) }
        }
        var out = ""
        func write(_ node: Node, indent: String) {
            if let value = node.value {
                out += String(value)
                return
            }
            if node.keys.isEmpty {
                out += "{}"
                return
            }
            out += "{\n"
            for (index, key) in node.keys.enumerated() {
                guard let child = node.children[key] else { continue }
                out += "\(indent)  \"\(key)\": "
                write(child, indent: indent + "  ")
                out += index == node.keys.count - 1 ? "\n" : ",\n"
            }
            out += "\(indent)}"
        }
        write(root, indent: "")
        let notes = includingNotes ? self.notes : []
        if !notes.isEmpty, out.hasSuffix("\n}") {
            // Text, not counts: after the counts, as a list of strings.
            out.removeLast(2)
            out += ",\n  \"notes\": [\n" + notes.map { "    " + Self.jsonString($0) }.joined(separator: ",\n") + "\n  ]\n}"
        }
        return out + "\n"
    }

    /// `key,value` lines under a header line.
    public func csv() -> String {
        var out = "key,value\n"
        for (key, value) in entries { out += "\(key),\(value)\n" }
        return out
    }

    /// A table for people.
    public func table(input: String? = nil) -> String {
        var lines: [String] = []
        let digital = letters(channel: .digital)
        let paper = letters(channel: .print)
        func number(_ value: Int) -> String {
            // 1234567 → 1,234,567
            let digits = Array(String(value))
            var out = ""
            for (index, digit) in digits.enumerated() {
                if index > 0, (digits.count - index) % 3 == 0 { out += "," }
                out.append(digit)
            }
            return out
        }
        func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
            let gap = String(repeating: " ", count: max(0, width - text.count))
            return right ? gap + text : text + gap
        }
        func share(_ part: Int, of whole: Int) -> String {
            guard whole > 0 else { return "" }
            let tenths = (part * 1000 + whole / 2) / whole
            return "\(tenths / 10).\(tenths % 10) %"
        }
        if let input { lines.append("Input: \(input)") }
        lines.append("Records: \(number(records))")
        lines.append("  = digital \(number(digital)) + print \(number(paper)) + skipped \(number(totalSkipped)) + rejected \(number(totalRejected))"
                     + (isConserved ? "" : "   (DOES NOT ADD UP)"))
        lines.append("")
        lines.append(pad("Letters by group", 28) + pad("digital", 11, right: true) + pad("print", 11, right: true)
                     + pad("total", 11, right: true) + pad("share", 9, right: true))
        for group in LetterGroup.allCases {
            lines.append(pad("  \(group.rawValue) \(group.slug)", 28)
                         + pad(number(letters(group: group, channel: .digital)), 11, right: true)
                         + pad(number(letters(group: group, channel: .print)), 11, right: true)
                         + pad(number(letters(group: group)), 11, right: true)
                         + pad(share(letters(group: group), of: totalLetters), 9, right: true))
        }
        lines.append(pad("  all groups", 28) + pad(number(digital), 11, right: true)
                     + pad(number(paper), 11, right: true) + pad(number(totalLetters), 11, right: true))
        lines.append("")
        lines.append("Letters by language")
        for language in Language.allCases {
            let count = letters(language: language)
            lines.append(pad("  \(language.rawValue)", 28) + pad(number(count), 11, right: true)
                         + pad(share(count, of: totalLetters), 9, right: true))
        }
        lines.append("")
        lines.append("Letters by date")
        if lettersByDate.isEmpty { lines.append("  (none)") }
        for (date, count) in lettersByDate {
            lines.append(pad("  \(date.iso)", 28) + pad(number(count), 11, right: true)
                         + pad(share(count, of: totalLetters), 9, right: true))
        }
        lines.append("")
        lines.append("Skipped by reason" + pad(number(totalSkipped), 22, right: true))
        for (reason, count) in skippedByReason {
            lines.append(pad("  \(reason)", 28) + pad(number(count), 11, right: true))
        }
        lines.append("")
        lines.append("Rejected by reason" + pad(number(totalRejected), 21, right: true))
        for (code, count) in rejectedByReason {
            lines.append(pad("  \(code)", 28) + pad(number(count), 11, right: true))
        }
        lines.append("")
        lines.append("Warnings")
        lines.append(pad("  cpr_no_mod11", 28) + pad(number(modulus11Warnings), 11, right: true))
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Statistics {
    /// A JSON string literal.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += "\\u" + DecimalText.padded(scalar.value, width: 4, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
