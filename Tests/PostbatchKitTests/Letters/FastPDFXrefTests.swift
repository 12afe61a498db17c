import Foundation
import Testing
@testable import PostbatchKit

/// The cross-reference stream that ends every fast-path letter: plain, its fields as wide
/// as they need, and every entry pointing at its object.
struct FastPDFXrefTests {
    /// A cross-reference stream read back from a file's bytes.
    struct ReadStream {
        let widths: [Int]
        let entries: [(type: Int, field2: Int, field3: Int)]
        let dictionary: String

        /// Reads the last `/Type /XRef` object of `pdf`.
        init(_ pdf: [UInt8]) throws {
            // One character per byte, so that offsets in the text are offsets in the file.
            let text = String(decoding: pdf.map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            let start = try #require(text.ranges(of: "/Type /XRef").last).lowerBound
            let streamKeyword = try #require(text[start...].range(of: ">>\nstream\n"))
            dictionary = String(text[start..<streamKeyword.lowerBound])
            let w = try Self.numbers(after: "/W [", in: dictionary)
            try #require(w.count == 3)
            let size = try #require(Self.numbers(after: "/Size ", in: dictionary).first)
            let length = try #require(Self.numbers(after: "/Length ", in: dictionary).first)
            let data = Array(pdf[text.utf8.distance(from: text.startIndex, to: streamKeyword.upperBound)...].prefix(length))
            let row = w.reduce(0, +)
            #expect(data.count == size * row, "the stream holds /Size rows of /W bytes")
            func field(_ bytes: ArraySlice<UInt8>) -> Int { bytes.reduce(0) { $0 << 8 | Int($1) } }
            var entries: [(type: Int, field2: Int, field3: Int)] = []
            for offset in stride(from: 0, to: data.count, by: row) {
                let second = offset + w[0], third = second + w[1]
                entries.append((field(data[offset..<second]), field(data[second..<third]),
                                field(data[third..<(third + w[2])])))
            }
            self.widths = w
            self.entries = entries
        }

        /// The integers that follow `key` up to the next `]`, `/` or `>`.
        static func numbers(after key: String, in text: String) throws -> [Int] {
            let range = try #require(text.range(of: key))
            return text[range.upperBound...].prefix { !"]/>".contains($0) }.split(separator: " ").compactMap { Int($0) }
        }
    }

    /// Checks that every in-file entry names the offset of `n 0 obj`, every packed one an object
    /// stream, and every free one a number no object has.
    static func expectSound(_ pdf: [UInt8], name: String) throws {
        let xref = try ReadStream(pdf)
        #expect(!xref.dictionary.contains("/Filter"), "\(name): the stream is plain")
        #expect(xref.widths[0] == 1)
        let largest = (xref.entries.map(\.field2).max() ?? 0, xref.entries.map(\.field3).max() ?? 0)
        #expect(xref.widths[1] == FastPDFXref.fieldWidths([.init(type: 1, field2: largest.0, field3: 0)]).1)
        #expect(xref.widths[2] == FastPDFXref.fieldWidths([.init(type: 1, field2: 0, field3: largest.1)]).2)
        for (number, entry) in xref.entries.enumerated() {
            switch entry.type {
            case 1:
                let header = Array("\(number) 0 obj".utf8)
                #expect(Array(pdf[entry.field2...].prefix(header.count)) == header,
                        "\(name): object \(number) is not at \(entry.field2)")
            case 2:
                #expect(xref.entries[entry.field2].type == 1, "\(name): object \(number) is packed in a stream not in the file")
            default:
                // A number the letter does not use (a letter written whole skips some of the template's).
                let text = String(decoding: pdf.map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
                #expect(!text.contains("\n\(number) 0 obj"), "\(name): object \(number) is written but listed as free")
            }
        }
    }

    @Test("a static letter's cross-reference stream is plain and points at every object")
    func staticLetter() throws {
        let (composer, templates) = try FastLetterRendererTests.compiled.get()
        let content = try composer.compose(LetterFixtures.letter(group: .bank, language: .da))
        try Self.expectSound(try #require(try FastLetterRenderer(templates: templates).render(content)), name: "static")
    }

    @Test("a letter written whole has a sound cross-reference stream too")
    func wholeLetter() throws {
        let (composer, templates) = try FastLetterRendererTests.personal.get()
        let date = FastLetterRendererTests.date(1, channel: .print, campaign: composer.campaign)
        let content = try composer.compose(LetterFixtures.letter(group: .mitidDK, language: .en, channel: .print,
                                                                 date: date))
        #expect(content.blocks.contains { !templates.blocks.contains($0) }, "the letter is written whole")
        try Self.expectSound(try #require(try FastLetterRenderer(templates: templates).render(content)), name: "whole")
    }

    @Test("fields grow to the bytes their largest value needs", arguments: [
        (255, 0, 1, 1), (256, 0, 2, 1), (65_536, 0, 3, 1), (16_777_216, 300, 4, 2),
    ])
    func widths(offset: Int, index: Int, second: Int, third: Int) {
        let entries = [FastPDFXref.Entry(type: 1, field2: offset, field3: 0),
                       FastPDFXref.Entry(type: 2, field2: 7, field3: index)]
        #expect(FastPDFXref.fieldWidths(entries) == (1, second, third))
    }
}
