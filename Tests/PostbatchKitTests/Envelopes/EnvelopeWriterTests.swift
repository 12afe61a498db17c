import Foundation
import Testing
@testable import PostbatchKit

/// One envelope to write in the schema tests.
struct EnvelopeCase: Sendable, CustomTestStringConvertible {
    let label: String
    let memoVersion: MemoVersion?  // nil: paper
    let name: String
    let coName: String?
    let address: PostalAddress?

    var testDescription: String { label }

    static let all: [EnvelopeCase] = [
        .init(label: "MeMo 1.2", memoVersion: .v1_2, name: "Jens Peter Østergård Ærø", coName: nil, address: nil),
        .init(label: "MeMo 1.1", memoVersion: .v1_1, name: "Jens Peter Østergård Ærø", coName: nil, address: nil),
        .init(label: "paper DK with c/o", memoVersion: nil, name: "Jens Peter Østergård Ærø", coName: "Karen Åberg",
              address: PostalAddress(street: "Vesterbrogade 12A, 3. tv", postalCode: "1620", city: "København V",
                                     countryCode: "DK")),
        .init(label: "paper DK without c/o", memoVersion: nil, name: "Mette Hansen", coName: nil,
              address: PostalAddress(street: "Nørregade 7", postalCode: "1165", city: "København K",
                                     countryCode: "DK")),
        .init(label: "paper DK, street that does not parse", memoVersion: nil, name: "Ole Olsen", coName: "c/o Hansen",
              address: PostalAddress(street: "Gården Lille Mølle, Bag Kirken", postalCode: "4000", city: "Roskilde",
                                     countryCode: "DK")),
        .init(label: "paper GL", memoVersion: nil, name: "Aviaja Kristiansen", coName: nil,
              address: PostalAddress(street: "Aqqusinersuaq 16", postalCode: "3900", city: "Nuuk", countryCode: "GL")),
        .init(label: "paper FO with c/o", memoVersion: nil, name: "Rúni Joensen", coName: "Elin Poulsen",
              address: PostalAddress(street: "Niels Finsens gøta 5", postalCode: "100", city: "Tórshavn",
                                     countryCode: "FO")),
        .init(label: "paper foreign", memoVersion: nil, name: "Mette Schmidt", coName: nil,
              address: PostalAddress(street: "Musterstraße 12, 3. OG", postalCode: "10115", city: "Berlin",
                                     countryCode: "DE")),
    ]

    func write() throws -> [UInt8] {
        let letter = try EnvelopeFixtures.letter(name: name, coName: coName, address: address)
        let writer = try EnvelopeFixtures.writer(memoVersion ?? .v1_2)
        let pdf = try EnvelopeFixtures.tinyPDF()
        return memoVersion == nil ? try writer.paperEnvelope(for: letter, pdf: pdf)
                                  : try writer.digitalEnvelope(for: letter, pdf: pdf)
    }

    func schema() throws -> String {
        if let memoVersion { return try EnvelopeFixtures.memoSchema(memoVersion) }
        return try EnvelopeFixtures.fjernprintSchema()
    }
}

@Suite("Envelope writer")
struct EnvelopeWriterTests {
    @Test("every envelope kind validates with SchemaValidator and xmllint", arguments: EnvelopeCase.all)
    func validates(_ envelope: EnvelopeCase) throws {
        let bytes = try envelope.write()
        let validator = try SchemaValidator(schemaPath: envelope.schema())
        let failures = validator.validate(bytes)
        #expect(failures.isEmpty, "\(failures)")
        let lint = try EnvelopeFixtures.xmllint(bytes, schema: envelope.schema())
        #expect(lint.status == 0, "\(lint.output)")
    }

    @Test("hostile values give well-formed valid envelopes", arguments: [
        #"Ærø & <Søn> "A/S""#,
        "Bo ]]> Hansen",
        "Tab\there\u{0}nul\u{1B}esc\u{7}bell\u{FFFE}\r\nnew line",
        "Emoji 😀👨‍👩‍👧 Hansen",
        String(repeating: "Åse Ærø ", count: 20),  // 160 characters
        String(repeating: "x", count: 129) + "e\u{301}",  // 131 scalars, 130 Characters
    ])
    func hostile(_ value: String) throws {
        let pdf = try EnvelopeFixtures.tinyPDF()
        let longStreet = String(repeating: "Langgadevej ", count: 17) + "12"  // 206 characters
        let addresses = [
            PostalAddress(street: value + " 12", postalCode: "1620", city: value, countryCode: "DK"),
            PostalAddress(street: longStreet, postalCode: "1620", city: value, countryCode: "DK"),
            PostalAddress(street: longStreet, postalCode: "100", city: value, countryCode: "FO"),
            PostalAddress(street: value, postalCode: value, city: value, countryCode: "DE"),
        ]
        let campaign = EnvelopeFixtures.campaign(title: value + String(repeating: "!", count: 300))
        let paperValidator = try SchemaValidator(schemaPath: EnvelopeFixtures.fjernprintSchema())
        for version in MemoVersion.allCases {
            let writer = try EnvelopeFixtures.writer(version, campaign: campaign)
            let letter = try EnvelopeFixtures.letter(name: value)
            let memo = try writer.digitalEnvelope(for: letter, pdf: pdf)
            let memoValidator = try SchemaValidator(schemaPath: EnvelopeFixtures.memoSchema(version))
            #expect(memoValidator.validate(memo).isEmpty, "\(memoValidator.validate(memo))")
            #expect(try EnvelopeFixtures.xmllint(memo, schema: EnvelopeFixtures.memoSchema(version)).status == 0)
        }
        let writer = try EnvelopeFixtures.writer(campaign: campaign)
        var written = 0
        for address in addresses + [PostalAddress(street: "Vej 1", postalCode: "1620", city: "By", countryCode: "DK")] {
            for coName in [value, nil] {
                let letter = try EnvelopeFixtures.letter(name: value, coName: coName, address: address)
                // A block that does not fit is refused, never cut (SPEC §2).
                guard case .success = AddressBlock.build(name: value, coName: coName, address: address) else {
                    #expect { try writer.paperEnvelope(for: letter, pdf: pdf) }
                        throws: { ($0 as? EnvelopeError)?.code == .addressTooLong }
                    continue
                }
                let paper = try writer.paperEnvelope(for: letter, pdf: pdf)
                #expect(paperValidator.validate(paper).isEmpty, "\(paperValidator.validate(paper))")
                #expect(try EnvelopeFixtures.xmllint(paper, schema: EnvelopeFixtures.fjernprintSchema()).status == 0)
                written += 1
            }
        }
        // The short hostile values make envelopes (the long ones only overflow).
        #expect(written > 0 || value.unicodeScalars.count > 34)
    }

    @Test("special characters are escaped, emoji pass through, controls become spaces")
    func escaping() throws {
        let letter = try EnvelopeFixtures.letter(name: "Ærø & <Søn> \"A/S\" 😀 a\u{1}b")
        let xml = String(decoding: try EnvelopeFixtures.writer().digitalEnvelope(for: letter, pdf: [1, 2, 3]),
                         as: UTF8.self)
        #expect(xml.contains("<memo:label>Ærø &amp; &lt;Søn&gt; &quot;A/S&quot; 😀 a b</memo:label>"))
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
        #expect(xml.contains("<memo:Message xmlns:memo=\"https://DigitalPost.dk/MeMo-1\" memoVersion=\"1.2\">"))
        #expect(xml.contains("<memo:content>AQID</memo:content>"))
    }

    @Test("MeMo 1.1 carries memoSchVersion, 1.2 does not")
    func memoVersions() throws {
        let letter = try EnvelopeFixtures.letter()
        let v11 = String(decoding: try EnvelopeFixtures.writer(.v1_1).digitalEnvelope(for: letter, pdf: [1]), as: UTF8.self)
        let v12 = String(decoding: try EnvelopeFixtures.writer(.v1_2).digitalEnvelope(for: letter, pdf: [1]), as: UTF8.self)
        #expect(v11.contains("memoVersion=\"1.1\" memoSchVersion=\"1.1.0\""))
        #expect(v12.contains("memoVersion=\"1.2\""))
        #expect(!v12.contains("memoSchVersion"))
    }

    @Test("the MeMo envelope holds the fields SPEC §3 names")
    func memoFields() throws {
        let letter = try EnvelopeFixtures.letter(language: .en)
        let writer = try EnvelopeFixtures.writer()
        let xml = String(decoding: try writer.digitalEnvelope(for: letter, pdf: [1]), as: UTF8.self)
        let id = MessageID.derive(campaignID: "nemid-mitid-2021", cpr: letter.recipient.cpr)
        #expect(writer.envelopeID(for: letter) == id)
        for fragment in [
            "<memo:messageType>DIGITALPOST</memo:messageType>",
            "<memo:messageUUID>\(id)</memo:messageUUID>",
            "<memo:label>From NemID to MitID</memo:label>",
            "<memo:doNotDeliverUntilDate>2021-10-07</memo:doNotDeliverUntilDate>",
            "<memo:senderID>34051178</memo:senderID>",
            "<memo:idType>CVR</memo:idType>",
            "<memo:label>Digitaliseringsstyrelsen</memo:label>",
            "<memo:recipientID>1505729997</memo:recipientID>",
            "<memo:idType>CPR</memo:idType>",
            "<memo:createdDateTime>2021-10-01T08:00:00Z</memo:createdDateTime>",
            "<memo:encodingFormat>application/pdf</memo:encodingFormat>",
            "<memo:filename>MitID-letter.pdf</memo:filename>",
            "<memo:language>en</memo:language>",
            "<memo:postType>MYNDIGHEDSPOST</memo:postType>",
            "<memo:messageID>\(MessageID.supportReference(campaignID: "nemid-mitid-2021", cpr: letter.recipient.cpr))</memo:messageID>",
        ] {
            #expect(xml.contains(fragment), "missing \(fragment)")
        }
        #expect(!xml.contains("<memo:notification>"))
    }

    @Test("MeMo 1.2 and 1.1: postType, a quotable messageID, a short label, a notification, a readable file name",
          arguments: MemoVersion.allCases)
    func memoSenderFields(version: MemoVersion) throws {
        let labels: [Language: [LetterGroup: String]] = [.da: [.bankUpdate: "Opdater dine ID-oplysninger"],
                                                         .en: [.bankUpdate: "Update your ID information"]]
        let base = EnvelopeFixtures.campaign(notifications: [.da: "Du har fået et brev om MitID.",
                                                              .en: "You have a letter about MitID."])
        let campaign = Campaign(id: base.id, sender: base.sender, firstDay: base.firstDay, waves: 3, printDay: nil,
                                titles: base.titles, templateDirectory: base.templateDirectory, labels: labels,
                                notifications: base.notifications, print: base.print)
        let writer = try EnvelopeFixtures.writer(version, campaign: campaign)
        for (language, label, notification, file) in [
            (Language.da, "Opdater dine ID-oplysninger", "Du har fået et brev om MitID.", "MitID-brev.pdf"),
            (.en, "Update your ID information", "You have a letter about MitID.", "MitID-letter.pdf"),
        ] {
            let letter = try EnvelopeFixtures.letter(language: language)
            let bytes = try writer.digitalEnvelope(for: letter, pdf: try EnvelopeFixtures.tinyPDF())
            let xml = String(decoding: bytes, as: UTF8.self)
            let reference = MessageID.supportReference(campaignID: campaign.id, cpr: letter.recipient.cpr)
            // In schema order.
            let order = ["<memo:messageUUID>", "<memo:messageID>\(reference)</memo:messageID>",
                         "<memo:label>\(label)</memo:label>", "<memo:notification>\(notification)</memo:notification>",
                         "<memo:doNotDeliverUntilDate>", "<memo:legalNotification>",
                         "<memo:postType>MYNDIGHEDSPOST</memo:postType>", "<memo:Sender>",
                         "<memo:filename>\(file)</memo:filename>"]
            let positions = order.map { xml.range(of: $0)?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil }, "\(xml.prefix(1500))")
            #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
            let validator = try SchemaValidator(schemaPath: EnvelopeFixtures.memoSchema(version))
            #expect(validator.validate(bytes).isEmpty, "\(validator.validate(bytes))")
        }
    }

    @Test("the support reference is deterministic, readable and never the CPR")
    func supportReference() throws {
        let cpr = try EnvelopeFixtures.cpr("1505729997")
        let reference = MessageID.supportReference(campaignID: "nemid-mitid-2021", cpr: cpr)
        #expect(reference == MessageID.supportReference(campaignID: "nemid-mitid-2021", cpr: cpr))
        #expect(reference.wholeMatch(of: /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/) != nil, "\(reference)")
        #expect(reference != MessageID.supportReference(campaignID: "nemid-mitid-2022", cpr: cpr))
        let other = try EnvelopeFixtures.cpr("1505729998")
        #expect(reference != MessageID.supportReference(campaignID: "nemid-mitid-2021", cpr: other))
    }

    @Test("the paper envelope carries the supplier's ForsendelseTypeIdentifikator and KvitteringsTypeKode, or is refused")
    func paperSupplierSettings() throws {
        let letter = try EnvelopeFixtures.letter(address: PostalAddress(street: "Nørregade 7", postalCode: "1165",
                                                                        city: "København K", countryCode: "DK"))
        let pdf = try EnvelopeFixtures.tinyPDF()
        let bytes = try EnvelopeFixtures.writer().paperEnvelope(for: letter, pdf: pdf)
        let xml = String(decoding: bytes, as: UTF8.self)
        let order = ["<fjernprint:AfsendelseIdentifikator>", "<fjernprint:ForsendelseTypeIdentifikator>265</fjernprint:ForsendelseTypeIdentifikator>",
                     "<fjernprint:ForsendelseModtager>", "<fjernprint:MasseForsendelseIdentifikator>",
                     "<fjernprint:KvitteringsTypeKode>Kun fejl</fjernprint:KvitteringsTypeKode>", "<fjernprint:DokumentParametre>"]
        let positions = order.map { xml.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        let validator = try SchemaValidator(schemaPath: EnvelopeFixtures.fjernprintSchema())
        #expect(validator.validate(bytes).isEmpty, "\(validator.validate(bytes))")
        for receipts in Campaign.PrintSettings.Receipts.allCases {
            let writer = try EnvelopeFixtures.writer(campaign: EnvelopeFixtures.campaign(
                print: .init(shipmentType: 7, receipts: receipts)))
            #expect(validator.validate(try writer.paperEnvelope(for: letter, pdf: pdf)).isEmpty)
        }
        let unset = try EnvelopeFixtures.writer(campaign: EnvelopeFixtures.campaign(print: nil))
        do {
            _ = try unset.paperEnvelope(for: letter, pdf: pdf)
            Issue.record("a campaign without print settings must refuse paper")
        } catch {
            #expect(error.description.contains("print.shipment_type") && error.description.contains("print.receipts"))
        }
        // Digital letters do not need them.
        #expect(try !unset.digitalEnvelope(for: try EnvelopeFixtures.letter(), pdf: pdf).isEmpty)
    }

    @Test("the paper envelope holds the address block as free lines, ids and print parameters")
    func paperFields() throws {
        let address = PostalAddress(street: "Vesterbrogade 12a, 3. tv", postalCode: "1620",
                                    city: "København V", countryCode: "dk")
        let letter = try EnvelopeFixtures.letter(coName: "c/o Karen Åberg", address: address)
        let writer = try EnvelopeFixtures.writer()
        let xml = String(decoding: try writer.paperEnvelope(for: letter, pdf: [1]), as: UTF8.self)
        let shipment = MessageID.derive(campaignID: "nemid-mitid-2021", cpr: letter.recipient.cpr, for: .paperShipment)
        #expect(writer.envelopeID(for: letter) == shipment)
        // Exactly the lines of the letter's window: the block of SPEC §2.
        let block = try AddressBlock.build(name: letter.recipient.name, coName: "c/o Karen Åberg", address: address).get()
        #expect(xml.contains("<itst:PersonName>\(block.lines[0])</itst:PersonName>"))
        for (element, line) in zip(["First", "Second", "Third"], block.lines.dropFirst()) {
            #expect(xml.contains("<dkccline:PostalAddress\(element)LineText>\(line)</dkccline:PostalAddress\(element)LineText>"))
        }
        #expect(!xml.contains("PostalAddressFourthLineText"))
        #expect(!xml.contains("StreetName") && !xml.contains("CoNavn"))
        for fragment in [
            "<fjernprint:AfsendelseIdentifikator>\(shipment)</fjernprint:AfsendelseIdentifikator>",
            "<adir:CPRnummerIdentifikator>1505729997</adir:CPRnummerIdentifikator>",
            "<dkccline:PostalAddressFirstLineText>c/o Karen Åberg</dkccline:PostalAddressFirstLineText>",
            "<dkccline:PostalAddressSecondLineText>Vesterbrogade 12a, 3. tv</dkccline:PostalAddressSecondLineText>",
            "<dkccline:PostalAddressThirdLineText>1620 København V</dkccline:PostalAddressThirdLineText>",
            "<dkcc2005:PostCodeIdentifier>1620</dkcc2005:PostCodeIdentifier>",
            "<dkcc:CountryIdentificationCode scheme=\"iso3166-alpha2\">DK</dkcc:CountryIdentificationCode>",
            "<dkal:FilformatNavn>PDF</dkal:FilformatNavn>",
            "<dkal:MeddelelseIndholdData>AQ==</dkal:MeddelelseIndholdData>",
            "<fjernprint:MasseForsendelseIdentifikator>\(EnvelopeFixtures.massMailingID)</fjernprint:MasseForsendelseIdentifikator>",
            "<sd:TitelTekst>Fra NemID til MitID</sd:TitelTekst>",
            "<sd:BrevDato>2021-10-09</sd:BrevDato>",
            "<fjernprint:KuvertTypeKode>C5</fjernprint:KuvertTypeKode>",
            "<fjernprint:PostKategoriKode>Economique</fjernprint:PostKategoriKode>",
        ] {
            #expect(xml.contains(fragment), "missing \(fragment)")
        }
    }

    @Test("Faroese and foreign addresses are written as free lines")
    func paperLines() throws {
        let writer = try EnvelopeFixtures.writer()
        let faroe = try EnvelopeFixtures.letter(coName: "Elin Poulsen", address: PostalAddress(
            street: "Niels Finsens gøta 5", postalCode: "100", city: "Tórshavn", countryCode: "FO"))
        let xml = String(decoding: try writer.paperEnvelope(for: faroe, pdf: [1]), as: UTF8.self)
        #expect(xml.contains("<dkccline:PostalAddressFirstLineText>c/o Elin Poulsen</dkccline:PostalAddressFirstLineText>"))
        #expect(xml.contains("<dkccline:PostalAddressSecondLineText>Niels Finsens gøta 5</dkccline:PostalAddressSecondLineText>"))
        #expect(xml.contains("<dkccline:PostalAddressThirdLineText>FO-100 Tórshavn</dkccline:PostalAddressThirdLineText>"))
        #expect(xml.contains("<fjernprint:PostKategoriKode>Prioritaire</fjernprint:PostKategoriKode>"))
        #expect(!xml.contains("PostCodeIdentifier"))

        let german = try EnvelopeFixtures.letter(address: PostalAddress(
            street: "Musterstraße 12", postalCode: "10115", city: "Berlin", countryCode: "DE"))
        let lines = String(decoding: try writer.paperEnvelope(for: german, pdf: [1]), as: UTF8.self)
        #expect(lines.contains("<dkccline:PostalAddressSecondLineText>10115 Berlin</dkccline:PostalAddressSecondLineText>"))
        #expect(lines.contains(">TYSKLAND</dkccline:PostalAddressThirdLineText>"))

        // Greenland gets its country line too, as the letter's window has it.
        let greenland = try EnvelopeFixtures.letter(address: PostalAddress(
            street: "Aqqusinersuaq 16", postalCode: "3900", city: "Nuuk", countryCode: "GL"))
        let gl = String(decoding: try writer.paperEnvelope(for: greenland, pdf: [1]), as: UTF8.self)
        #expect(gl.contains("<dkccline:PostalAddressSecondLineText>3900 Nuuk</dkccline:PostalAddressSecondLineText>"))
        #expect(gl.contains("<dkccline:PostalAddressThirdLineText>GRØNLAND</dkccline:PostalAddressThirdLineText>"))
        #expect(gl.contains("<dkcc2005:PostCodeIdentifier>3900</dkcc2005:PostCodeIdentifier>"))

        // Too long for the block: refused with the line number, never cut.
        let long = try EnvelopeFixtures.letter(coName: "Dødsbo efter Karen Birgitte Jensen", address: PostalAddress(
            street: "Nørregade 7", postalCode: "1165", city: "København K", countryCode: "DK"))
        do {
            _ = try writer.paperEnvelope(for: long, pdf: [1])
            Issue.record("expected address_too_long")
        } catch {
            #expect(error.code == .addressTooLong)
            #expect(error.description.contains("line 2"))
            #expect(!error.description.contains("Dødsbo") && !error.description.contains("1505729997"))
        }
    }

    @Test("envelope(for:) picks the envelope by the letter's channel")
    func dispatch() throws {
        let writer = try EnvelopeFixtures.writer()
        let digital = try EnvelopeFixtures.letter()
        let paper = try EnvelopeFixtures.letter(address: PostalAddress(
            street: "Nørregade 7", postalCode: "1165", city: "København K", countryCode: "DK"))
        #expect(try writer.envelope(for: digital, pdf: [1]) == writer.digitalEnvelope(for: digital, pdf: [1]))
        #expect(try writer.envelope(for: paper, pdf: [1]) == writer.paperEnvelope(for: paper, pdf: [1]))
        #expect(writer.envelopeID(for: digital) != writer.envelopeID(for: paper))
    }

    @Test("two writes of the same letter are byte-identical")
    func deterministic() throws {
        for envelope in EnvelopeCase.all {
            #expect(try envelope.write() == envelope.write(), "\(envelope.label)")
        }
        let big = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let letter = try EnvelopeFixtures.letter()
        let writer = try EnvelopeFixtures.writer()
        #expect(try writer.digitalEnvelope(for: letter, pdf: big) == writer.digitalEnvelope(for: letter, pdf: big))
    }

    @Test("a large PDF is base64-encoded exactly, in pieces")
    func largeBase64() throws {
        let big = (0..<100_001).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let letter = try EnvelopeFixtures.letter()
        let xml = String(decoding: try EnvelopeFixtures.writer().digitalEnvelope(for: letter, pdf: big), as: UTF8.self)
        let start = try #require(xml.range(of: "<memo:content>"))
        let end = try #require(xml.range(of: "</memo:content>"))
        let content = String(xml[start.upperBound..<end.lowerBound])
        #expect(content == Data(big).base64EncodedString())
    }

    @Test("base64 of every length up to 64 bytes, every tail, is Foundation's")
    func base64Lengths() {
        var generator = SystemRandomNumberGenerator()
        for count in 0...64 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var output = [UInt8](repeating: 0, count: (count + 2) / 3 * 4)
            let written = bytes.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { Base64.encode(input, into: $0) }
            }
            #expect(written == output.count)
            #expect(String(decoding: output, as: UTF8.self) == Data(bytes).base64EncodedString(), "\(bytes)")
        }
    }

    @Test("kept base64 of what PDFs start with gives the envelopes of encoding each PDF whole")
    func base64Prefixes() throws {
        let letter = try EnvelopeFixtures.letter()
        let writer = try EnvelopeFixtures.writer()
        var generator = SystemRandomNumberGenerator()
        func random(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        // Two templates' starts (the second shares the first's header), documents of each with
        // their own ends, and documents shorter than, equal to, and unlike a kept start.
        let first = random(14_000)
        let second = Array(first.prefix(4_000)) + random(9_001)
        var documents = (0..<40).map { index in (index % 3 == 0 ? first : second) + random(500 + index) }
        documents += [Array(first.prefix(3_500)), first, Array(first.prefix(14_001)), random(10), [0x25]]
        let cache = EnvelopeCache()
        for pdf in documents {
            #expect(try writer.envelope(for: letter, pdf: pdf, cache: cache) == writer.envelope(for: letter, pdf: pdf))
        }
        #expect(cache.prefixes.count >= 2, "the shared header and at least one template's own start are kept")
    }

    @Test("a message put together from a worker's pieces is the message written whole, for any name, group, language, day")
    func memoTemplates() throws {
        let names = ["Jens Peter Østergård Ærø", "A & B <Søn> \"A/S\" 'x' ]]>", "Tab\there\r\nline",
                     "Bell\u{7}\u{0}",
                     "王小明 🙂", String(repeating: "Ø", count: 300), "\u{E000}postbatch-name\u{E000}", "x"]
        let days = [CalendarDate(year: 2021, month: 10, day: 6)!, CalendarDate(year: 2021, month: 10, day: 8)!]
        for version in [MemoVersion.v1_1, .v1_2] {
            let writer = try EnvelopeFixtures.writer(version)
            let cache = EnvelopeCache()
            for (index, name) in names.enumerated() {
                for group in LetterGroup.allCases {
                    for language in [Language.da, .en] {
                        let base = try EnvelopeFixtures.letter(name: name, group: group, language: language)
                        let letter = Letter(sequence: base.sequence, line: base.line, recipient: base.recipient,
                                            group: group, channel: .digital, date: days[index % days.count])
                        let pdf = Array("%PDF-1.7 \(index) \(group)".utf8)
                            + Array(repeating: UInt8(index), count: 4_000)
                        let pieces = try writer.envelope(for: letter, pdf: pdf, cache: cache)
                        #expect(pieces == (try writer.envelope(for: letter, pdf: pdf)),
                                "\(version) \(name) \(group) \(language)")
                    }
                }
            }
            // A name that is empty once cut and made safe has no label: written whole, the same way.
            let letter = try EnvelopeFixtures.letter(name: "")
            let whole = try writer.envelope(for: letter, pdf: [1, 2, 3])
            #expect(try writer.envelope(for: letter, pdf: [1, 2, 3], cache: cache) == whole)
        }
    }

    @Test("a probe whose label holds a marker is not cut into pieces")
    func memoTemplateMarkers() {
        let marked = Array(("<a>" + MemoTemplate.markers.joined(separator: "<b/>") + "</a>").utf8)
        #expect(MemoTemplate(probe: marked) != nil)
        let twice = Array(("<a>" + MemoTemplate.markers[0] + MemoTemplate.markers.joined(separator: "<b/>") + "</a>")
            .utf8)
        #expect(MemoTemplate(probe: twice) == nil)
        let missing = Array(MemoTemplate.markers.dropLast().joined().utf8)
        #expect(MemoTemplate(probe: missing) == nil)
    }

    @Test("the full CPR is in the recipient element and in no error")
    func cprPrivacy() throws {
        let letter = try EnvelopeFixtures.letter(cpr: "1505729997")
        let writer = try EnvelopeFixtures.writer()
        let xml = String(decoding: try writer.digitalEnvelope(for: letter, pdf: [1]), as: UTF8.self)
        #expect(xml.contains("<memo:recipientID>1505729997</memo:recipientID>"))

        do {
            _ = try writer.paperEnvelope(for: letter, pdf: [1])
            Issue.record("a paper letter without an address must fail")
        } catch {
            #expect(error.code == .missingAddress)
            #expect(!error.description.contains("1505729997"))
            #expect(error.description.contains("150572-XXXX"))
        }
        do {
            _ = try writer.digitalEnvelope(for: letter, pdf: [])
            Issue.record("an empty PDF must fail")
        } catch {
            #expect(error.code == .emptyDocument)
            #expect(!error.description.contains("1505729997"))
        }
    }

    @Test("invalid writer settings are errors with a code", arguments: [
        ("1234567", EnvelopeFixtures.massMailingID),
        ("34051178", ""),
        ("34051178", String(repeating: "a", count: 39)),
        ("34051178", "two\nlines"),
    ])
    func invalidSettings(cvr: String, massMailingID: String) throws {
        let base = EnvelopeFixtures.campaign()
        let campaign = Campaign(id: base.id, sender: .init(cvr: cvr, name: "Sender", addressLines: [], contact: ""),
                                firstDay: base.firstDay, waves: 3, printDay: nil, titles: base.titles,
                                templateDirectory: base.templateDirectory)
        #expect { try EnvelopeWriter(campaign: campaign, massMailingID: massMailingID, now: EnvelopeFixtures.now) }
            throws: { ($0 as? EnvelopeError)?.code == .invalidField }
    }
}
