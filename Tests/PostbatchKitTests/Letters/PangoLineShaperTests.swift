import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

/// The fast path sets the recipient block and the letter's reference with line shapers
/// (``PangoLineShaper``): glyph for glyph what pango's layouts give.
struct PangoLineShaperTests {
    /// Draws each letter's personal parts with line shapers and with pango layouts, and
    /// compares the glyphs, structure marks and the recipient block's size.
    static func compare(_ contents: [LetterContent]) throws -> (letters: Int, shapedLines: Int) {
        let shaped = try LetterRenderer()
        let laidOut = try LetterRenderer()
        laidOut.shapesLines = false
        for content in contents {
            let ours = GlyphRecorder(collectFonts: false)
            let theirs = GlyphRecorder(collectFonts: false)
            let size = shaped.drawPersonalParts(content, on: ours)
            #expect(size == laidOut.drawPersonalParts(content, on: theirs))
            #expect(ours.glyphs == theirs.glyphs, "\(content.recipientLines) \(content.referenceText ?? "")")
            #expect(ours.marks == theirs.marks)
            #expect(ours.unusual == theirs.unusual)
        }
        #expect(laidOut.shapedLineCount == 0)
        return (contents.count, shaped.shapedLineCount)
    }

    @Test("generated letters' recipient blocks and references are set by line shapers as pango sets them")
    func generatedLetters() throws {
        let (composer, _) = try FastLetterRendererTests.compiled.get()
        let contents = try LetterFixtures.generatedLetters(count: 1_500, seed: 7, schedule: composer.campaign.schedule)
            .map { try composer.compose($0) }
        #expect(contents.contains { $0.channel == .print } && contents.contains { $0.channel == .digital })
        let (letters, shapedLines) = try Self.compare(contents)
        // Two per letter (recipient block, reference) where the shapers serve; pango for the rest.
        #expect(shapedLines > letters * 19 / 10, "\(shapedLines) shaped for \(letters) letters")
    }

    @Test("hard names, long lines and foreign addresses: line shapers or pango, the same glyphs", arguments: [
        ("Zoë O'Brien-Ñúñez", "Łukasz Żółć", PostalAddress(street: "Straße des 17. Juni 135", postalCode: "10623",
                                                            city: "Berlin", countryCode: "DE")),
        ("Hans Christian Maximilian Frederik Ludvig Jensen", "Dødsbo efter Karen B. Jensen",
         PostalAddress(street: "Den Gamle Landevej 7, Ejendommen Skovly, 2. th", postalCode: "100",
                       city: "Tórshavn", countryCode: "FO")),
        ("Ana Ωmega Ivanović", nil, PostalAddress(street: "Ffiord Office Fjeld 1", postalCode: "2100",
                                                  city: "København Ø", countryCode: "DK")),
    ] as [(String, String?, PostalAddress)])
    func hardLines(name: String, coName: String?, address: PostalAddress) throws {
        let (composer, _) = try FastLetterRendererTests.compiled.get()
        let contents = try Channel.allCases.map { channel in
            try composer.compose(LetterFixtures.letter(
                group: .bank, language: .da, channel: channel, name: name, coName: coName, address: address,
                date: FastLetterRendererTests.date(0, channel: channel, campaign: composer.campaign)))
        }
        _ = try Self.compare(contents)
    }
}
