package import Foundation
internal import Mustache

/// Turns a ``Letter`` into ``LetterContent``: fills the group's template in the
/// letter's language and reads its markup.
///
/// Create one composer at start-up; it loads every template once and checks it
/// (see ``init(campaign:)``), so a broken template stops the run before the first
/// letter. The composer is an immutable value: share it between worker tasks.
///
/// ```swift
/// let composer = try LetterComposer(campaign: campaign)
/// let renderer = try LetterRenderer()          // one per worker
/// let content = try composer.compose(letter)
/// let pdf = try renderer.render(content)
/// let preview = content.text
/// ```
package struct LetterComposer: Sendable {
    /// The campaign whose sender, titles and dates the letters show.
    package let campaign: Campaign
    /// The folder the templates were read from.
    package let templateDirectory: URL

    /// One Mustache library per language: group templates under `letter/<slug>`, partials by name.
    let libraries: [Language: MustacheLibrary]
    /// Bodies shared between letters, where the template reads nothing of the person.
    private(set) var bodies = BodyCache(impersonal: [])
    /// The sender's return address in the window (``returnLine(_:abroad:)``), at home and abroad.
    private let returnLines: (home: String, abroad: String)

    /// Loads and checks the templates in the campaign's template folder.
    ///
    /// - Parameter campaign: the campaign; its ``Campaign/templateDirectory`` holds
    ///   `<language>/<group-slug>.mustache` for every language and group, and the
    ///   partials in `<language>/partials/<name>.mustache`.
    /// - Throws: ``LetterError`` naming the file and line when a group template is
    ///   missing (`template_missing`), unreadable, not valid Mustache
    ///   (`template_syntax`), uses a variable the letters do not provide
    ///   (`template_unknown_variable`), includes a missing partial
    ///   (`template_unknown_partial`), uses set delimiters, pragmas or inheritance
    ///   (`template_unsupported_tag`), or renders to markup the renderer does not know
    ///   (`template_unknown_markup`). Unused extra files are not an error.
    package init(campaign: Campaign) throws(LetterError) {
        try self.init(campaign: campaign, templateDirectory: campaign.templateDirectory)
    }

    /// Loads and checks the templates in another folder than the campaign's.
    ///
    /// - Parameters:
    ///   - campaign: the campaign whose sender, titles and dates the letters show.
    ///   - templateDirectory: the folder holding `da/` and `en/`.
    /// - Throws: ``LetterError`` as ``init(campaign:)`` does.
    package init(campaign: Campaign, templateDirectory: URL) throws(LetterError) {
        self.campaign = campaign
        self.templateDirectory = templateDirectory
        self.returnLines = (home: Self.returnLine(campaign.sender, abroad: false),
                            abroad: Self.returnLine(campaign.sender, abroad: true))
        self.libraries = try TemplateLoader(directory: templateDirectory).loadAll()
        try validate()
        let composer = self
        bodies = BodyCache(impersonal: try Self.impersonalBodies(campaign: campaign) { group, language, values throws(LetterError) in
            try composer.render(group: group, language: language, values: values)
        })
    }

    /// Fills the letter's template and reads the result.
    ///
    /// - Parameters:
    ///   - letter: the letter; its recipient's CPR number is never used.
    ///   - redactProtectedAddress: leave out the postal address of a person with
    ///     address protection, as previews must (SPEC §2). Paper letters for the
    ///     spool pass `false`: the envelope window needs the address.
    /// - Returns: the content, ready for ``LetterRenderer/render(_:)`` or ``LetterContent/text``.
    /// - Throws: ``LetterError`` with code `template_unknown_markup` if the filled
    ///   template cannot be read. Templates are checked at load and values are
    ///   escaped, so this does not happen with checked templates.
    package func compose(_ letter: Letter, redactProtectedAddress: Bool = false) throws(LetterError) -> LetterContent {
        let recipient = letter.recipient
        let (recipientLines, addressLines) = try Self.windowLines(
            letter, redact: redactProtectedAddress && recipient.addressProtected)
        let coLine = AddressBlock.careOfLine(recipient.coName)
        let abroad = Self.isAbroad(letter)
        // Filling a template escapes every value: only do it when the body is not shared.
        func values() -> TemplateValues {
            TemplateValues(
                name: recipient.name, coName: coLine, addressLines: addressLines,
                date: letter.date, language: letter.language, group: letter.group, channel: letter.channel,
                campaign: campaign, abroad: abroad)
        }
        let key = BodyCache.Key(group: letter.group, language: letter.language, channel: letter.channel, abroad: abroad)
        let blocks: [LetterBlock]
        if bodies.impersonal.contains(key) {
            blocks = try bodies.blocks(for: key, date: letter.date) { () throws(LetterError) in
                try render(group: letter.group, language: letter.language, values: values())
            }
        } else if let filled = try personalBody(letter, key: key, coLine: coLine, addressLines: addressLines) {
            blocks = filled
        } else {
            blocks = try render(group: letter.group, language: letter.language, values: values())
        }
        let sender = campaign.sender.presentation(in: letter.language)
        return LetterContent(
            language: letter.language, group: letter.group, channel: letter.channel, date: letter.date,
            title: campaign.title(for: letter.group, in: letter.language),
            senderName: sender.name, senderAddressLines: sender.addressLines,
            senderContact: sender.contact, recipientLines: recipientLines, blocks: blocks,
            reference: MessageID.supportReference(campaignID: campaign.id, cpr: recipient.cpr), abroad: abroad,
            senderLogo: campaign.sender.logo,
            returnLine: abroad ? returnLines.abroad : returnLines.home,
            // Only paper windows shorten names; a digital letter's name is not normalised twice.
            fullName: letter.channel != .print ? nil : recipientLines.first.flatMap { shown in
                let full = AddressBlock.normalized(recipient.name)
                return shown != full ? full : nil
            })
    }

    /// A personal body from its skeleton, or nil when the values must be filled into the template.
    private func personalBody(_ letter: Letter, key: BodyCache.Key, coLine: String?,
                              addressLines: [String]) throws(LetterError) -> [LetterBlock]? {
        let skeletonKey = BodyCache.SkeletonKey(dated: BodyCache.DatedKey(key: key, date: letter.date),
                                                hasCareOf: coLine != nil, addressLines: addressLines.count)
        let skeleton = try bodies.skeleton(for: skeletonKey) { () throws(LetterError) in
            let placeholders = (0..<(2 + addressLines.count)).map(BodySkeleton.placeholder)
            let values = TemplateValues(
                name: placeholders[0], coName: coLine == nil ? nil : placeholders[1],
                addressLines: Array(placeholders[2...]), date: letter.date, language: letter.language,
                group: letter.group, channel: letter.channel, campaign: campaign, abroad: key.abroad)
            return BodySkeleton(blocks: try render(group: letter.group, language: letter.language, values: values))
        }
        let values = [letter.recipient.name, coLine ?? "x"] + addressLines
        return skeleton.fill(values.map(LetterMarkup.literal))
    }

    /// Renders a group's template with values and reads its markup.
    func render(group: LetterGroup, language: Language, values: TemplateValues) throws(LetterError) -> [LetterBlock] {
        let file = TemplateLoader.groupFile(group, language)
        guard let library = libraries[language],
              let text = library.render(values.context, withTemplate: TemplateLoader.groupName(group))
        else {
            throw LetterError(code: .missingTemplate, file: file, detail: "no template loaded for this group and language")
        }
        do {
            return try LetterMarkup.parse(text)
        } catch {
            throw LetterError(code: .unknownMarkup, file: file,
                              detail: "rendered line \(error.line): \(error.detail)")
        }
    }

    /// The return address in the window: the sender's Danish postal address on one line,
    /// with the postcode as `DK-1301` on letters abroad.
    static func returnLine(_ sender: Campaign.Sender, abroad: Bool) -> String {
        var lines = sender.addressLines
        if abroad, let last = lines.last, last.first?.isNumber == true {
            lines[lines.count - 1] = "DK-" + last
        }
        return ([sender.name] + lines).joined(separator: ", ")
    }

    /// Whether a letter goes to an address outside Denmark and Greenland: a paper letter
    /// whose country is neither. People there have no Danish municipality to book a
    /// citizen service centre in (Greenland's municipalities run their own), so templates
    /// can say what to do from abroad with `{{#is_abroad}}`. Digital letters carry no
    /// address and are never abroad.
    static func isAbroad(_ letter: Letter) -> Bool {
        guard letter.channel == .print, let country = letter.recipient.address?.countryCode.uppercased() else {
            return false
        }
        return country != "DK" && country != "GL"
    }

    /// The lines of the envelope window, and the postal lines among them.
    ///
    /// A paper letter prints its ``AddressBlock`` (SPEC §2): the same lines as its
    /// fjernprint envelope. A digital letter, and a paper letter whose protected address
    /// a preview must not show, print the name and the c/o line.
    ///
    /// - Throws: ``LetterError`` with code `address_too_long` when the paper block does not
    ///   fit; classification rejects such records, so only a hand-made letter gets here.
    static func windowLines(_ letter: Letter, redact: Bool) throws(LetterError) -> (window: [String], address: [String]) {
        let recipient = letter.recipient
        let coLine = AddressBlock.careOfLine(recipient.coName)
        guard letter.channel == .print, let address = recipient.address, !redact else {
            let name = AddressBlock.normalized(recipient.name)
            return ((name.isEmpty ? [] : [name]) + (coLine.map { [$0] } ?? []), [])
        }
        switch AddressBlock.build(name: recipient.name, coName: recipient.coName, address: address) {
        case .success(let block):
            let head = (AddressBlock.nameLine(recipient.name).isEmpty ? 0 : 1) + (coLine == nil ? 0 : 1)
            return (block.lines, Array(block.lines.dropFirst(head)))
        case .failure(let overflow):
            throw LetterError(code: .addressTooLong, file: "letter", detail: "\(overflow.detail) (\(recipient.cpr))")
        }
    }
}
