internal import Foundation

/// Sample letters of an input, made without sending anything: `postbatch preview`.
///
/// Previews are for people: the CPR number is masked in everything they hold
/// (text, file names, and the recipient of preview envelopes), and the address of
/// a person with address protection is left out of the letter and replaced in
/// the envelope.
public struct LetterPreview: Sendable {
    /// What to pick.
    public struct Selection: Sendable {
        /// Letters per group.
        public var perGroup: Int
        /// Only this group, if set.
        public var group: LetterGroup?
        /// Only this language, if set.
        public var language: Language?

        /// A selection: the first `perGroup` letters of each group, filtered by group and language.
        public init(perGroup: Int = 1, group: LetterGroup? = nil, language: Language? = nil) {
            self.perGroup = perGroup
            self.group = group
            self.language = language
        }
    }

    /// One picked letter.
    public struct Sample: Sendable {
        /// The letter, as a run would make it.
        public let letter: Letter
        /// A file name stem without personal data: `3-mitid-dk-en-digital-line-42`.
        public var stem: String {
            "\(letter.group.rawValue)-\(letter.group.slug)-\(letter.language.rawValue)-\(letter.channel.rawValue)-line-\(letter.line)"
        }
    }

    /// The campaign whose templates the previews use.
    public let campaign: Campaign
    private let composer: LetterComposer

    /// - Throws: ``LetterError`` when a template is missing or broken.
    public init(campaign: Campaign) throws(LetterError) {
        self.campaign = campaign
        composer = try LetterComposer(campaign: campaign)
    }

    /// The first letters of each group in input order, as the selection asks.
    ///
    /// - Throws: ``InputError`` when the input cannot be read.
    public func samples(input: String, delimiter: Character?, selection: Selection) throws(InputError) -> [Sample] {
        let classifier = try InputClassifier(path: input, delimiter: delimiter, schedule: campaign.schedule)
        var picked: [LetterGroup: [Sample]] = [:]
        let groups = selection.group.map { [$0] } ?? LetterGroup.allCases
        while let outcome = try classifier.next() {
            guard case .letter(let letter) = outcome, groups.contains(letter.group),
                  selection.language.map({ $0 == letter.language }) ?? true,
                  picked[letter.group, default: []].count < selection.perGroup
            else { continue }
            picked[letter.group, default: []].append(Sample(letter: Self.maskingNumbers(in: letter)))
            if groups.allSatisfy({ picked[$0, default: []].count >= selection.perGroup }) { break }
        }
        return groups.flatMap { picked[$0] ?? [] }
    }

    /// What the letter says, as plain text, headed by who and which group (CPR masked).
    public func text(_ sample: Sample) throws(LetterError) -> String {
        let letter = sample.letter
        let content = try composer.compose(letter, redactProtectedAddress: true)
        let heading = "── group \(letter.group.rawValue) \(letter.group.slug) · \(letter.language) · \(letter.channel) · "
            + "\(letter.date.iso) · input line \(letter.line) · \(letter.recipient.cpr) ──"
        return heading + "\n\n" + content.text
    }

    /// The letter's PDF, without a protected address.
    public func pdf(_ sample: Sample, renderer: LetterRenderer) throws(LetterError) -> [UInt8] {
        try renderer.render(try composer.compose(sample.letter, redactProtectedAddress: true))
    }

    /// The envelope as a run writes it, but with the CPR number masked and a protected
    /// address replaced; so it is for reading, not for sending or validating.
    public func envelope(_ sample: Sample, renderer: LetterRenderer, writer: EnvelopeWriter) throws -> [UInt8] {
        var letter = sample.letter
        let recipient = letter.recipient
        if recipient.addressProtected, let address = recipient.address {
            let hidden = PostalAddress(street: "Beskyttet adresse", postalCode: address.countryCode == "FO" ? "000" : "0000",
                                       city: "Skjult", countryCode: address.countryCode)
            letter = Letter(sequence: letter.sequence, line: letter.line,
                            recipient: Recipient(cpr: recipient.cpr, name: recipient.name, coName: recipient.coName,
                                                 address: hidden, addressProtected: true, language: recipient.language),
                            group: letter.group, channel: letter.channel, date: letter.date)
        }
        let pdf = try renderer.render(try composer.compose(letter, redactProtectedAddress: true))
        let xml = String(decoding: try writer.envelope(for: letter, pdf: pdf), as: UTF8.self)
        return Array(xml.replacingOccurrences(of: recipient.cpr.unmaskedDigits, with: recipient.cpr.masked).utf8)
    }

    /// The letter with every CPR-shaped number in its name and address masked: a preview
    /// shows no full CPR number, wherever in the record one was typed.
    static func maskingNumbers(in letter: Letter) -> Letter {
        let recipient = letter.recipient
        let mask = CPR.maskingNumbers(in:)
        let address = recipient.address.map {
            PostalAddress(street: mask($0.street), postalCode: mask($0.postalCode), city: mask($0.city),
                          countryCode: $0.countryCode)
        }
        return Letter(sequence: letter.sequence, line: letter.line,
                      recipient: Recipient(cpr: recipient.cpr, name: mask(recipient.name), coName: recipient.coName.map(mask),
                                           address: address, addressProtected: recipient.addressProtected,
                                           language: recipient.language),
                      group: letter.group, channel: letter.channel, date: letter.date)
    }
}
