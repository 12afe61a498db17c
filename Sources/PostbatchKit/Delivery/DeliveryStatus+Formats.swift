internal import Foundation

extension DeliveryStatus {
    /// The status as text: a table (like `stats`), JSON or one self-contained HTML page.
    ///
    /// - Parameter format: `table`, `json` or `html` (`csv` gives the table).
    public func rendered(as format: ReportFormat) -> String {
        switch format {
        case .json: json()
        case .html: html()
        default: table()
        }
    }

    /// What the formats say of a spool without a ledger.
    static let neverDelivered = "not delivered yet: 'postbatch deliver' has not run on this spool (it has no ledger), "
        + "so every digital letter is not sent"

    func table() -> String {
        let states = LetterState.allCases
        var rows: [[String]] = [["group", "channel"] + states.map(\.title) + ["total"]]
        for group in LetterGroup.allCases {
            for channel in Channel.allCases {
                let cells = states.map { counts[group]?[channel]?[$0] ?? 0 }
                rows.append(["\(group.rawValue) \(group.slug)", channel.rawValue] + cells.map(String.init)
                            + [String(cells.reduce(0, +))])
            }
        }
        let totals = states.map { total($0) }
        rows.append(["all", ""] + totals.map(String.init) + [String(totals.reduce(0, +))])
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for (index, row) in rows.enumerated() {
            let cells = row.enumerated().map { column, cell in
                column < 2 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }
            text += cells.joined(separator: "  ") + "\n"
            if index == 0 || index == rows.count - 2 {
                text += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
            }
        }
        if !delivered { text += "\n\(Self.neverDelivered)\n" }
        text += "\nproblems: \(problemCount)"
        if !problemCounts.isEmpty {
            text += " (" + problemCounts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
                .joined(separator: ", ") + ")"
        }
        text += "\n"
        for problem in problems {
            text += "  \(problem.kind)  \(problem.uuid)  group \(problem.group.rawValue) \(problem.channel.rawValue)  \(problem.detail)\n"
        }
        if problems.count < problemCount {
            text += "  … and \(problemCount - problems.count) more (--max-problems 0 lists all)\n"
        }
        if unknownReceipts > 0 {
            text += "receipts for messages this spool does not hold: \(unknownReceipts)\n"
        }
        return text
    }

    var jsonObject: [String: Any] {
        var byGroup: [String: Any] = [:]
        for group in LetterGroup.allCases {
            var byChannel: [String: Any] = [:]
            for channel in Channel.allCases {
                var byState: [String: Int] = [:]
                for state in LetterState.allCases { byState[state.rawValue] = counts[group]?[channel]?[state] ?? 0 }
                byChannel[channel.rawValue] = byState
            }
            byGroup[String(group.rawValue)] = byChannel
        }
        var totals: [String: Int] = [:]
        for state in LetterState.allCases { totals[state.rawValue] = total(state) }
        return [
            "by_group_channel_status": byGroup,
            "by_status": totals,
            "problems": [
                "total": problemCount,
                "by_kind": problemCounts,
                "listed": problems.map {
                    ["kind": $0.kind, "uuid": $0.uuid, "group": $0.group.rawValue, "channel": $0.channel.rawValue,
                     "detail": $0.detail] as [String: Any]
                },
            ] as [String: Any],
            "unknown_receipts": unknownReceipts,
            "delivered": delivered,
        ]
    }

    func json() -> String {
        let data = (try? JSONSerialization.data(withJSONObject: jsonObject, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    func html() -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let states = LetterState.allCases
        var body = "<table><thead><tr><th>group</th><th>channel</th>"
            + states.map { "<th>\(escape($0.title))</th>" }.joined() + "<th>total</th></tr></thead><tbody>\n"
        for group in LetterGroup.allCases {
            for channel in Channel.allCases {
                let cells = states.map { counts[group]?[channel]?[$0] ?? 0 }
                body += "<tr><td>\(group.rawValue) \(escape(group.slug))</td><td>\(channel.rawValue)</td>"
                    + cells.map { "<td class=n>\($0)</td>" }.joined() + "<td class=n>\(cells.reduce(0, +))</td></tr>\n"
            }
        }
        let totals = states.map { total($0) }
        body += "<tr class=total><td>all</td><td></td>" + totals.map { "<td class=n>\($0)</td>" }.joined()
            + "<td class=n>\(totals.reduce(0, +))</td></tr></tbody></table>\n"
        if !delivered { body += "<p>\(escape(Self.neverDelivered))</p>\n" }
        body += "<h2>Problems: \(problemCount)</h2>\n<table><thead><tr><th>kind</th><th>message</th><th>group</th><th>channel</th><th>detail</th></tr></thead><tbody>\n"
        for problem in problems {
            body += "<tr><td>\(escape(problem.kind))</td><td><code>\(problem.uuid)</code></td><td>\(problem.group.rawValue)</td>"
                + "<td>\(problem.channel.rawValue)</td><td>\(escape(problem.detail))</td></tr>\n"
        }
        body += "</tbody></table>\n"
        if problems.count < problemCount {
            body += "<p>… and \(problemCount - problems.count) more.</p>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>postbatch delivery status</title>
            <style>body{font-family:system-ui,sans-serif;margin:1rem}table{border-collapse:collapse;margin-bottom:1rem}
            th,td{border:1px solid #ccc;padding:.2rem .5rem}td.n{text-align:right}tr.total{font-weight:bold}
            div.scroll{overflow-x:auto}</style></head>
            <body><h1>Delivery status</h1><div class=scroll>
            \(body)</div></body></html>

            """
    }
}
