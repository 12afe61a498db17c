/// The forms a statistics report can take.
public enum ReportFormat: String, CaseIterable, Sendable {
    /// For people: aligned columns with group slugs and the conservation line.
    case table
    /// SPEC §5, for programs.
    case json
    /// One `key,value` line per number, keys as dotted JSON paths.
    case csv
    /// One self-contained HTML page with a chart per group (see ``Statistics/html(_:template:)``).
    case html
}

extension Statistics {
    /// The report in a format, ending with a line break.
    ///
    /// - Parameters:
    ///   - input: the input's name, for the table's and the page's heading.
    ///   - page: for HTML, the page's options (language, paper day) and template; without it
    ///     the shipped template in English, or, when none is found, a page that says so.
    public func rendered(as format: ReportFormat, input: String? = nil,
                        page: (options: HTMLReportOptions, template: ReportTemplate)? = nil) -> String {
        switch format {
        case .table: return table(input: input)
        case .json: return json()
        case .csv: return csv()
        case .html:
            if let page { return html(page.options, template: page.template) }
            do {
                return html(HTMLReportOptions(input: input), template: try ReportTemplate.locate(templates: nil))
            } catch {
                return "<!DOCTYPE html>\n<title>postbatch</title>\n<p>\(HTMLPage.escape(error.description))</p>\n"
            }
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
        let (digital, paper) = (letters(channel: .digital), letters(channel: .print))
        let number = { HTMLPage.grouped($0) }
        let row = Self.tableRow
        func share(_ part: Int) -> String {
            guard totalLetters > 0 else { return "" }
            let tenths = (part * 1000 + totalLetters / 2) / totalLetters
            return "\(tenths / 10).\(tenths % 10) %"
        }
        var lines: [String] = input.map { ["Input: \($0)"] } ?? []
        lines.append("Records: \(number(records))")
        lines.append("  = digital \(number(digital)) + print \(number(paper)) + skipped \(number(totalSkipped)) + rejected \(number(totalRejected))"
                     + (isConserved ? "" : "   (DOES NOT ADD UP)"))
        lines += ["", row("Letters by group", ["digital", "print", "total"], "share")]
        for group in LetterGroup.allCases {
            lines.append(row("  \(group.rawValue) \(group.slug)",
                             [number(letters(group: group, channel: .digital)), number(letters(group: group, channel: .print)),
                              number(letters(group: group))], share(letters(group: group))))
        }
        lines.append(row("  all groups", [number(digital), number(paper), number(totalLetters)], nil))
        lines += ["", "Letters by language"]
        for language in Language.allCases {
            lines.append(row("  \(language.rawValue)", [number(letters(language: language))], share(letters(language: language))))
        }
        lines += ["", "Letters by date"]
        if lettersByDate.isEmpty { lines.append("  (none)") }
        for (date, count) in lettersByDate { lines.append(row("  \(date.iso)", [number(count)], share(count))) }
        lines += ["", row("Skipped by reason", [number(totalSkipped)], nil)]
        for (reason, count) in skippedByReason { lines.append(row("  \(reason)", [number(count)], nil)) }
        lines += ["", row("Rejected by reason", [number(totalRejected)], nil)]
        for (code, count) in rejectedByReason { lines.append(row("  \(code)", [number(count)], nil)) }
        lines += ["", "Warnings", row("  cpr_no_mod11", [number(modulus11Warnings)], nil)]
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row of the table: the label in 28 columns, each number right-aligned in 11, the share in 9.
    static func tableRow(_ label: String, _ columns: [String], _ share: String?) -> String {
        func pad(_ text: String, _ width: Int, right: Bool = true) -> String {
            let gap = String(repeating: " ", count: max(0, width - text.count))
            return right ? gap + text : text + gap
        }
        return pad(label, 28, right: false) + columns.map { pad($0, 11) }.joined() + (share.map { pad($0, 9) } ?? "")
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
