import Foundation
import Testing
@testable import PostbatchKit
import PostbatchTesting

@Suite("Spool validation with the shipped schemas")
struct SpoolValidationTests {
    /// A folder laid out like a spool (a manifest, so it counts as one), holding the given envelopes.
    func spool(_ envelopes: [(path: String, bytes: [UInt8])]) throws -> URL {
        let root = try Scratch.folder("validate")
        try Data("uuid,group,channel,date,language,bytes,sha256,file\n".utf8).write(to: root.appendingPathComponent("manifest.csv"))
        for (path, bytes) in envelopes {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        return root
    }

    func paper() throws -> [UInt8] {
        let letter = try EnvelopeFixtures.letter(address: PostalAddress(
            street: "Nørregade 7", postalCode: "1165", city: "København K", countryCode: "DK"))
        return try EnvelopeFixtures.writer().paperEnvelope(for: letter, pdf: EnvelopeFixtures.tinyPDF())
    }

    func memo(_ version: MemoVersion) throws -> [UInt8] {
        try EnvelopeFixtures.writer(version).digitalEnvelope(for: EnvelopeFixtures.letter(), pdf: EnvelopeFixtures.tinyPDF())
    }

    @Test("each MeMo message is checked against the schema of its memoVersion, paper against fjernprint")
    func schemaPerVersion() throws {
        let shipped = ShippedSchemas(directory: try EnvelopeFixtures.schemaDirectory())
        let root = try spool([
            ("digital/2021-10-06/0001/a.xml", try memo(.v1_2)),
            ("digital/2021-10-06/0001/b.xml", try memo(.v1_2)),
            ("digital/2021-10-07/0001/c.xml", try memo(.v1_1)),
            ("print/2021-10-11/0001/d.xml", try paper()),
        ])
        let result = try SpoolValidation.validate(spool: root.path, shipped: shipped)
        #expect(result.checked == 4)
        #expect(result.failures.isEmpty, "\(result.failures)")
        let uses = Dictionary(uniqueKeysWithValues: result.uses.map { ($0.schema, $0.count) })
        #expect(uses == [shipped.memo(.v1_2).path: 2, shipped.memo(.v1_1).path: 1, shipped.fjernprint.path: 1])
        #expect(result.uses.map(\.envelopes).sorted() == ["digital (MeMo 1.1)", "digital (MeMo 1.2)", "print (fjernprint)"])
    }

    @Test("a 1.2 message that claims 1.1 fails against the 1.1 schema; a broken paper letter fails")
    func failures() throws {
        let shipped = ShippedSchemas(directory: try EnvelopeFixtures.schemaDirectory())
        // 1.1 requires memoSchVersion: a 1.2 message relabelled 1.1 lacks it.
        let relabelled = String(decoding: try memo(.v1_2), as: UTF8.self)
            .replacingOccurrences(of: #"memoVersion="1.2""#, with: #"memoVersion="1.1""#)
        let brokenPaper = String(decoding: try paper(), as: UTF8.self)
            .replacingOccurrences(of: "<dkal:FilformatNavn>PDF</dkal:FilformatNavn>", with: "")
        #expect(brokenPaper != String(decoding: try paper(), as: UTF8.self))
        let root = try spool([
            ("digital/2021-10-06/0001/a.xml", Array(relabelled.utf8)),
            ("print/2021-10-11/0001/b.xml", Array(brokenPaper.utf8)),
        ])
        let result = try SpoolValidation.validate(spool: root.path, shipped: shipped)
        #expect(result.checked == 2)
        #expect(result.failures.map(\.file).sorted() == ["digital/2021-10-06/0001/a.xml", "print/2021-10-11/0001/b.xml"])
        #expect(result.uses.contains { $0.schema == shipped.memo(.v1_1).path })
    }

    @Test("memoVersion is read from the message's start", arguments: [
        (#"<memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.1" memoSchVersion="1.1.0">"#, "1.1"),
        (#"<memo:Message memoVersion="1.2">"#, "1.2"),
        (#"<memo:Message memoVersion="2.0">"#, "none"),
        (#"<memo:Message>"#, "none"),
    ])
    func memoVersion(head: String, expected: String) {
        #expect(SpoolValidation.memoVersion(of: Array(head.utf8))?.rawValue ?? "none" == expected)
    }

    @Test("the repository's schemas/ is complete and every main schema compiles")
    func shippedSchemasCompile() throws {
        let shipped = ShippedSchemas(directory: try EnvelopeFixtures.schemaDirectory())
        #expect(shipped.missing().isEmpty)
        for schema in shipped.all {
            _ = try SchemaValidator(schemaPath: schema.path)
        }
        let repository = ShareDirectory(url: try EnvelopeFixtures.repositoryRoot(), kind: .sourceTree)
        #expect(ShippedSchemas.shipped(in: repository) == shipped)
        #expect(ShippedSchemas.shipped(in: nil) == nil)
        let empty = ShareDirectory(url: try Scratch.folder("share"), kind: .installed)
        #expect(ShippedSchemas.shipped(in: empty) == nil)
    }
}
