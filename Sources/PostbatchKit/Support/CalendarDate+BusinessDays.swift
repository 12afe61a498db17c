extension CalendarDate {
    /// Whether this day is a Danish business day (SPEC §2 "Delivery waves").
    ///
    /// Not a business day: Saturday, Sunday, and the Danish public holidays: New Year's
    /// Day (1 January), Maundy Thursday, Good Friday, Easter Sunday and Monday, Great Prayer
    /// Day (the fourth Friday after Easter, until 2023 inclusive), Ascension Day, Whit
    /// Sunday and Monday, Constitution Day (5 June), Christmas Eve, Christmas Day, Boxing
    /// Day (24–26 December) and New Year's Eve (31 December).
    package var isDanishBusinessDay: Bool {
        let weekday = self.weekday
        if weekday == 0 || weekday == 6 { return false }
        return !isDanishPublicHoliday
    }

    /// The first Danish business day strictly after this day.
    package func nextDanishBusinessDay() -> CalendarDate {
        var day = adding(days: 1)
        while !day.isDanishBusinessDay { day = day.adding(days: 1) }
        return day
    }

    /// 0 Sunday, 1 Monday … 6 Saturday.
    package var weekday: Int {
        // 1970-01-01 was a Thursday.
        ((daysSinceEpoch % 7) + 7 + 4) % 7
    }

    /// Whether the day is one of the Danish public holidays listed at ``isDanishBusinessDay``.
    var isDanishPublicHoliday: Bool {
        switch (month, day) {
        case (1, 1), (6, 5), (12, 24), (12, 25), (12, 26), (12, 31): return true
        default: break
        }
        guard let easter = CalendarDate.easterSunday(year) else { return false }
        var offsets: Set<Int> = [-3, -2, 0, 1, 39, 49, 50]
        if year <= 2023 { offsets.insert(26) }
        return offsets.contains(daysSinceEpoch - easter.daysSinceEpoch)
    }

    /// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm: Meeus/Jones/Butcher).
    static func easterSunday(_ year: Int) -> CalendarDate? {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CalendarDate(year: year, month: month, day: day)
    }

    /// The day's English weekday name: `Saturday`.
    package var weekdayName: String {
        ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][weekday]
    }
}
