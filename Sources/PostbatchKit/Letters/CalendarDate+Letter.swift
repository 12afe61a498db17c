extension CalendarDate {
    private static let danishMonths = [
        "januar", "februar", "marts", "april", "maj", "juni",
        "juli", "august", "september", "oktober", "november", "december",
    ]
    private static let englishMonths = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    /// The date as a letter writes it: `6. oktober 2021` in Danish, `6 October 2021` in English.
    public func letterText(in language: Language) -> String {
        "\(dayAndMonth(in: language)) \(year)"
    }

    /// `6. oktober` or `6 October`.
    func dayAndMonth(in language: Language) -> String {
        switch language {
        case .da: "\(day). \(Self.danishMonths[month - 1])"
        case .en: "\(day) \(Self.englishMonths[month - 1])"
        }
    }

    /// A span of days as a letter writes it.
    ///
    /// `6.–8. oktober 2021`, `30. september – 2. oktober 2021`, `6–8 October 2021`;
    /// one day gives ``letterText(in:)``.
    static func letterSpan(from first: CalendarDate, to last: CalendarDate, in language: Language) -> String {
        if first == last { return first.letterText(in: language) }
        if first.year == last.year && first.month == last.month {
            switch language {
            case .da: return "\(first.day).–\(last.letterText(in: language))"
            case .en: return "\(first.day)–\(last.letterText(in: language))"
            }
        }
        if first.year == last.year {
            return "\(first.dayAndMonth(in: language)) – \(last.letterText(in: language))"
        }
        return "\(first.letterText(in: language)) – \(last.letterText(in: language))"
    }
}
