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

    @Test("runs are equal and hash alike by their UTF-8 and emphasis; canonically equal spellings stay apart")
    func runIdentity() {
        let composed = LetterRun("Ærø Åsa")
        let same = LetterRun(String("Ærø Å".unicodeScalars.map(Character.init)) + "sa")
        #expect(composed == same)
        #expect(composed.hashValue == same.hashValue)
        #expect(Set([composed, same]).count == 1)

        // "Å" as A and a combining ring: one String, two runs as pango shapes them.
        let decomposed = LetterRun("Ærø A\u{030A}sa")
        #expect(composed.text == decomposed.text)
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)

        #expect(LetterRun("Ærø") != LetterRun("Ærø", bold: true))
        #expect(LetterRun("Ærø") != LetterRun("Ærø "))
        #expect(LetterRun("") == LetterRun(""))
    }
}
