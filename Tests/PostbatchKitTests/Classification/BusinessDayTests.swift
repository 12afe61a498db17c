import Testing
@testable import PostbatchKit

@Suite("Danish business days (SPEC §2 Delivery waves)")
struct BusinessDayTests {
    static func day(_ iso: String) throws -> CalendarDate {
        try #require(CalendarDate(iso: iso))
    }

    @Test("Easter Sunday", arguments: [
        (2021, "2021-04-04"), (2022, "2022-04-17"), (2023, "2023-04-09"), (2024, "2024-03-31"),
        (2025, "2025-04-20"), (2019, "2019-04-21"), (2000, "2000-04-23"), (2038, "2038-04-25"),
    ])
    func easter(year: Int, expected: String) {
        #expect(CalendarDate.easterSunday(year)?.iso == expected)
    }

    @Test("holidays and weekends are not business days", arguments: [
        "2021-10-09", "2021-10-10",                              // Saturday, Sunday
        "2021-01-01", "2021-04-01", "2021-04-02", "2021-04-05",  // New Year, Maundy Thursday, Good Friday, Easter Monday
        "2021-04-30", "2021-05-13", "2021-05-24",                // Great Prayer Day, Ascension Day, Whit Monday
        "2023-05-05",                                            // Great Prayer Day, the last one
        "2024-06-05",                                            // Constitution Day (a Wednesday in 2024)
        "2021-12-24", "2024-12-25", "2024-12-26", "2024-12-31",
    ])
    func holidays(iso: String) throws {
        #expect(try !Self.day(iso).isDanishBusinessDay)
    }

    @Test("ordinary weekdays are business days, Great Prayer Day too from 2024", arguments: [
        "2021-10-11", "2021-10-08", "2024-04-26", "2025-05-16", "2021-06-04", "2024-12-27", "2021-12-23",
    ])
    func businessDays(iso: String) throws {
        #expect(try Self.day(iso).isDanishBusinessDay)
    }

    @Test("the next business day", arguments: [
        ("2021-10-08", "2021-10-11"),   // the defaults: Friday's last wave → Monday
        ("2021-12-23", "2021-12-27"),   // over Christmas
        ("2021-12-30", "2022-01-03"),   // over New Year
        ("2021-03-31", "2021-04-06"),   // over Easter
        ("2023-05-04", "2023-05-08"),   // over Great Prayer Day 2023
        ("2024-04-25", "2024-04-26"),   // no Great Prayer Day from 2024
    ])
    func next(from: String, expected: String) throws {
        #expect(try Self.day(from).nextDanishBusinessDay().iso == expected)
    }

    @Test("with the defaults paper letters are dated Monday 2021-10-11")
    func defaultPrintDay() throws {
        let schedule = WaveSchedule(firstDay: try Self.day("2021-10-06"), waves: 3)
        #expect(schedule.printDay.iso == "2021-10-11")
        #expect(schedule.printDay.weekdayName == "Monday")
        #expect(WaveSchedule(firstDay: try Self.day("2021-12-21"), waves: 3).printDay.iso == "2021-12-27")
    }
}
