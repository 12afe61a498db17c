import Foundation
import Testing
@testable import PostbatchKit

@Suite("Schema validator")
struct SchemaValidatorTests {
    @Test("the example envelopes validate against the shipped schemas")
    func referenceExamples() throws {
        let memo = try SchemaValidator(schemaPath: EnvelopeFixtures.memoSchema(.v1_2))
        let memo11 = try SchemaValidator(schemaPath: EnvelopeFixtures.memoSchema(.v1_1))
        let paper = try SchemaValidator(schemaPath: EnvelopeFixtures.fjernprintSchema())
        let cases: [(SchemaValidator, String)] = [
            (memo, "memo/memo-1.2-minimal.xml"),
            (memo, "memo/memo-1.2-full.xml"),
            (memo11, "memo/memo-1.1-minimal.xml"),
            (paper, "fjernprint/forsendelseI-full-dk.xml"),
            (paper, "fjernprint/forsendelseI-greenland.xml"),
            (paper, "fjernprint/forsendelseI-faroe-lines.xml"),
            (paper, "fjernprint/forsendelseI-foreign-lines.xml"),
        ]
        for (validator, path) in cases {
            let bytes = Array(try Data(contentsOf: EnvelopeFixtures.fixture(path)))
            #expect(validator.validate(bytes).isEmpty, "\(path): \(validator.validate(bytes))")
        }
    }

    @Test("a wrong root element is a failure, even one the schema declares")
    func wrongRoot() throws {
        let paper = try SchemaValidator(schemaPath: EnvelopeFixtures.fjernprintSchema(),
                                        expectedRoots: [.forsendelseI])
        let lone = #"<dkal:FilformatNavn xmlns:dkal="urn:oio:dkal:1.0.0">PDF</dkal:FilformatNavn>"#
        let failures = paper.validate(Array(lone.utf8))
        #expect(failures.count == 1)
        #expect(failures.first?.message.contains("root element is {urn:oio:dkal:1.0.0}FilformatNavn") == true)

        let memo = try EnvelopeFixtures.writer().digitalEnvelope(for: EnvelopeFixtures.letter(), pdf: [1])
        let mismatch = paper.validate(memo)
        #expect(mismatch.first?.message.contains("expected {urn:oio:fjernprint:1.0.0}ForsendelseI") == true)
    }

    @Test("a missing element is a failure with libxml2's message")
    func missingElement() throws {
        let validator = try SchemaValidator(schemaPath: EnvelopeFixtures.memoSchema(.v1_2))
        let memo = String(decoding: try EnvelopeFixtures.writer().digitalEnvelope(for: EnvelopeFixtures.letter(), pdf: [1]),
                          as: UTF8.self)
        let broken = memo.replacingOccurrences(of: #"<memo:messageType>DIGITALPOST</memo:messageType>"#, with: "")
        let failures = validator.validate(Array(broken.utf8))
        #expect(!failures.isEmpty)
        #expect(failures.first?.message.contains("messageUUID") == true, "\(failures)")
        #expect(failures.first?.line ?? 0 > 0)
    }

    @Test("a document that is not well-formed is a failure")
    func notWellFormed() throws {
        let validator = try SchemaValidator(schemaPath: EnvelopeFixtures.memoSchema(.v1_2))
        #expect(!validator.validate(Array("<memo:Message xmlns:memo=\"https://DigitalPost.dk/MeMo-1\">".utf8)).isEmpty)
        #expect(!validator.validate([]).isEmpty)
        #expect(!validator.validate(Array("<a>&unknown;</a>".utf8)).isEmpty)
    }

    @Test("no external entity is loaded")
    func noExternalEntities() throws {
        let validator = try SchemaValidator(schemaPath: EnvelopeFixtures.memoSchema(.v1_2))
        let xxe = """
        <?xml version="1.0"?>
        <!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>
        <memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.2">&x;</memo:Message>
        """
        let failures = validator.validate(Array(xxe.utf8))
        #expect(!failures.isEmpty)
        #expect(!failures.description.contains("root:"))
    }

    @Test("failure messages never show a CPR number or a quoted value")
    func redaction() throws {
        let validator = try SchemaValidator(schemaPath: EnvelopeFixtures.fjernprintSchema())
        let letter = try EnvelopeFixtures.letter(cpr: "1505729997", address: PostalAddress(
            street: "Nørregade 7", postalCode: "1165", city: "København K", countryCode: "DK"))
        let paper = String(decoding: try EnvelopeFixtures.writer().paperEnvelope(for: letter, pdf: [1]), as: UTF8.self)
        let broken = paper
            .replacingOccurrences(of: ">1505729997<", with: ">3299729997<")
            .replacingOccurrences(of: ">Nørregade 7<", with: ">\(String(repeating: "Nørregade", count: 5))<")
        let failures = validator.validate(Array(broken.utf8))
        #expect(failures.count >= 2)
        let text = failures.map(\.description).joined(separator: "\n")
        #expect(!text.contains("3299729997"))
        #expect(!text.contains("Nørregade"))
        #expect(text.contains("[value]"))
    }

    @Test("redact masks ten-digit runs and quoted values", arguments: [
        ("The value '1505729997' is bad", "The value '[value]' is bad"),
        ("CPR 1505729997 here", "CPR 150572-XXXX here"),
        ("CPR 150572-9997.", "CPR 150572-XXXX."),
        ("length of '131'; 12345678901 stays", "length of '131'; 12345678901 stays"),
        ("pattern '(…)|0000000000'", "pattern '(…)|0000000000'"),
    ])
    func redact(message: String, expected: String) {
        #expect(SchemaValidator.redact(message) == expected)
    }

    @Test("an unreadable schema is a schema_load error")
    func badSchema() throws {
        #expect { try SchemaValidator(schemaPath: "/nonexistent/schema.xsd") }
            throws: { ($0 as? EnvelopeError)?.code == .schemaLoad }
    }
}
