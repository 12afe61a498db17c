import Foundation
import Testing
@testable import PostbatchKit

/// The fields postbatch writes into its CSV files are quoted when RFC 4180 needs it, and only then.
@Suite("CSV text")
struct CSVTextTests {
    @Test("a field holding the delimiter, a quote, CR, LF or CR LF is quoted, its quotes doubled",
          arguments: ["a,b", "say \"hi\"", "one\ntwo", "one\rtwo", "one\r\ntwo", "\r\n", ",\u{301}", "\"\u{301}"])
    func quoted(_ text: String) {
        #expect(CSVText.needsQuotes(text))
        #expect(CSVText.field(text) == "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
    }

    @Test("a plain field is written as it is",
          arguments: ["", "plain", "Søren Ærø", "👩‍👩‍👧", "a;b", "a\tb"])
    func plain(_ text: String) {
        #expect(!CSVText.needsQuotes(text))
        #expect(CSVText.field(text) == text)
    }

    @Test("another delimiter is looked for instead of the comma, also one outside ASCII")
    func otherDelimiters() {
        #expect(CSVText.needsQuotes("a;b", delimiter: ";"))
        #expect(CSVText.needsQuotes("a\tb", delimiter: "\t"))
        #expect(!CSVText.needsQuotes("a,b", delimiter: ";"))
        #expect(CSVText.needsQuotes("a§b", delimiter: "§"))
        #expect(CSVText.needsQuotes("a§\u{301}b", delimiter: "§"))
        #expect(!CSVText.needsQuotes("ab", delimiter: "§"))
    }

    @Test("a line joins its fields with commas and ends in LF")
    func line() {
        #expect(CSVText.line(["a", "b,c", "d\r\ne"]) == "a,\"b,c\",\"d\r\ne\"\n")
    }
}
