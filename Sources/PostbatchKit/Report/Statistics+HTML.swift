internal import Foundation

/// What an HTML report shows besides the statistics.
public struct HTMLReportOptions: Sendable {
    /// The input's name, shown in the heading; `nil` shows none.
    public var input: String?
    /// The language of the page's words (`--report-language`).
    public var language: Language
    /// The paper letters' date, marked as such among the dates.
    public var printDay: CalendarDate?
    /// The run's facts, for a spool's `report.html`; `nil` for `stats`.
    public var facts: RunFacts?

    public init(input: String? = nil, language: Language = .en, printDay: CalendarDate? = nil, facts: RunFacts? = nil) {
        self.input = input
        self.language = language
        self.printDay = printDay
        self.facts = facts
    }
}

extension Statistics {
    /// The report as one self-contained HTML page, for people and for print.
    ///
    /// The page comes from ``ReportTemplate`` (`templates/report/report.mustache`) with the
    /// words of ``HTMLReportOptions/language``. It needs nothing from the network and runs
    /// no script: the style sheet and the charts (inline SVG) are part of it. It shows the
    /// run's facts (a spool's report), the conservation line
    /// `records = digital + print + skipped + rejected` and whether it holds, the five groups
    /// in plain language with a stacked bar each (digital and paper), the letters per date
    /// (the paper day marked) and per language, and the skip and reject reasons in words,
    /// with the code beside and, for rejections, what to fix, sorted by count.
    ///
    /// Every number of ``entries`` appears exactly once as a `<data>` element that carries
    /// its dotted key and value, so a program (or a test) can read the page back:
    ///
    /// ```html
    /// <data data-key="letters.by_group.1" data-value="1234" value="1234">1,234</data>
    /// ```
    ///
    /// All text, the input name included, is HTML-escaped.
    public func html(_ options: HTMLReportOptions = HTMLReportOptions(), template: ReportTemplate) -> String {
        let words = template.words[options.language] ?? .none
        let danish = options.language == .da
        let separator: Character = danish ? "." : ","
        let values = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        func number(_ key: String, class name: String = "n") -> String {
            HTMLPage.number(key: key, value: values[key] ?? 0, class: name, separator: separator)
        }
        func share(_ part: Int, of whole: Int) -> String { HTMLPage.share(part, of: whole, decimal: danish ? "," : ".") }
        let title = words.labels["title"] ?? "postbatch"
        var context: [String: Any] = [
            "lang": options.language.rawValue, "t": words.labels,
            "page_title": title + (options.input.map { " — \($0)" } ?? ""),
            "conserved": isConserved,
            "records": number("records"), "digital": number("letters.by_channel.digital"),
            "print": number("letters.by_channel.print"), "skipped": number("skipped.total"),
            "rejected": number("rejected.total"), "letters_total": number("letters.total", class: "n strong"),
            "mod11": number("warnings.cpr_no_mod11", class: "n strong"),
            "accounted": HTMLPage.grouped(letters(channel: .digital) + letters(channel: .print) + totalSkipped
                + totalRejected, separator: separator),
        ]
        context["input"] = options.input
        context["has_facts"] = options.facts != nil
        context["rejected_count"] = HTMLPage.grouped(totalRejected, separator: separator)
        context["skipped_count"] = HTMLPage.grouped(totalSkipped, separator: separator)
        context["facts"] = options.facts.map { facts(of: $0, words: words, separator: separator) }
        context["groups"] = groupRows(words: words, number: number, share: share)
        context["dates"] = dateRows(printDay: options.printDay, number: number, share: share)
        context["languages"] = languageRows(words: words, number: number, share: share)
        context["rejections"] = reasonRows(prefix: "rejected.by_reason", rejectedByReason.map { ("\($0.reason)", $0.count) },
                                           class: "rejected", number: number, share: share) { code in
            ClassificationError.Code(name: code).flatMap { words.rejections[$0] } ?? (code, "")
        }
        context["skips"] = reasonRows(prefix: "skipped.by_reason", skippedByReason, class: "skipped", number: number,
                                      share: share) { (words.skipReason($0), "") }
        return template.render(context)
    }

    // MARK: - Rows

    private typealias Number = (String, String) -> String
    private typealias Share = (Int, Int) -> String

    private func groupRows(words: ReportWords, number: Number, share: Share) -> [[String: Any]] {
        let largest = LetterGroup.allCases.map { letters(group: $0) }.max() ?? 0
        return LetterGroup.allCases.map { group in
            let key = "letters.by_group_channel.\(group.rawValue)"
            let (digital, paper) = (letters(group: group, channel: .digital), letters(group: group, channel: .print))
            let label = "\(group.rawValue) \(group.slug): \(digital) digital, \(paper) print"
            return [
                "number": group.rawValue, "slug": group.slug, "name": words.groups[group] ?? group.slug,
                "count": number("letters.by_group.\(group.rawValue)", "n strong"),
                "share": share(letters(group: group), totalLetters),
                "bar": HTMLPage.bar([("digital", digital), ("print", paper)], scale: largest, label: label),
                "digital": number("\(key).digital", "n"), "print": number("\(key).print", "n"),
            ]
        }
    }

    private func dateRows(printDay: CalendarDate?, number: Number, share: Share) -> [[String: Any]] {
        let largest = lettersByDate.map(\.count).max() ?? 0
        let paperDay = letters(channel: .print) > 0 ? printDay : nil
        return lettersByDate.map { date, count in
            [
                "iso": date.iso, "count": number("letters.by_date.\(date.iso)", "n"), "share": share(count, totalLetters),
                "paper": date == paperDay,
                "bar": HTMLPage.bar([(date == paperDay ? "print" : "date", count)], scale: largest,
                                    label: "\(date.iso): \(count)"),
            ]
        }
    }

    private func languageRows(words: ReportWords, number: Number, share: Share) -> [[String: Any]] {
        let largest = Language.allCases.map { letters(language: $0) }.max() ?? 0
        return Language.allCases.map { language in
            let count = letters(language: language)
            let name = words.labels[language.rawValue] ?? language.rawValue
            return [
                "name": name, "code": language.rawValue, "count": number("letters.by_language.\(language.rawValue)", "n"),
                "share": share(count, totalLetters),
                "bar": HTMLPage.bar([("language", count)], scale: largest, label: "\(name): \(count)"),
            ]
        }
    }

    /// Reasons by count, largest first (then by code), each in words with its code beside.
    private func reasonRows(prefix: String, _ rows: [(reason: String, count: Int)], class name: String,
                            number: Number, share: Share,
                            words: (String) -> (reason: String, fix: String)) -> [[String: Any]] {
        let largest = rows.map(\.count).max() ?? 0
        return rows.sorted { ($1.count, $0.reason) < ($0.count, $1.reason) }.map { code, count in
            let (reason, fix) = words(code)
            return [
                "code": code, "words": reason, "fix": fix, "has_fix": !fix.isEmpty,
                "count": number("\(prefix).\(code)", "n"), "share": share(count, records),
                "bar": HTMLPage.bar([(name, count)], scale: largest, label: "\(code): \(count)"),
            ]
        }
    }

    private func facts(of facts: RunFacts, words: ReportWords, separator: Character) -> [[String: Any]] {
        /// `attempt`: a fact of this attempt alone (a resumed run's differs), marked for programs.
        func row(_ key: String, _ value: String, code: Bool = false, attempt: Bool = false) -> [String: Any] {
            ["label": words.labels[key] ?? key, "value": value, "code": code, "attempt": attempt]
        }
        var rows = [row("when", facts.when), row("input_file", facts.input, code: true)]
        if let bytes = facts.inputBytes {
            rows.append(row("size", "\(HTMLPage.grouped(bytes, separator: separator)) \(words.labels["bytes"] ?? "")"))
        }
        rows += [
            row("sha256", facts.inputSHA256, code: true), row("campaign", facts.campaign, code: true),
            row("template_version", facts.templateVersion, code: true),
            row("letters_written", HTMLPage.grouped(facts.letters, separator: separator)),
            row("containers", HTMLPage.grouped(facts.containers, separator: separator)),
            row("fallbacks", HTMLPage.grouped(facts.fallbacks, separator: separator), attempt: true),
        ]
        if let duration = facts.duration {
            rows.append(row("duration", ProgressReporter.clock(ProgressReporter.seconds(duration)), attempt: true))
        }
        rows.append(row("version", facts.version, code: true))
        return rows
    }
}
