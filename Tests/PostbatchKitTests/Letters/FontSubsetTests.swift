import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

/// The embedded subsets declare the advances their glyphs have at the letter's body size:
/// `/W` and the font program agree (PDF/A), and body text needs no `TJ` adjustments.
struct FontSubsetTests {
    /// A fast-path letter written to a file, and qpdf's view of one of its objects.
    struct Letter {
        let url: URL

        func object(_ number: Int, stream: Bool = false) throws -> Data {
            let arguments = ["--show-object=\(number)"] + (stream ? ["--filtered-stream-data"] : []) + [url.path]
            let result = try LetterFixtures.runForData("qpdf", arguments)
            #expect(result.status == 0)
            return result.output
        }

        /// The `/W` widths of a CIDFont dictionary, by CID.
        func widths(_ number: Int) throws -> [Int: Double] {
            let text = String(decoding: try object(number), as: UTF8.self)
            let start = try #require(text.range(of: "/W ["))
            var widths: [Int: Double] = [:]
            var first: Int?
            var next = 0
            var depth = 0
            for token in text[start.upperBound...].replacingOccurrences(of: "[", with: " [ ")
                .replacingOccurrences(of: "]", with: " ] ").split(separator: " ") {
                switch token {
                case "[": depth += 1
                case "]":
                    depth -= 1
                    if depth < 0 { return widths }
                    first = nil
                default:
                    guard let value = Double(token) else { continue }
                    if depth == 0 {
                        first = Int(value)
                        next = Int(value)
                    } else if first != nil {
                        widths[next] = value
                        next += 1
                    }
                }
            }
            return widths
        }
    }

    static func letter(in folder: URL) throws -> Letter {
        let (composer, templates) = try FastLetterRendererTests.compiled.get()
        let content = try composer.compose(LetterFixtures.letter(group: .citizenService, language: .da, channel: .print))
        let pdf = try #require(try FastLetterRenderer(templates: templates).render(content))
        return Letter(url: try LetterFixtures.write(pdf, named: "fast.pdf", in: folder))
    }

    @Test("each subset's hmtx says what /W says, to 1/1000 em, and its checksums hold",
          arguments: [(7, 9), (12, 14)])
    func widthsAgree(cidFont: Int, fontFile: Int) throws {
        let folder = try Scratch.folder("subsets")
        defer { try? FileManager.default.removeItem(at: folder) }
        let letter = try Self.letter(in: folder)
        let widths = try letter.widths(cidFont)
        let font = try #require(OpenTypeFile([UInt8](try letter.object(fontFile, stream: true))))
        let head = try #require(font.table("head"))
        let hhea = try #require(font.table("hhea"))
        let hmtx = try #require(font.table("hmtx"))
        let unitsPerEm = Double(font.uint16(at: head.offset + 18))
        let longMetrics = Int(font.uint16(at: hhea.offset + 34))
        #expect(widths.count > 20)
        for (cid, width) in widths {
            let units = font.uint16(at: hmtx.offset + 4 * min(cid, longMetrics - 1))
            #expect(abs(Double(units) * 1000 / unitsPerEm - width) <= 1, "CID \(cid): hmtx \(units), /W \(width)")
        }
        // The table checksum of hmtx, and the whole font summing to 0xB1B0AFBA.
        let record = try #require((0..<Int(font.uint16(at: 4))).map { 12 + 16 * $0 }.first {
            font.bytes[$0..<($0 + 4)].elementsEqual("hmtx".utf8)
        })
        let stored = font.bytes[(record + 4)..<(record + 8)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(stored == OpenTypeFile.checksum(font.bytes, hmtx.offset, hmtx.length))
        #expect(OpenTypeFile.checksum(font.bytes, 0, font.bytes.count) == 0xB1B0_AFBA)
    }

    @Test("body text at the body size needs a TJ adjustment only where pango kerns, not between every glyph")
    func bodyWithoutAdjustments() throws {
        let folder = try Scratch.folder("subsets")
        defer { try? FileManager.default.removeItem(at: folder) }
        let content = [UInt8](try Self.letter(in: folder).object(4, stream: true))
        var size: [UInt8] = []
        FastPDF.append(LetterRenderer.bodySize, to: &size)
        let bodyFont = Array("/F1 ".utf8) + size
        let counts = Self.textCounts(content, font: bodyFont)
        #expect(counts.glyphs > 1000)
        // Before the widths were fitted nearly every glyph had one (1,143 of about 1,300).
        #expect(Double(counts.adjustments) < 0.05 * Double(counts.glyphs),
                "\(counts.adjustments) adjustments for \(counts.glyphs) glyphs")
    }

    /// The two-byte CIDs and the `TJ` adjustments a content stream shows in one font and size
    /// (`/F1 10` before `Tf`): literal strings read with their escapes, numbers between them.
    static func textCounts(_ content: [UInt8], font: [UInt8]) -> (glyphs: Int, adjustments: Int) {
        var glyphs = 0
        var adjustments = 0
        var inFont = false
        var token: [UInt8] = []
        var tokens: [[UInt8]] = []
        var index = 0
        var inArray = false
        while index < content.count {
            let byte = content[index]
            index += 1
            if byte == UInt8(ascii: "(") {
                var bytes = 0
                while index < content.count, content[index] != UInt8(ascii: ")") {
                    index += content[index] == UInt8(ascii: "\\") ? 2 : 1
                    bytes += 1
                }
                index += 1
                if inFont { glyphs += bytes / 2 }
                continue
            }
            if byte == UInt8(ascii: "[") { inArray = true }
            if byte == UInt8(ascii: "]") { inArray = false }
            if [0x20, 0x0A, 0x5B, 0x5D].contains(byte) || (inArray && byte == UInt8(ascii: "(")) {
                if !token.isEmpty { tokens.append(token) }
                token = []
                continue
            }
            token.append(byte)
            // A number right before the next string, inside an array: an adjustment.
            if inArray, index < content.count, content[index] == UInt8(ascii: "("), inFont,
               Double(String(decoding: token, as: UTF8.self)) != nil {
                adjustments += 1
            }
            if token == Array("Tf".utf8), tokens.count >= 2 {
                inFont = tokens[tokens.count - 2] + [0x20] + tokens[tokens.count - 1] == font
            }
        }
        return (glyphs, adjustments)
    }
}
