import Testing
@testable import PostbatchKit

/// The template markup: titles, headings, paragraphs, bullets, bold and escapes.
struct LetterMarkupTests {
    @Test("reads titles, headings, joined paragraph lines, bullets with continuations and bold")
    func reads() throws {
        let text = """
        # The **title**
        First line
        second line.

        ## Heading
        Intro:
        - one
          more
        - **two** items
        After.
        """
        let blocks = try LetterMarkup.parse(text)
        #expect(blocks == [
            .title([LetterRun("The "), LetterRun("title", bold: true)]),
            .paragraph([LetterRun("First line second line.")]),
            .heading([LetterRun("Heading")]),
            .paragraph([LetterRun("Intro:")]),
            .bullet([LetterRun("one more")]),
            .bullet([LetterRun("two", bold: true), LetterRun(" items")]),
            .paragraph([LetterRun("After.")]),
        ])
    }

    @Test("escaped values read back as written", arguments: ["**x**", "# x", "- x", "a\\b", "`<x>`", "+ y", "Ærø * Å"])
    func escapeRoundTrip(value: String) throws {
        let blocks = try LetterMarkup.parse(LetterMarkup.escape(value))
        #expect(blocks == [.paragraph([LetterRun(value)])])
    }

    @Test("unknown markup is an error with its line", arguments: [
        ("ok\n\n* star", 3), ("### deep", 1), ("> quote", 1), ("a *b", 1), ("**open", 1),
        ("x\n\n   indented", 3), ("tab\there", 1), ("back`tick", 1), ("bad \\q escape", 1),
    ])
    func unknown(text: String, line: Int) {
        #expect {
            _ = try LetterMarkup.parse(text)
        } throws: { error in
            (error as? LetterMarkup.Failure)?.line == line
        }
    }
}
