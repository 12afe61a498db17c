import Testing
@testable import PostbatchKit

@Suite("Danish business days")
struct BusinessDayTests {
    @Test("the next business day skips weekends and holidays", arguments: [
        ("2021-10-08", "2021-10-11"),  // Friday → Monday
        ("2021-12-23", "2021-12-27"),  // 24, 25, 26 December
        ("2021-12-30", "2022-01-03"),  // 31 December, New Year, weekend
        ("2021-03-31", "2021-04-06"),  // Maundy Thursday, Good Friday, Easter, Easter Monday
        ("2023-05-04", "2023-05-08"),  // Great Prayer Day 2023 (5 May)
        ("2024-04-25", "2024-04-26"),  // no Great Prayer Day from 2024
        ("2021-05-12", "2021-05-14"),  // Ascension Day (13 May 2021)
        ("2021-05-21", "2021-05-25"),  // Whit Monday (24 May 2021)
        ("2021-06-04", "2021-06-07"),  // 5 June is a Saturday in 2021
        ("2025-06-04", "2025-06-06"),  // 5 June 2025, a Thursday
    ])
    func next(from: String, expected: String) throws {
        let date = try #require(CalendarDate(iso: from))
        #expect(date.nextDanishBusinessDay().iso == expected)
    }

    @Test("Easter Sunday", arguments: [(2021, "2021-04-04"), (2024, "2024-03-31"), (2025, "2025-04-20"), (2000, "2000-04-23")])
    func easter(year: Int, expected: String) {
        #expect(CalendarDate.easterSunday(year: year).iso == expected)
    }
}
