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
        try requireDocument(pdf, for: letter)
        let memo = MemoEnvelope.prefix
        let limit = Self.memoTextLimit
        let messageID = MessageID.derive(campaignID: campaign.id, cpr: letter.recipient.cpr, for: .digitalMessage)
        let title = title(for: letter)
        let label = label(for: letter)
        let reference = MessageID.supportReference(campaignID: campaign.id, cpr: letter.recipient.cpr)
        let notification = campaign.notifications[letter.language]
            .map { FieldText.field($0, maximum: Campaign.maximumNotificationLength) }
        let name = FieldText.field(letter.recipient.name, maximum: limit)

        return try XMLWriter.document(capacity: capacity(for: pdf)) { xml throws(EnvelopeError) in
            try xml.startDocument()
            try xml.startElement("Message", prefix: memo)
            try xml.namespace(prefix: memo, uri: MemoEnvelope.namespace)
            try xml.attribute("memoVersion", memoVersion.rawValue)
            if let schemaVersion = memoVersion.schemaVersionAttribute {
                try xml.attribute("memoSchVersion", schemaVersion)
            }

            try xml.startElement("MessageHeader", prefix: memo)
            try xml.element("messageType", prefix: memo, text: "DIGITALPOST")
            try xml.element("messageUUID", prefix: memo, text: messageID.description)
            try xml.element("messageID", prefix: memo, text: reference)
            try xml.element("label", prefix: memo, text: label)
            if let notification, !notification.isEmpty {
                try xml.element("notification", prefix: memo, text: notification)
            }
            try xml.element("doNotDeliverUntilDate", prefix: memo, text: letter.date.iso)
            try xml.element("mandatory", prefix: memo, text: "false")
            try xml.element("legalNotification", prefix: memo, text: "false")
            try xml.element("postType", prefix: memo, text: "MYNDIGHEDSPOST")
            try xml.startElement("Sender", prefix: memo)
            try xml.element("senderID", prefix: memo, text: campaign.sender.cvr)
            try xml.element("idType", prefix: memo, text: "CVR")
            try xml.element("label", prefix: memo, text: senderName)
            try xml.endElement()
            try xml.startElement("Recipient", prefix: memo)
            try xml.element("recipientID", prefix: memo, text: letter.recipient.cpr.unmaskedDigits)
            try xml.element("idType", prefix: memo, text: "CPR")
            if !name.isEmpty {
                try xml.element("label", prefix: memo, text: name)
            }
            try xml.endElement()
            try xml.endElement()  // MessageHeader

            try xml.startElement("MessageBody", prefix: memo)
            try xml.element("createdDateTime", prefix: memo, text: now.iso)
            try xml.startElement("MainDocument", prefix: memo)
            try xml.element("label", prefix: memo, text: title)
            try xml.startElement("File", prefix: memo)
            try xml.element("encodingFormat", prefix: memo, text: "application/pdf")
            try xml.element("filename", prefix: memo, text: pdfFilename(for: letter))
            try xml.element("language", prefix: memo, text: letter.language.rawValue)
            try xml.startElement("content", prefix: memo)
            try xml.base64(pdf)
            try xml.endElement()
            try xml.endElement()  // File
            try xml.endElement()  // MainDocument
            try xml.endElement()  // MessageBody
            try xml.endElement()  // Message
            try xml.endDocument()
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
