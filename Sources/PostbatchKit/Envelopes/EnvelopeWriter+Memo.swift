/// Constants of the MeMo envelope.
enum MemoEnvelope {
    /// The MeMo namespace, bound to the prefix `memo`.
    static let namespace = "https://DigitalPost.dk/MeMo-1"
    static let prefix = "memo"
}

extension EnvelopeWriter {
    /// The MeMo message of a digital letter.
    ///
    /// The message has, in schema order: `messageType` `DIGITALPOST`, the deterministic
    /// `messageUUID`, `messageID` (the reference printed in the letter,
    /// ``MessageID/supportReference(campaignID:cpr:)``), `label` (the group's inbox label in
    /// the person's language, at most 60 characters), `notification` (the campaign's, when it
    /// has one), `doNotDeliverUntilDate` (the letter's date), `mandatory` and
    /// `legalNotification` `false` (required in 1.1, written in both versions), `postType`
    /// `MYNDIGHEDSPOST`, `Sender` (CVR and name), `Recipient` (CPR and name); then
    /// `createdDateTime` (`now`, UTC) and one `MainDocument` (labelled with the letter's
    /// title) with one PDF `File` named `MitID-brev.pdf` or `MitID-letter.pdf`. Text fields
    /// are cut to their schema lengths.
    ///
    /// - Parameters:
    ///   - letter: the letter; its channel is not checked.
    ///   - pdf: the rendered letter; any non-empty bytes.
    /// - Returns: the UTF-8 XML document.
    /// - Throws: ``EnvelopeError`` with code ``EnvelopeError/Code/emptyDocument`` for an
    ///   empty PDF, ``EnvelopeError/Code/xmlWriter`` if libxml2 fails.
    public func digitalEnvelope(for letter: Letter, pdf: [UInt8]) throws(EnvelopeError) -> [UInt8] {
        try digitalEnvelope(for: letter, pdf: pdf, cache: nil)
    }

    /// ``digitalEnvelope(for:pdf:)`` with a worker's ``EnvelopeCache`` (the base64 text of
    /// what its PDFs start with, the envelope of each group, language and day in pieces), and
    /// the letter's identifiers when the caller has them: the same bytes, less work.
    func digitalEnvelope(for letter: Letter, pdf: [UInt8], cache: EnvelopeCache?,
                         identifiers: Identifiers? = nil) throws(EnvelopeError) -> [UInt8] {
        try requireDocument(pdf, for: letter)
        let values = MemoValues(
            uuid: (identifiers?.envelopeID
                   ?? MessageID.derive(campaignID: campaign.id, cpr: letter.recipient.cpr, for: .digitalMessage))
                .description,
            reference: identifiers?.supportReference
                ?? MessageID.supportReference(campaignID: campaign.id, cpr: letter.recipient.cpr),
            cpr: letter.recipient.cpr.unmaskedDigits,
            name: FieldText.field(letter.recipient.name, maximum: Self.memoTextLimit))
        if let cache, !values.name.isEmpty, let template = try memoTemplate(for: letter, in: cache) {
            return template.envelope(values, pdf: pdf, prefixes: cache.prefixes, capacity: capacity(for: pdf))
        }
        let capacity = capacity(for: pdf)
        return try XMLWriter.document(capacity: capacity, prefixes: cache?.prefixes) { xml throws(EnvelopeError) in
            try writeMessage(for: letter, values, to: xml) { () throws(EnvelopeError) in try xml.base64(pdf) }
        }
    }

    /// A letter's own values in its MeMo message, as they are written (the name cut to its length).
    struct MemoValues {
        let uuid: String
        let reference: String
        let cpr: String
        let name: String
    }

    /// The whole message, from the XML declaration on; `content` writes the PDF's base64.
    func writeMessage(for letter: Letter, _ values: MemoValues, to xml: XMLWriter,
                      content: () throws(EnvelopeError) -> Void) throws(EnvelopeError) {
        let memo = MemoEnvelope.prefix
        try xml.startDocument()
        try xml.element("Message", prefix: memo) { () throws(EnvelopeError) in
            try xml.namespace(prefix: memo, uri: MemoEnvelope.namespace)
            try xml.attribute("memoVersion", memoVersion.rawValue)
            if let schemaVersion = memoVersion.schemaVersionAttribute {
                try xml.attribute("memoSchVersion", schemaVersion)
            }
            try writeHeader(for: letter, values, to: xml)
            try writeBody(for: letter, to: xml, content: content)
        }
        try xml.endDocument()
    }

    /// `MessageHeader`: what the message is, when it may be shown, who sends, who receives.
    private func writeHeader(for letter: Letter, _ values: MemoValues, to xml: XMLWriter) throws(EnvelopeError) {
        let memo = MemoEnvelope.prefix
        let name = values.name
        try xml.element("MessageHeader", prefix: memo) { () throws(EnvelopeError) in
            try xml.element("messageType", prefix: memo, text: "DIGITALPOST")
            try xml.element("messageUUID", prefix: memo, text: values.uuid)
            try xml.element("messageID", prefix: memo, text: values.reference)
            try xml.element("label", prefix: memo, text: label(for: letter))
            if let notification = notifications[letter.language] {
                try xml.element("notification", prefix: memo, text: notification)
            }
            try xml.element("doNotDeliverUntilDate", prefix: memo, text: letter.date.iso)
            try xml.element("mandatory", prefix: memo, text: "false")
            try xml.element("legalNotification", prefix: memo, text: "false")
            try xml.element("postType", prefix: memo, text: "MYNDIGHEDSPOST")
            try xml.element("Sender", prefix: memo) { () throws(EnvelopeError) in
                try xml.element("senderID", prefix: memo, text: campaign.sender.cvr)
                try xml.element("idType", prefix: memo, text: "CVR")
                try xml.element("label", prefix: memo, text: senderName)
            }
            try xml.element("Recipient", prefix: memo) { () throws(EnvelopeError) in
                try xml.element("recipientID", prefix: memo, text: values.cpr)
                try xml.element("idType", prefix: memo, text: "CPR")
                if !name.isEmpty {
                    try xml.element("label", prefix: memo, text: name)
                }
            }
        }
    }

    /// `MessageBody`: when it was made, and the letter as the one PDF file of its main document.
    private func writeBody(for letter: Letter, to xml: XMLWriter,
                           content: () throws(EnvelopeError) -> Void) throws(EnvelopeError) {
        let memo = MemoEnvelope.prefix
        try xml.element("MessageBody", prefix: memo) { () throws(EnvelopeError) in
            try xml.element("createdDateTime", prefix: memo, text: now.iso)
            try xml.element("MainDocument", prefix: memo) { () throws(EnvelopeError) in
                try xml.element("label", prefix: memo, text: title(for: letter))
                try xml.element("File", prefix: memo) { () throws(EnvelopeError) in
                    try xml.element("encodingFormat", prefix: memo, text: "application/pdf")
                    try xml.element("filename", prefix: memo, text: pdfFilename(for: letter))
                    try xml.element("language", prefix: memo, text: letter.language.rawValue)
                    try xml.element("content", prefix: memo, content)
                }
            }
        }
    }

    /// The PDF's file name as the citizen sees it, in the letter's language:
    /// `MitID-brev.pdf` or `MitID-letter.pdf` (never the CPR number, the name or an internal slug).
    func pdfFilename(for letter: Letter) -> String {
        switch letter.language {
        case .da: "MitID-brev.pdf"
        case .en: "MitID-letter.pdf"
        }
    }
}
