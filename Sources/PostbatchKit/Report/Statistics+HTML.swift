extension Statistics {
    /// The report as one self-contained HTML page, for people and for print.
    ///
    /// The page needs nothing from the network and runs no script: the style
    /// sheet and the charts (inline SVG) are part of it. It shows the
    /// conservation line `records = digital + print + skipped + rejected` and
    /// whether it holds, a stacked bar per letter group (digital and paper),
    /// the letters per wave date and per language, and the skip and reject
    /// reasons with counts and shares. It reads well on a phone (one column
    /// under 600 px) and prints on A4 (`@media print`).
    ///
    /// Every number of ``entries`` appears exactly once as a `<data>` element
    /// that carries its dotted key and value, so a program (or a test) can read
    /// the page back and compare it with the JSON:
    ///
    /// ```html
    /// <data data-key="letters.by_group.1" data-value="1234" value="1234">1,234</data>
    /// ```
    ///
    /// Other numbers on the page (shares, bar lengths) are derived from these.
    /// All text, the input name included, is HTML-escaped.
    ///
    /// - Parameter input: the input's name, shown in the heading; `nil` shows none.
    /// - Returns: the page, ending with a line break.
    public func html(input: String? = nil) -> String {
        var page = HTMLPage()
        let values = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        func value(_ key: String) -> Int { values[key] ?? 0 }
        func number(_ key: String, class name: String = "n") -> String {
            HTMLPage.number(key: key, value: value(key), class: name)
        }

        let digital = letters(channel: .digital)
        let paper = letters(channel: .print)
        let title = "postbatch report" + (input.map { " — \($0)" } ?? "")
        page.add("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="postbatch">
            <title>\(HTMLPage.escape(title))</title>
            <style>\(HTMLPage.styleSheet)</style>
            </head>
            <body>
            <main>
            <header>
            <h1>NemID → MitID letters: statistics</h1>
            """)
        if let input {
            page.add("<p class=\"input\">Input <code>\(HTMLPage.escape(input))</code></p>")
        }
        page.add("</header>")

        // MARK: Conservation
        let conserved = isConserved
        page.add("""
            <section class="conservation \(conserved ? "ok" : "bad")" aria-labelledby="h-conservation">
            <h2 id="h-conservation">Every record ends in one outcome</h2>
            <p class="equation">
            <span class="term total">\(number("records"))<span class="label">records</span></span>
            <span class="op">=</span>
            <span class="term digital">\(number("letters.by_channel.digital"))<span class="label">digital</span></span>
            <span class="op">+</span>
            <span class="term print">\(number("letters.by_channel.print"))<span class="label">print</span></span>
            <span class="op">+</span>
            <span class="term skipped">\(number("skipped.total"))<span class="label">skipped</span></span>
            <span class="op">+</span>
            <span class="term rejected">\(number("rejected.total"))<span class="label">rejected</span></span>
            </p>
            """)
        let accounted = digital + paper + totalSkipped + totalRejected
        if conserved {
            page.add("<p class=\"verdict\" data-conserved=\"true\"><span aria-hidden=\"true\">✓</span> The counts add up.</p>")
        } else {
            page.add("""
                <p class="verdict" data-conserved="false"><span aria-hidden="true">✗</span> The counts do not add up: \
                \(HTMLPage.grouped(records)) records, \(HTMLPage.grouped(accounted)) accounted for. \
                Do not send this batch; report it as a bug.</p>
                """)
        }
        page.add("</section>")

        // MARK: Groups
        let largestGroup = LetterGroup.allCases.map { letters(group: $0) }.max() ?? 0
        page.add("""
            <section aria-labelledby="h-groups">
            <h2 id="h-groups">Letters by group</h2>
            <p class="lead">\(number("letters.total", class: "n strong")) letters \
            <span class="legend"><span class="swatch digital"></span>digital \
            <span class="swatch print"></span>print</span></p>
            <ol class="groups">
            """)
        for group in LetterGroup.allCases {
            let key = "letters.by_group_channel.\(group.rawValue)"
            let groupDigital = letters(group: group, channel: .digital)
            let groupPaper = letters(group: group, channel: .print)
            let label = "group \(group.rawValue) \(group.slug): \(groupDigital) digital, \(groupPaper) print"
            page.add("""
                <li class="group">
                <div class="group-head"><span class="badge">\(group.rawValue)</span>\
                <span class="slug">\(HTMLPage.escape(group.slug))</span>\
                <span class="count">\(number("letters.by_group.\(group.rawValue)", class: "n strong"))\
                <span class="share">\(HTMLPage.share(letters(group: group), of: totalLetters))</span></span></div>
                \(HTMLPage.bar([("digital", groupDigital), ("print", groupPaper)], scale: largestGroup, label: label))
                <div class="split"><span class="digital"><span class="swatch digital"></span>digital \
                \(number("\(key).digital"))</span> <span class="print"><span class="swatch print"></span>print \
                \(number("\(key).print"))</span></div>
                </li>
                """)
        }
        page.add("</ol>\n</section>")

        // MARK: Dates and languages
        let largestDate = lettersByDate.map(\.count).max() ?? 0
        page.add("""
            <div class="pair">
            <section aria-labelledby="h-dates">
            <h2 id="h-dates">Letters by date</h2>
            <table>
            <thead><tr><th scope="col">date</th><th scope="col" class="num">letters</th>\
            <th scope="col" class="num">share</th><th scope="col" class="chart"><span class="sr">chart</span></th></tr></thead>
            <tbody>
            """)
        if lettersByDate.isEmpty {
            page.add("<tr><td colspan=\"4\" class=\"none\">no letters</td></tr>")
        }
        for (date, count) in lettersByDate {
            page.add("""
                <tr><th scope="row"><time datetime="\(date.iso)">\(date.iso)</time></th>\
                <td class="num">\(number("letters.by_date.\(date.iso)"))</td>\
                <td class="num share">\(HTMLPage.share(count, of: totalLetters))</td>\
                <td class="chart">\(HTMLPage.bar([("date", count)], scale: largestDate, label: "\(date.iso): \(count) letters"))</td></tr>
                """)
        }
        page.add("""
            </tbody>
            </table>
            </section>
            <section aria-labelledby="h-languages">
            <h2 id="h-languages">Letters by language</h2>
            <table>
            <thead><tr><th scope="col">language</th><th scope="col" class="num">letters</th>\
            <th scope="col" class="num">share</th><th scope="col" class="chart"><span class="sr">chart</span></th></tr></thead>
            <tbody>
            """)
        let largestLanguage = Language.allCases.map { letters(language: $0) }.max() ?? 0
        for language in Language.allCases {
            let count = letters(language: language)
            let name = language == .da ? "Danish" : "English"
            page.add("""
                <tr><th scope="row"><span class="language-name">\(name) <code>\(HTMLPage.escape(language.rawValue))</code></span></th>\
                <td class="num">\(number("letters.by_language.\(language.rawValue)"))</td>\
                <td class="num share">\(HTMLPage.share(count, of: totalLetters))</td>\
                <td class="chart">\(HTMLPage.bar([("language", count)], scale: largestLanguage, label: "\(name): \(count) letters"))</td></tr>
                """)
        }
        page.add("</tbody>\n</table>\n</section>\n</div>")

        // MARK: Reasons
        func reasons(_ id: String, _ heading: String, _ note: String, totalKey: String,
                     _ rows: [(reason: String, count: Int)], prefix: String, class name: String) {
            let largest = rows.map(\.count).max() ?? 0
            page.add("""
                <section aria-labelledby="h-\(id)">
                <h2 id="h-\(id)">\(heading) <span class="h-count">\(HTMLPage.grouped(value(totalKey)))</span></h2>
                <p class="note">\(note)</p>
                <table>
                <thead><tr><th scope="col">reason</th><th scope="col" class="num">records</th>\
                <th scope="col" class="num">of records</th><th scope="col" class="chart"><span class="sr">chart</span></th></tr></thead>
                <tbody>
                """)
            if rows.isEmpty {
                page.add("<tr><td colspan=\"4\" class=\"none\">none</td></tr>")
            }
            for (reason, count) in rows {
                page.add("""
                    <tr><th scope="row"><code>\(HTMLPage.breakable(reason))</code></th>\
                    <td class="num">\(number("\(prefix).\(reason)"))</td>\
                    <td class="num share">\(HTMLPage.share(count, of: records))</td>\
                    <td class="chart">\(HTMLPage.bar([(name, count)], scale: largest, label: "\(reason): \(count) records"))</td></tr>
                    """)
            }
            page.add("</tbody>\n</table>\n</section>")
        }
        page.add("<div class=\"pair\">")
        reasons("rejected", "Rejected", "Invalid records: fix them in the export and run them again.",
                totalKey: "rejected.total", rejectedByReason.map { ($0.reason.description, $0.count) },
                prefix: "rejected.by_reason", class: "rejected")
        reasons("skipped", "Skipped", "Valid records that get no letter because of their CPR status.",
                totalKey: "skipped.total", skippedByReason, prefix: "skipped.by_reason", class: "skipped")
        page.add("</div>")

        // MARK: Warnings
        page.add("""
            <section aria-labelledby="h-warnings">
            <h2 id="h-warnings">Warnings</h2>
            <p><code>cpr_no_mod11</code> \(number("warnings.cpr_no_mod11", class: "n strong")) \
            <span class="note">CPR numbers that fail the modulus-11 check. Not an error: numbers issued since 2007 may.</span></p>
            </section>
            <footer>Made by <code>postbatch stats --format html</code>; the same numbers as \
            <code>--format json</code>. No CPR numbers, names or addresses appear in this report.</footer>
            </main>
            </body>
            </html>
            """)
        return page.text
    }
}

/// Builds the HTML report: escaping, numbers, bars and the style sheet.
struct HTMLPage {
    private(set) var text = ""

    mutating func add(_ html: String) {
        text += html
        text += "\n"
    }

    /// A number with its key, readable by programs: `<data data-key=… data-value=…>`.
    static func number(key: String, value: Int, class name: String) -> String {
        "<data class=\"\(name)\" data-key=\"\(Self.escape(key))\" data-value=\"\(value)\" value=\"\(value)\">"
            + "\(Self.grouped(value))</data>"
    }

    /// Text made safe for HTML content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Escaped text that may wrap after each `_` on a narrow screen: `invalid_<wbr>cpr`.
    static func breakable(_ text: String) -> String {
        escape(text).replacingUnderscores()
    }

    /// `1234567` → `1,234,567`, as the table format writes it.
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var out = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    /// `41.2 %`, or an empty string when the whole is zero.
    static func share(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "" }
        let tenths = (part * 1000 + whole / 2) / whole
        return "\(tenths / 10).\(tenths % 10)\u{00A0}%"
    }

    /// A horizontal bar of stacked segments as inline SVG, `scale` filling the width.
    static func bar(_ segments: [(class: String, value: Int)], scale: Int, label: String) -> String {
        let width = 1000
        var svg = "<svg class=\"bar\" viewBox=\"0 0 \(width) 24\" preserveAspectRatio=\"none\" role=\"img\" "
            + "aria-label=\"\(escape(label))\"><title>\(escape(label))</title>"
            + "<rect class=\"track\" x=\"0\" y=\"0\" width=\"\(width)\" height=\"24\"/>"
        var x = 0
        for (name, value) in segments where value > 0 && scale > 0 {
            let length = max(2, value * width / scale)
            svg += "<rect class=\"\(escape(name))\" x=\"\(x)\" y=\"0\" width=\"\(min(length, width - x))\" height=\"24\"/>"
            x += length
        }
        return svg + "</svg>"
    }

    static let styleSheet = """

        :root{--ink:#1b1f24;--muted:#5b6470;--line:#d9dee4;--panel:#f5f7f9;--digital:#1d5fa6;--print:#d9822b;\
        --skipped:#7a6f9b;--rejected:#b23a3a;--ok:#1e7a46;--track:#eceff3}
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%}
        body{margin:0;color:var(--ink);background:#fff;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,\
        "DejaVu Sans",sans-serif}
        main{max-width:62rem;margin:0 auto;padding:1.25rem 1rem 2rem}
        h1{font-size:1.6rem;line-height:1.2;margin:0 0 .25rem}
        h2{font-size:1.15rem;margin:0 0 .6rem}
        .h-count{color:var(--muted);font-weight:600}
        .input{margin:0;color:var(--muted);overflow-wrap:anywhere}
        code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.92em}
        section{margin:1.25rem 0;padding:1rem;border:1px solid var(--line);border-radius:.6rem;break-inside:avoid}
        .pair{display:grid;grid-template-columns:1fr 1fr;gap:0 1.25rem}
        .pair>section{margin:0 0 1.25rem}
        .pair+section,.pair+.pair{margin-top:0}
        .conservation{background:var(--panel)}
        .equation{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem .6rem;margin:0}
        .term{display:inline-flex;flex-direction:column;align-items:center;min-width:4.5rem;padding:.35rem .6rem;\
        border-radius:.45rem;background:#fff;border:1px solid var(--line);border-top:4px solid var(--muted)}
        .term .n{font-size:1.4rem;font-weight:700;font-variant-numeric:tabular-nums}
        .term .label{font-size:.8rem;color:var(--muted)}
        .term.digital{border-top-color:var(--digital)}
        .term.print{border-top-color:var(--print)}
        .term.skipped{border-top-color:var(--skipped)}
        .term.rejected{border-top-color:var(--rejected)}
        .op{font-size:1.3rem;color:var(--muted)}
        .verdict{margin:.75rem 0 0;font-weight:600}
        .ok .verdict{color:var(--ok)}
        .bad{border-color:var(--rejected)}
        .bad .verdict{color:var(--rejected)}
        .lead{margin:0 0 .75rem}
        .strong{font-weight:700}
        .legend{margin-left:.75rem;color:var(--muted);font-size:.9rem;white-space:nowrap}
        .swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin:0 .3em 0 .5em;vertical-align:-.05em;\
        -webkit-print-color-adjust:exact;print-color-adjust:exact}
        .swatch.digital{background:var(--digital)}
        .swatch.print{background:var(--print)}
        .groups{list-style:none;margin:0;padding:0}
        .group{margin:0 0 .9rem}
        .group-head{display:flex;align-items:baseline;gap:.5rem}
        .badge{display:inline-block;min-width:1.5rem;text-align:center;border-radius:1rem;background:var(--ink);color:#fff;\
        font-weight:700;font-size:.85rem;padding:0 .4rem;-webkit-print-color-adjust:exact;print-color-adjust:exact}
        .slug{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-weight:600;overflow-wrap:anywhere}
        .count{margin-left:auto;white-space:nowrap;font-variant-numeric:tabular-nums}
        .share{color:var(--muted);margin-left:.5rem;font-size:.9rem}
        .split{font-size:.9rem;color:var(--muted);display:flex;gap:1rem}
        .split .swatch{margin-left:0}
        .split .n{color:var(--ink);font-variant-numeric:tabular-nums}
        svg.bar{display:block;width:100%;height:1.1rem;margin:.3rem 0 .2rem;border-radius:3px}
        td.chart svg.bar{height:.8rem;margin:0;min-width:3rem}
        svg.bar rect{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        .bar .track{fill:var(--track)}
        .bar .digital,.bar .date,.bar .language{fill:var(--digital)}
        .bar .print{fill:var(--print)}
        .bar .skipped{fill:var(--skipped)}
        .bar .rejected{fill:var(--rejected)}
        table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
        th,td{padding:.3rem .4rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
        thead th{font-size:.8rem;color:var(--muted);font-weight:600}
        tbody th{font-weight:500}
        tbody th time,.language-name{white-space:nowrap}
        .num{text-align:right;white-space:nowrap}
        td.chart,th.chart{width:35%}
        .none{color:var(--muted);font-style:italic}
        .note{color:var(--muted);font-size:.9rem;margin:.1rem 0 .6rem}
        .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        footer{color:var(--muted);font-size:.85rem;margin-top:1.5rem}
        @media (max-width:600px){
        main{padding:.75rem .6rem 1.5rem}
        h1{font-size:1.3rem}
        section{padding:.75rem;border-radius:.5rem}
        .pair{display:block}
        .pair>section{margin:1rem 0}
        .term{min-width:3.9rem;padding:.25rem .4rem}
        .term .n{font-size:1.15rem}
        .op{font-size:1.05rem}
        th,td{padding:.3rem .25rem}
        td.chart,th.chart{width:22%}
        td.chart svg.bar{min-width:0}
        tbody th code{font-size:.85em}
        .legend{display:block;margin:.2rem 0 0}
        }
        @media print{
        @page{size:A4;margin:14mm}
        body{font-size:10.5pt}
        main{max-width:none;padding:0}
        section{border-color:#bbb;margin:0 0 8pt;padding:8pt}
        .conservation{background:none}
        .pair{display:block}
        .pair>section{margin:0 0 8pt}
        th,td{padding:2pt 4pt}
        td.chart,th.chart{width:40%}
        footer{margin-top:8pt}
        }

        """
}

extension String {
    /// The text with a `<wbr>` after every `_`.
    fileprivate func replacingUnderscores() -> String {
        var out = ""
        for character in self {
            out.append(character)
            if character == "_" { out += "<wbr>" }
        }
        return out
    }
}
