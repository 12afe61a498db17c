import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import PostbatchKit
import PostbatchTesting

/// The fast path's PDFs carry the PDF/A-2b parts: binary comment, XMP, sRGB output intent.
struct FastLetterPDFATests {
    /// Collects the text of the XMP properties, by qualified name, and the namespace of each.
    final class XMPReader: NSObject, XMLParserDelegate {
        /// The text of each simple property, and of the first `rdf:li` of each array property.
        var values: [String: String] = [:]
        /// The namespace URI of each element, by qualified name.
        var namespaces: [String: String] = [:]
        private var stack: [String] = []
        private var text = ""

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            let name = qName ?? elementName
            namespaces[name] = namespaceURI
            stack.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            let name = stack.removeLast()
            if name == "rdf:li", stack.count >= 2 {
                let property = stack[stack.count - 2]
                if values[property] == nil { values[property] = text }
            } else if values[name] == nil, !text.isEmpty,
                      !["rdf:Alt", "rdf:Seq", "rdf:Bag", "rdf:Description", "rdf:RDF", "x:xmpmeta"].contains(name) {
                values[name] = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            text = ""
        }
    }

    /// The value of a `Key: value` line of `pdfinfo`.
    static func field(_ name: String, in info: String) -> String? {
        for line in info.split(separator: "\n") where line.hasPrefix(name + ":") {
            return line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    @Test("a fast-path PDF is PDF/A-2b shaped: binary comment, XMP, sRGB output intent, qpdf --check",
          arguments: [(LetterGroup.bank, Language.da), (LetterGroup.bank, Language.en)])
    func pdfaParts(group: LetterGroup, language: Language) throws {
        let (composer, templates) = try FastLetterRendererTests.compiled.get()
        let content = try composer.compose(LetterFixtures.letter(group: group, language: language))
        let pdf = try #require(try FastLetterRenderer(templates: templates).render(content))
        let folder = try Scratch.folder("letters")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = try LetterFixtures.write(pdf, named: "fast.pdf", in: folder)

        // The binary comment on the second line.
        let firstLine = try #require(pdf.firstIndex(of: 0x0A))
        #expect(pdf[firstLine + 1] == UInt8(ascii: "%"))
        #expect(pdf[(firstLine + 2)..<(firstLine + 6)].allSatisfy { $0 >= 128 })

        // The file is sound.
        #expect(try LetterFixtures.run("qpdf", ["--check", url.path]).status == 0)

        // The catalog names the metadata and the output intent.
        let catalog = try LetterFixtures.run("qpdf", ["--show-object=1", url.path]).output
        #expect(catalog.contains("/Metadata 17 0 R"))
        #expect(catalog.contains("/OutputIntents [ << /DestOutputProfile 18 0 R")
                || catalog.contains("/DestOutputProfile 18 0 R"))
        #expect(catalog.contains("/S /GTS_PDFA1"))
        #expect(catalog.contains("/OutputConditionIdentifier (sRGB IEC61966-2.1)"))

        // The output intent's profile is the sRGB profile, whole, with three components.
        let profileDictionary = try LetterFixtures.run("qpdf", ["--show-object=18", url.path]).output
        #expect(profileDictionary.contains("/N 3"))
        let profile = try LetterFixtures.runForData("qpdf", ["--show-object=18", "--filtered-stream-data", url.path]).output
        let expected = Data(SRGBProfile.bytes)
        #expect(profile.count == expected.count)
        #expect(profile == expected)

        // The metadata: uncompressed, an xpacket, well-formed XML saying PDF/A-2B.
        let metadataDictionary = try LetterFixtures.run("qpdf", ["--show-object=17", url.path]).output
        #expect(metadataDictionary.contains("/Type /Metadata"))
        #expect(metadataDictionary.contains("/Subtype /XML"))
        #expect(!metadataDictionary.contains("/Filter"))
        let xmp = try LetterFixtures.runForData("qpdf", ["--show-object=17", "--raw-stream-data", url.path]).output
        let xmpText = String(decoding: xmp, as: UTF8.self)
        #expect(xmpText.hasPrefix("<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"))
        #expect(xmpText.hasSuffix("<?xpacket end=\"w\"?>"))
        let parser = XMLParser(data: xmp)
        parser.shouldProcessNamespaces = true
        let reader = XMPReader()
        parser.delegate = reader
        #expect(parser.parse(), "the XMP is not well-formed: \(String(describing: parser.parserError))")
        #expect(reader.values["pdfaid:part"] == "2")
        #expect(reader.values["pdfaid:conformance"] == "B")
        #expect(reader.namespaces["pdfaid:part"] == "http://www.aiim.org/pdfa/ns/id/")

        // The XMP says what the Info dictionary says.
        let info = try LetterFixtures.run("pdfinfo", ["-isodates", url.path]).output
        #expect(reader.values["dc:title"] == content.title)
        #expect(Self.field("Title", in: info) == content.title)
        #expect(reader.values["dc:creator"] == content.senderName)
        #expect(Self.field("Author", in: info) == content.senderName)
        #expect(reader.values["dc:description"] == content.subject)
        #expect(Self.field("Subject", in: info) == content.subject)
        #expect(reader.values["xmp:CreatorTool"] == Self.field("Creator", in: info))
        #expect(reader.values["pdf:Producer"] == Self.field("Producer", in: info))
        let date = "\(content.date.iso)T00:00:00Z"
        #expect(reader.values["xmp:CreateDate"] == date)
        #expect(reader.values["xmp:ModifyDate"] == date)
        #expect(Self.field("CreationDate", in: info) == date)
        #expect(Self.field("ModDate", in: info) == date)
    }

    @Test("the built-in sRGB profile is the one scripts/srgb-icc.c builds with littleCMS: ICC v4.2, display, RGB, XYZ")
    func builtInProfile() throws {
        let folder = try Scratch.folder("icc")
        defer { try? FileManager.default.removeItem(at: folder) }
        let built = folder.appendingPathComponent("sRGB.icc")
        let script = try EnvelopeFixtures.repositoryRoot().appendingPathComponent("scripts/make-srgb-icc.sh")
        #expect(try LetterFixtures.run(script.path, ["--icc", built.path]).status == 0)
        #expect(Array(try Data(contentsOf: built)) == SRGBProfile.bytes, "rerun scripts/make-srgb-icc.sh")
        let bytes = SRGBProfile.bytes
        func field(_ offset: Int) -> String { String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self) }
        #expect(bytes[0..<4].reduce(0) { $0 << 8 | Int($1) } == bytes.count)
        #expect(bytes[8] == 4 && bytes[9] == 0x20)
        #expect(field(12) == "mntr" && field(16) == "RGB " && field(20) == "XYZ " && field(36) == "acsp")
        #expect(bytes[84..<100].contains { $0 != 0 }, "no profile ID")
        #expect(try FastPDFA.loadProfile(at: built.path) == bytes)
    }

    @Test("a missing ICC profile stops the template compilation with a clear error")
    func missingProfile() throws {
        let composer = try LetterComposer(campaign: LetterFixtures.campaign())
        let path = "/nonexistent/postbatch-test/sRGB.icc"
        let error = try #require(throws: LetterError.self) {
            try FastLetterTemplates(composer: composer, iccProfile: path)
        }
        #expect(error.code == .pdf)
        #expect(error.file == path)
        #expect(error.detail.contains("built-in sRGB profile"))
    }

    @Test("one renderer's letters of other dates and groups each carry their own Info and XMP")
    func informationFollowsEachLetter() throws {
        let (composer, templates) = try FastLetterRendererTests.compiled.get()
        let renderer = try FastLetterRenderer(templates: templates)
        let dates = composer.campaign.schedule.waveDates
        let cases = dates.flatMap { date in [(LetterGroup.bank, date), (.citizenService, date)] } + [(.bank, dates[0])]
        for (group, date) in cases {
            let content = try composer.compose(LetterFixtures.letter(group: group, language: .da, date: date))
            let text = String(decoding: try #require(try renderer.render(content)), as: UTF8.self)
            #expect(text.contains("<xmp:CreateDate>\(date.iso)T00:00:00Z</xmp:CreateDate>"), "\(group) \(date)")
            #expect(text.contains("/CreationDate (D:\(date.iso.filter(\.isNumber))000000Z)"), "\(group) \(date)")
            #expect(text.contains(content.subject + "</rdf:li>"), "\(group) \(date)")
        }
    }
}
