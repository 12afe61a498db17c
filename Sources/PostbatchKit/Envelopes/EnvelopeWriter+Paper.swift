/// Constants of the fjernprint envelope: namespaces and the prefixes postbatch binds them to.
enum PaperEnvelope {
    static let namespace = "urn:oio:fjernprint:1.0.0"
    static let fjernprint = "fjernprint"
    static let dkal = ("dkal", "urn:oio:dkal:1.0.0")
    static let adir = ("adir", "urn:oio:adir:dagpenge:2009.07.01")
    static let itst = ("itst", "http://rep.oio.dk/itst.dk/xml/schemas/2006/01/17/")
    static let dkcc = ("dkcc", "http://rep.oio.dk/ebxml/xml/schemas/dkcc/2003/02/13/")
    static let dkcc2005 = ("dkcc2005", "http://rep.oio.dk/ebxml/xml/schemas/dkcc/2005/03/15/")
    static let dkccline = ("dkccline", "http://rep.oio.dk/ebxml/xml/schemas/dkcc/2005/05/19/")
    static let sd = ("sd", "urn:oio:sagdok:3.0.0")

    /// `BrugerNavn`: the system that sends.
    static let userName = "postbatch"
    /// The `PostalAddress…LineText` element names, first to sixth.
    static let lineElements = ["PostalAddressFirstLineText", "PostalAddressSecondLineText",
                               "PostalAddressThirdLineText", "PostalAddressFourthLineText",
                               "PostalAddressFifthLineText", "PostalAddressSixthLineText"]
}

extension EnvelopeWriter {
    /// The fjernprint `ForsendelseI` of a paper letter.
    ///
    /// In schema order: `AfsendelseIdentifikator` (deterministic UUID),
    /// `ForsendelseTypeIdentifikator` (the campaign's `print.shipment_type`), `ForsendelseModtager`
    /// (the CPR number; `PersonName` the first line of the ``AddressBlock`` and its other
    /// lines, c/o, street, postal line and country, as `PostalAddress…LineText`, then for
    /// Denmark and Greenland the 4-digit `PostCodeIdentifier`),
    /// `FilformatNavn` `PDF`, the base64 PDF, `TransaktionsParametreI` (`now`, the run's
    /// mass-mailing id and the campaign's `print.receipts` as `KvitteringsTypeKode`), `DokumentParametre` (title, document UUID, the letter's date),
    /// `KanalUafhaengigeParametreI` (`postbatch`, `Fysisk Post`), `PrintParametre` and
    /// `PostParametre` from ``printParameters``.
    ///
    /// - Parameters:
    ///   - letter: the letter; its recipient must have an address. Its channel is not checked.
    ///   - pdf: the rendered letter; any non-empty bytes.
    /// - Returns: the UTF-8 XML document.
    /// - Throws: ``EnvelopeError`` with code ``EnvelopeError/Code/missingAddress`` when the
    ///   recipient has no address; ``EnvelopeError/Code/invalidField`` when the name is empty
    ///   or the country code is not two letters; ``EnvelopeError/Code/addressTooLong`` when
    ///   the address block does not fit 6 lines of 34 characters (nothing is ever cut);
    ///   ``EnvelopeError/Code/emptyDocument`` for an empty PDF; ``EnvelopeError/Code/xmlWriter``
    ///   if libxml2 fails.
    public func paperEnvelope(for letter: Letter, pdf: [UInt8]) throws(EnvelopeError) -> [UInt8] {
        try paperEnvelope(for: letter, pdf: pdf, prefixes: nil)
    }

    /// ``paperEnvelope(for:pdf:)`` with a worker's kept base64 text of what PDFs start with,
    /// and the letter's ``envelopeID(for:)`` when the caller has it.
    func paperEnvelope(for letter: Letter, pdf: [UInt8], prefixes: Base64Prefixes?,
                       shipmentID known: MessageID? = nil) throws(EnvelopeError) -> [UInt8] {
        try requireDocument(pdf, for: letter)
        let addressee = try PaperAddressee(letter.recipient)
        guard let settings = campaign.print else {
            throw EnvelopeError(code: .invalidField, field: "ForsendelseTypeIdentifikator",
                                detail: "the campaign file sets no \(Campaign.printKeys.joined(separator: " and ")); "
                                    + "expected the values your print supplier gives you, under [print]")
        }
        let cpr = letter.recipient.cpr
        let shipmentID = known ?? MessageID.derive(campaignID: campaign.id, cpr: cpr, for: .paperShipment)
        let fp = PaperEnvelope.fjernprint
        let dkal = PaperEnvelope.dkal.0

        return try XMLWriter.document(capacity: capacity(for: pdf), prefixes: prefixes) { xml throws(EnvelopeError) in
            try xml.startDocument()
            try xml.element("ForsendelseI", prefix: fp) { () throws(EnvelopeError) in
                try xml.namespace(prefix: fp, uri: PaperEnvelope.namespace)
                for (prefix, uri) in addressee.namespaces {
                    try xml.namespace(prefix: prefix, uri: uri)
                }
                try xml.element("AfsendelseIdentifikator", prefix: fp, text: shipmentID.description)
                try xml.element("ForsendelseTypeIdentifikator", prefix: fp, text: String(settings.shipmentType))
                try writeRecipient(addressee, cpr: cpr, to: xml)
                try xml.element("FilformatNavn", prefix: dkal, text: "PDF")
                try xml.element("MeddelelseIndholdData", prefix: dkal) { () throws(EnvelopeError) in try xml.base64(pdf) }
                try writeParameters(for: letter, addressee: addressee, receipts: settings.receipts, to: xml)
            }
            try xml.endDocument()
        }
    }

    /// `ForsendelseModtager`: the CPR number and the address block.
    private func writeRecipient(_ addressee: PaperAddressee, cpr: CPR, to xml: XMLWriter) throws(EnvelopeError) {
        let fp = PaperEnvelope.fjernprint
        try xml.element("ForsendelseModtager", prefix: fp) { () throws(EnvelopeError) in
            try xml.element("AfsendelseModtager", prefix: PaperEnvelope.dkal.0) { () throws(EnvelopeError) in
                try xml.element("CPRnummerIdentifikator", prefix: PaperEnvelope.adir.0, text: cpr.unmaskedDigits)
            }
            try xml.element("ModtagerAdresse", prefix: fp) { () throws(EnvelopeError) in
                try xml.element("PersonName", prefix: PaperEnvelope.itst.0, text: addressee.name)
                for (element, line) in zip(PaperEnvelope.lineElements, addressee.lines) {
                    try xml.element(element, prefix: PaperEnvelope.dkccline.0, text: line)
                }
                if let postCode = addressee.postCodeField {
                    try xml.element("PostCodeIdentifier", prefix: PaperEnvelope.dkcc2005.0, text: postCode)
                }
                try xml.element("CountryIdentificationCode", prefix: PaperEnvelope.dkcc.0) { () throws(EnvelopeError) in
                    try xml.attribute("scheme", "iso3166-alpha2")
                    try xml.text(addressee.country)
                }
            }
        }
    }

    /// From `TransaktionsParametreI` to `PostParametre`: when, which mailing, which receipts,
    /// the document, the channel and the print supplier's codes.
    private func writeParameters(for letter: Letter, addressee: PaperAddressee, receipts: Campaign.PrintSettings.Receipts,
                                 to xml: XMLWriter) throws(EnvelopeError) {
        let fp = PaperEnvelope.fjernprint
        let sd = PaperEnvelope.sd.0
        let documentID = MessageID.derive(campaignID: campaign.id, cpr: letter.recipient.cpr, for: .paperDocument)
        try xml.element("TransaktionsParametreI", prefix: fp) { () throws(EnvelopeError) in
            try xml.element("TransaktionsDatoTid", prefix: fp, text: now.iso)
            try xml.element("MasseForsendelseIdentifikator", prefix: fp, text: massMailingID)
            try xml.element("KvitteringsTypeKode", prefix: fp, text: receipts.rawValue)
        }
        try xml.element("DokumentParametre", prefix: fp) { () throws(EnvelopeError) in
            try xml.element("TitelTekst", prefix: sd, text: title(for: letter))
            try xml.element("UUIDIdentifikator", prefix: sd, text: documentID.description)
            try xml.element("BrevDato", prefix: sd, text: letter.date.iso)
        }
        try xml.element("KanalUafhaengigeParametreI", prefix: fp) { () throws(EnvelopeError) in
            try xml.element("BrugerNavn", prefix: fp, text: PaperEnvelope.userName)
            try xml.element("KanalKode", prefix: fp, text: "Fysisk Post")
        }
        try xml.element("PrintParametre", prefix: fp) { () throws(EnvelopeError) in
            try xml.element("SimplexDuplexKode", prefix: fp, text: printParameters.sides.rawValue)
            try xml.element("FarveSHKode", prefix: fp, text: printParameters.colour.rawValue)
            try xml.element("KuvertTypeKode", prefix: fp, text: printParameters.envelope.rawValue)
        }
        try xml.element("PostParametre", prefix: fp) { () throws(EnvelopeError) in
            try xml.element("PostKategoriKode", prefix: fp,
                            text: printParameters.category(forCountry: addressee.country).rawValue)
        }
    }
}

/// What a paper envelope says of its recipient's address, checked: the block the letter's
/// window prints (SPEC §2), so that the print supplier's label says what the window says.
private struct PaperAddressee {
    /// `PersonName`: the block's first line.
    let name: String
    /// The block's other lines: c/o, street, postal line, country.
    let lines: [String]
    /// The ISO 3166 alpha-2 code, upper case.
    let country: String
    /// Denmark's and Greenland's 4-digit postcode as its own field, for sorting.
    let postCodeField: String?

    init(_ recipient: Recipient) throws(EnvelopeError) {
        guard let address = recipient.address else {
            throw EnvelopeError(code: .missingAddress, field: "ModtagerAdresse",
                                detail: "the paper letter to \(recipient.cpr) has no postal address")
        }
        country = address.countryCode.uppercased()
        guard country.utf8.count == 2, country.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw EnvelopeError(code: .invalidField, field: "CountryIdentificationCode",
                                detail: "expected an ISO 3166 alpha-2 country code for \(recipient.cpr)")
        }
        let block: AddressBlock
        switch AddressBlock.build(name: recipient.name, coName: recipient.coName, address: address) {
        case .success(let value): block = value
        case .failure(let overflow):
            throw EnvelopeError(code: .addressTooLong, field: "ModtagerAdresse",
                                detail: "\(overflow.detail) (\(recipient.cpr))")
        }
        guard let name = block.lines.first, !AddressBlock.nameLine(recipient.name).isEmpty, block.lines.count >= 2 else {
            throw EnvelopeError(code: .invalidField, field: "PersonName",
                                detail: "expected a non-empty name and a postal line for \(recipient.cpr)")
        }
        self.name = name
        lines = Array(block.lines.dropFirst())
        let postalCode = FieldText.singleLine(address.postalCode)
        let fourDigits = postalCode.utf8.count == 4 && postalCode.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
        postCodeField = (country == "DK" || country == "GL") && fourDigits ? postalCode : nil
    }

    /// The namespaces the envelope binds, in the order of its root's declarations.
    var namespaces: [(String, String)] {
        var namespaces = [PaperEnvelope.dkal, PaperEnvelope.adir, PaperEnvelope.itst, PaperEnvelope.dkcc,
                          PaperEnvelope.dkccline]
        if postCodeField != nil { namespaces.append(PaperEnvelope.dkcc2005) }
        namespaces.append(PaperEnvelope.sd)
        return namespaces
    }
}
