import Foundation
import Testing
@testable import PostbatchKit

@Suite("CSV reading")
struct CSVReaderTests {
    @Test("reads a CRLF file with a BOM")
    func crlfWithBOM() throws {
        let text = "\u{FEFF}" + TestInput.header + "\r\n" + TestInput.row() + "\r\n" + TestInput.row(cpr: "0101011234") + "\r\n"
        let outcomes = try TestInput.outcomes(text)
        #expect(outcomes.count == 2)
        #expect(outcomes.allSatisfy { $0.letter != nil })
        #expect(outcomes.map(\.line) == [2, 3])
    }

    @Test("detects the delimiter from the header", arguments: [";", ","])
    func delimiterDetection(delimiter: String) throws {
        let header = TestInput.header.replacingOccurrences(of: ";", with: delimiter)
        let row = TestInput.row().replacingOccurrences(of: ";", with: delimiter)
        let outcomes = try TestInput.outcomes(header + "\n" + row + "\n")
        #expect(outcomes.count == 1)
        #expect(outcomes.first?.letter?.recipient.name == "Søren Ærø")
    }

    @Test("--delimiter overrides detection")
    func delimiterOverride() throws {
        // More commas than semicolons in the header, but ';' is the delimiter.
        let text = "cpr;name;netbank;skal_opdatere_id;note,a,b,c,d,e\n0707077077;Anna;ja;nej;x\n"
        #expect(throws: InputError.self) { _ = try TestInput.outcomes(text) }
        let forced = try TestInput.outcomes(text, delimiter: ";")
        #expect(forced.first?.letter?.recipient.name == "Anna")
    }

    @Test("quoted fields hold the delimiter, doubled quotes and line breaks")
    func quoting() throws {
        let text = TestInput.csv(
            TestInput.row(name: "\"Jensen; Anna \"\"Mor\"\"\""),
            TestInput.row(cpr: "0101011234", co: "\"c/o Hansen\nbagdør\""),
            TestInput.row(cpr: "0202021234"))
        let outcomes = try TestInput.outcomes(text)
        #expect(outcomes.count == 3)
        #expect(outcomes[0].letter?.recipient.name == "Jensen; Anna \"Mor\"")
        #expect(outcomes[1].letter?.recipient.coName == "c/o Hansen\nbagdør")
        // The record after a two-line record starts on line 5.
        #expect(outcomes.map(\.line) == [2, 3, 5])
    }

    @Test("header names match every alias, case-insensitively and trimmed", arguments: Field.allCases)
    func aliases(field: Field) throws {
        for alias in field.columnNames {
            #expect(Field(columnName: "  \(alias.uppercased()) ") == field)
        }
    }

    @Test("Danish headers, unknown columns ignored, values trimmed")
    func danishHeader() throws {
        let text = "Personnummer ; NAVN;bemærkning;NETBANK;skal_opdatere_id;sprog;land\n  070707-7077 ;  Åse Østergaard  ;noget;  Ja ; nej ; EN ; dk \n"
        let outcomes = try TestInput.outcomes(text)
        let letter = try #require(outcomes.first?.letter)
        #expect(letter.recipient.name == "Åse Østergaard")
        #expect(letter.language == .en)
        #expect(letter.group == .bank)
        #expect(letter.recipient.cpr.unmaskedDigits == "0707077077")
    }

    @Test("blank lines are not records")
    func blankLines() throws {
        let text = TestInput.header + "\n\n" + TestInput.row() + "\n\r\n\n"
        let statistics = try TestInput.statistics(text)
        #expect(statistics.records == 1)
    }

    @Test("a file without a final line break reads its last record")
    func noFinalNewline() throws {
        let statistics = try TestInput.statistics(TestInput.header + "\n" + TestInput.row())
        #expect(statistics.records == 1)
        #expect(statistics.totalLetters == 1)
    }

    @Test("an unterminated quote is one malformed record, not a crash")
    func unterminatedQuote() throws {
        let text = TestInput.csv(TestInput.row(), "\"0101011234;Anna;;;;;;01;;ja;nej;;;", TestInput.row(cpr: "0202021234"))
        let outcomes = try TestInput.outcomes(text)
        #expect(outcomes.count == 2)
        #expect(outcomes[1].rejectionCode == .malformedRow)
    }

    @Test("a record longer than the bound is malformed_row, and the next one is read")
    func oversizedRecord() throws {
        let huge = String(repeating: "x", count: CSVReader.maximumRecordBytes + 10)
        let text = TestInput.csv(TestInput.row(name: huge), TestInput.row(cpr: "0101011234"))
        let outcomes = try TestInput.outcomes(text)
        #expect(outcomes.map(\.rejectionCode) == [.malformedRow, nil])
    }

    @Test("lines of only delimiters are records with empty fields")
    func onlyDelimiters() throws {
        let outcomes = try TestInput.outcomes(TestInput.csv(";;;;;;;;;;;;;", ";;;"))
        #expect(outcomes.map(\.rejectionCode) == [.invalidCPR, .malformedRow])
    }
}

@Suite("Input structure errors")
struct InputStructureErrorTests {
    func error(_ bytes: [UInt8]) throws -> InputError {
        let path = try TestInput.file(bytes)
        do {
            _ = try InputClassifier(path: path, schedule: TestInput.schedule)
        } catch {
            return error
        }
        Issue.record("expected an InputError")
        return InputError(code: .empty, file: "", detail: "")
    }

    @Test("a missing required column is named, with its aliases")
    func missingColumn() throws {
        let error = try error(Array("cpr;navn;netbanking\n".utf8))
        #expect(error.code == .missingColumn)
        #expect(error.description.contains("'has_online_banking'"))
        #expect(error.description.contains("'netbank'"))
        #expect(error.description.contains("did you mean 'netbanking'"))
        #expect(error.description.contains("'needs_id_update'"))
    }

    @Test("two columns for one field")
    func duplicateColumn() throws {
        let error = try error(Array("cpr;pnr;name;netbank;skal_opdatere_id\n".utf8))
        #expect(error.code == .duplicateColumn)
        #expect(error.description.contains("'cpr'"))
        #expect(error.description.contains("'pnr'"))
    }

    @Test("an empty file", arguments: [[], Array("\u{FEFF}".utf8), Array("\n\n".utf8)] as [[UInt8]])
    func empty(bytes: [UInt8]) throws {
        #expect(try error(bytes).code == .empty)
    }

    @Test("a header that is not UTF-8")
    func headerNotUTF8() throws {
        #expect(try error([0x63, 0x70, 0x72, 0x3B, 0xF8, 0x0A]).code == .notUTF8)
    }

    @Test("a record that is not UTF-8 stops the read with its line")
    func recordNotUTF8() throws {
        var bytes = Array((TestInput.header + "\n" + TestInput.row() + "\n").utf8)
        bytes += Array("0101011234;S".utf8) + [0xF8] + Array("ren;;;;;;;;ja;nej;;;\n".utf8)
        let classifier = try InputClassifier(path: try TestInput.file(bytes), schedule: TestInput.schedule)
        #expect(throws: InputError.self) {
            _ = try classifier.tally()
        }
        let again = try InputClassifier(path: try TestInput.file(bytes), schedule: TestInput.schedule)
        do {
            _ = try again.tally()
        } catch {
            #expect(error.code == .notUTF8)
            #expect(error.line == 3)
        }
    }

    @Test("a file that does not exist, and a folder")
    func unreadable() throws {
        #expect(throws: InputError.self) {
            _ = try InputClassifier(path: "/nonexistent/records.csv", schedule: TestInput.schedule)
        }
        do {
            _ = try InputClassifier(path: NSTemporaryDirectory(), schedule: TestInput.schedule)
            Issue.record("a folder was read")
        } catch {
            #expect(error.code == .unreadable)
        }
    }

    @Test("a header line longer than the bound")
    func headerTooLong() throws {
        let header = (0..<400_000).map { "c\($0)" }.joined(separator: ";")
        #expect(try error(Array(header.utf8)).code == .headerTooLong)
    }
}
