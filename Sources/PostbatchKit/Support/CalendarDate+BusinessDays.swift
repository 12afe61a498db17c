/// Danish business days (SPEC §2): not a Saturday or Sunday, nor a Danish public
/// holiday: 1 January, Maundy Thursday, Good Friday, Easter Monday, Great Prayer Day
/// (until 2023), Ascension Day, Whit Monday, 5 June, 24–26 December, 31 December.
extension CalendarDate {
    /// Whether the day is a Danish business day.
    package var isDanishBusinessDay: Bool {
        let weekday = ((daysSinceEpoch + 4) % 7 + 7) % 7  // 0 Sunday … 6 Saturday; 1970-01-01 was a Thursday
        if weekday == 0 || weekday == 6 { return false }
        switch (month, day) {
        case (1, 1), (6, 5), (12, 24), (12, 25), (12, 26), (12, 31): return false
        default: break
        }
        let offset = daysSinceEpoch - CalendarDate.easterSunday(year: year).daysSinceEpoch
        switch offset {
        case -3, -2, 1, 39, 50: return false  // Maundy Thursday, Good Friday, Easter Monday, Ascension, Whit Monday
        case 26: return year > 2023  // Great Prayer Day, abolished from 2024
        default: return true
        }
    }

    /// The first Danish business day after this day.
    package func nextDanishBusinessDay() -> CalendarDate {
        var date = adding(days: 1)
        while !date.isDanishBusinessDay { date = date.adding(days: 1) }
        return date
    }

    /// Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm).
    static func easterSunday(year: Int) -> CalendarDate {
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
        return CalendarDate(year: year, month: month, day: day) ?? CalendarDate(daysSinceEpoch: 0)
    }
}
