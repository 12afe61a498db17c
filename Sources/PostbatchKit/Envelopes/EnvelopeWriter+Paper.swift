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
        try requireDocument(pdf, for: letter)
        let recipient = letter.recipient
        guard let address = recipient.address else {
            throw EnvelopeError(code: .missingAddress, field: "ModtagerAdresse",
                                detail: "the paper letter to \(recipient.cpr) has no postal address")
        }
        let country = address.countryCode.uppercased()
        guard country.utf8.count == 2, country.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw EnvelopeError(code: .invalidField, field: "CountryIdentificationCode",
                                detail: "expected an ISO 3166 alpha-2 country code for \(recipient.cpr)")
        }
        // The block the letter's window prints (SPEC §2): PersonName is its first line, the
        // rest are the free lines, so the print supplier's label says what the window says.
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
        guard let settings = campaign.print else {
            throw EnvelopeError(code: .invalidField, field: "ForsendelseTypeIdentifikator",
                                detail: "the campaign file sets no \(Campaign.printKeys.joined(separator: " and ")); "
                                    + "expected the values your print supplier gives you, under [print]")
        }
        let addressLines = Array(block.lines.dropFirst())
        let postalCode = FieldText.singleLine(address.postalCode)
        let fourDigits = postalCode.utf8.count == 4 && postalCode.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
        // Denmark and Greenland also carry the postcode as a field, for sorting.
        let postCodeField = (country == "DK" || country == "GL") && fourDigits ? postalCode : nil
        let shipmentID = MessageID.derive(campaignID: campaign.id, cpr: recipient.cpr, for: .paperShipment)
        let documentID = MessageID.derive(campaignID: campaign.id, cpr: recipient.cpr, for: .paperDocument)
        let title = title(for: letter)
        let fp = PaperEnvelope.fjernprint
        let (dkal, adir, itst, dkcc, dkcc2005, dkccline, sd) =
            (PaperEnvelope.dkal.0, PaperEnvelope.adir.0, PaperEnvelope.itst.0, PaperEnvelope.dkcc.0,
             PaperEnvelope.dkcc2005.0, PaperEnvelope.dkccline.0, PaperEnvelope.sd.0)

        var namespaces = [PaperEnvelope.dkal, PaperEnvelope.adir, PaperEnvelope.itst, PaperEnvelope.dkcc,
                          PaperEnvelope.dkccline]
        if postCodeField != nil { namespaces.append(PaperEnvelope.dkcc2005) }
        namespaces.append(PaperEnvelope.sd)

        return try XMLWriter.document(capacity: capacity(for: pdf)) { xml throws(EnvelopeError) in
            try xml.startDocument()
            try xml.startElement("ForsendelseI", prefix: fp)
            try xml.namespace(prefix: fp, uri: PaperEnvelope.namespace)
            for (prefix, uri) in namespaces {
                try xml.namespace(prefix: prefix, uri: uri)
            }
            try xml.element("AfsendelseIdentifikator", prefix: fp, text: shipmentID.description)
            try xml.element("ForsendelseTypeIdentifikator", prefix: fp, text: String(settings.shipmentType))

            try xml.startElement("ForsendelseModtager", prefix: fp)
            try xml.startElement("AfsendelseModtager", prefix: dkal)
            try xml.element("CPRnummerIdentifikator", prefix: adir, text: recipient.cpr.unmaskedDigits)
            try xml.endElement()
            try xml.startElement("ModtagerAdresse", prefix: fp)
            try xml.element("PersonName", prefix: itst, text: name)
            for (element, line) in zip(PaperEnvelope.lineElements, addressLines) {
                try xml.element(element, prefix: dkccline, text: line)
            }
            if let postCodeField {
                try xml.element("PostCodeIdentifier", prefix: dkcc2005, text: postCodeField)
            }
            try xml.startElement("CountryIdentificationCode", prefix: dkcc)
            try xml.attribute("scheme", "iso3166-alpha2")
            try xml.text(country)
            try xml.endElement()
            try xml.endElement()  // ModtagerAdresse
            try xml.endElement()  // ForsendelseModtager

            try xml.element("FilformatNavn", prefix: dkal, text: "PDF")
            try xml.startElement("MeddelelseIndholdData", prefix: dkal)
            try xml.base64(pdf)
            try xml.endElement()

            try xml.startElement("TransaktionsParametreI", prefix: fp)
            try xml.element("TransaktionsDatoTid", prefix: fp, text: now.iso)
            try xml.element("MasseForsendelseIdentifikator", prefix: fp, text: massMailingID)
            try xml.element("KvitteringsTypeKode", prefix: fp, text: settings.receipts.rawValue)
            try xml.endElement()

            try xml.startElement("DokumentParametre", prefix: fp)
            try xml.element("TitelTekst", prefix: sd, text: title)
            try xml.element("UUIDIdentifikator", prefix: sd, text: documentID.description)
            try xml.element("BrevDato", prefix: sd, text: letter.date.iso)
            try xml.endElement()

            try xml.startElement("KanalUafhaengigeParametreI", prefix: fp)
            try xml.element("BrugerNavn", prefix: fp, text: PaperEnvelope.userName)
            try xml.element("KanalKode", prefix: fp, text: "Fysisk Post")
            try xml.endElement()

            try xml.startElement("PrintParametre", prefix: fp)
            try xml.element("SimplexDuplexKode", prefix: fp, text: printParameters.sides.rawValue)
            try xml.element("FarveSHKode", prefix: fp, text: printParameters.colour.rawValue)
            try xml.element("KuvertTypeKode", prefix: fp, text: printParameters.envelope.rawValue)
            try xml.endElement()

            try xml.startElement("PostParametre", prefix: fp)
            try xml.element("PostKategoriKode", prefix: fp,
                            text: printParameters.category(forCountry: country).rawValue)
            try xml.endElement()

            try xml.endElement()  // ForsendelseI
            try xml.endDocument()
        }
    }
}
