/// Writes the XML envelope of a letter: a MeMo message for Digital Post, or a fjernprint
/// `ForsendelseI` for paper (SPEC §3).
///
/// A writer holds the run's settings and is a value: share it between tasks freely. It
/// never reads the clock; the run's time comes in as `now`. The same letter, PDF and
/// settings always give byte-identical output.
///
/// ```swift
/// let writer = try EnvelopeWriter(campaign: campaign, memoVersion: .v1_2,
///                                 massMailingID: runID, now: Timestamp.now())
/// let xml = try writer.envelope(for: letter, pdf: pdf)
/// let name = "\(writer.envelopeID(for: letter)).xml"
/// ```
///
/// Text from the input is made to fit: one line (control characters and line breaks become
/// single spaces), cut to each field's schema length by whole characters. The full CPR
/// number appears in the envelope, where the recipient must be named, and nowhere else:
/// errors name the letter by its masked CPR.
public struct EnvelopeWriter: Sendable {
    /// The campaign: id (part of every identifier), sender, titles.
    public let campaign: Campaign
    /// The MeMo version of digital envelopes.
    public let memoVersion: MemoVersion
    /// The run's mass-mailing id, written in every paper envelope.
    public let massMailingID: String
    /// The time the envelopes are created, UTC.
    public let now: Timestamp
    /// How paper letters are printed and posted.
    public let printParameters: PrintParameters

    /// The schema limit on MeMo text fields (`memoTextType`).
    static let memoTextLimit = 256
    /// The schema limit on the mass-mailing id (`MasseForsendelseIdentifikatorType`).
    static let massMailingIDLimit = 38

    /// Titles per language and group, already fitted to 256 characters.
    let titles: [Language: [LetterGroup: String]]
    /// Inbox labels per language and group, fitted to 60 characters (the group's slug where empty).
    let labels: [Language: [LetterGroup: String]]
    /// The campaign's notification per language, fitted to its limit; absent where it has none or it is empty.
    let notifications: [Language: String]
    /// The sender's name, fitted to 256 characters.
    let senderName: String

    /// A writer for one run.
    ///
    /// - Parameters:
    ///   - campaign: the campaign settings; its CVR must be 8 digits.
    ///   - memoVersion: the MeMo version of digital envelopes (default 1.2).
    ///   - massMailingID: the run's `MasseForsendelseIdentifikator`: 1 to 38 characters on one
    ///     line, for example a UUID.
    ///   - now: the creation time written into every envelope.
    ///   - printParameters: print and post settings for paper letters.
    /// - Throws: ``EnvelopeError`` with code ``EnvelopeError/Code/invalidField`` when the CVR
    ///   is not 8 digits, the sender name is empty, or the mass-mailing id is empty or longer
    ///   than 38 characters. Titles are not errors: a long title is cut to 256 characters.
    public init(campaign: Campaign, memoVersion: MemoVersion = .standard, massMailingID: String,
                now: Timestamp, printParameters: PrintParameters = .standard) throws(EnvelopeError) {
        let cvr = campaign.sender.cvr
        guard cvr.utf8.count == 8, cvr.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw EnvelopeError(code: .invalidField, field: "Sender/senderID",
                                detail: "expected the campaign's CVR number as 8 digits")
        }
        let senderName = FieldText.field(campaign.sender.name, maximum: Self.memoTextLimit)
        guard !senderName.isEmpty else {
            throw EnvelopeError(code: .invalidField, field: "Sender/label", detail: "expected a sender name")
        }
        let mailingID = FieldText.singleLine(massMailingID)
        guard mailingID == massMailingID, (1...Self.massMailingIDLimit).contains(FieldText.length(mailingID)) else {
            throw EnvelopeError(code: .invalidField, field: "MasseForsendelseIdentifikator",
                                detail: "expected 1 to 38 characters on one line, without surrounding spaces")
        }
        // Every letter of a language and group has the same title, label and notification: fitted once.
        var titles: [Language: [LetterGroup: String]] = [:]
        var labels: [Language: [LetterGroup: String]] = [:]
        var notifications: [Language: String] = [:]
        for language in Language.allCases {
            for group in LetterGroup.allCases {
                var title = FieldText.field(campaign.title(for: group, in: language), maximum: Self.memoTextLimit)
                if title.isEmpty { title = group.slug }
                titles[language, default: [:]][group] = title
                let label = FieldText.field(campaign.label(for: group, in: language),
                                            maximum: Campaign.maximumLabelLength)
                labels[language, default: [:]][group] = label.isEmpty ? group.slug : label
            }
            if let text = campaign.notifications[language] {
                let notification = FieldText.field(text, maximum: Campaign.maximumNotificationLength)
                if !notification.isEmpty { notifications[language] = notification }
            }
        }
        self.campaign = campaign
        self.memoVersion = memoVersion
        self.massMailingID = mailingID
        self.now = now
        self.printParameters = printParameters
        self.titles = titles
        self.labels = labels
        self.notifications = notifications
        self.senderName = senderName
    }

    /// The identifier that names the letter's envelope: the MeMo `messageUUID` for a digital
    /// letter, the fjernprint `AfsendelseIdentifikator` for a paper letter.
    ///
    /// The spool names the file `<id>.xml`. It is derived from the campaign id and the CPR
    /// number (``MessageID/derive(campaignID:cpr:for:)``), so a re-run gives the same name.
    package func envelopeID(for letter: Letter) -> MessageID {
        MessageID.derive(campaignID: campaign.id, cpr: letter.recipient.cpr,
                         for: letter.channel == .digital ? .digitalMessage : .paperShipment)
    }

    /// The envelope the letter's channel needs: ``digitalEnvelope(for:pdf:)`` or
    /// ``paperEnvelope(for:pdf:)``.
    ///
    /// - Throws: what the chosen method throws.
    public func envelope(for letter: Letter, pdf: [UInt8]) throws(EnvelopeError) -> [UInt8] {
        try envelope(for: letter, pdf: pdf, cache: nil)
    }

    /// ``envelope(for:pdf:)`` with what a worker keeps between its envelopes (``EnvelopeCache``),
    /// and the letter's identifiers when the caller has them already (each is a SHA-256): the
    /// same bytes, less work.
    func envelope(for letter: Letter, pdf: [UInt8], cache: EnvelopeCache?,
                  identifiers: Identifiers? = nil) throws(EnvelopeError) -> [UInt8] {
        switch letter.channel {
        case .digital: try digitalEnvelope(for: letter, pdf: pdf, cache: cache, identifiers: identifiers)
        case .print:
            try paperEnvelope(for: letter, pdf: pdf, prefixes: cache?.prefixes, shipmentID: identifiers?.envelopeID)
        }
    }

    /// A letter's identifiers as the envelope writes them: ``envelopeID(for:)`` and
    /// ``MessageID/supportReference(campaignID:cpr:)``.
    struct Identifiers {
        let envelopeID: MessageID
        let supportReference: String
    }

    /// The letter's title in its language, fitted to the schema.
    func title(for letter: Letter) -> String {
        titles[letter.language]?[letter.group] ?? letter.group.slug
    }

    /// The letter's inbox label in its language, at most 60 characters.
    func label(for letter: Letter) -> String {
        labels[letter.language]?[letter.group] ?? letter.group.slug
    }

    /// Fails for an empty PDF.
    func requireDocument(_ pdf: [UInt8], for letter: Letter) throws(EnvelopeError) {
        if pdf.isEmpty {
            throw EnvelopeError(code: .emptyDocument, field: "content",
                                detail: "the PDF of the letter to \(letter.recipient.cpr) is empty")
        }
    }

    /// The envelope size to reserve: base64 grows the PDF by a third, plus the markup.
    func capacity(for pdf: [UInt8]) -> Int {
        (pdf.count + 2) / 3 * 4 + 4096
    }
}
