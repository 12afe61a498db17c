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
        var addressLines: [String] = []
        if letter.channel == .print, let address = recipient.address,
           !(redactProtectedAddress && recipient.addressProtected) {
            addressLines = Self.postalLines(address)
        }
        var recipientLines = [recipient.name]
        if let co = Self.coLine(recipient.coName) { recipientLines.append(co) }
        recipientLines += addressLines
        // Filling a template escapes every value: only do it when the body is not shared.
        func values() -> TemplateValues {
            TemplateValues(
                name: recipient.name, coName: Self.coLine(recipient.coName), addressLines: addressLines,
                date: letter.date, language: letter.language, group: letter.group, channel: letter.channel,
                campaign: campaign)
        }
        let key = BodyCache.Key(group: letter.group, language: letter.language, channel: letter.channel)
        let blocks = bodies.impersonal.contains(key)
            ? try bodies.blocks(for: key, date: letter.date) { () throws(LetterError) in
                try render(group: letter.group, language: letter.language, values: values())
            }
            : try render(group: letter.group, language: letter.language, values: values())
        return LetterContent(
            language: letter.language, group: letter.group, channel: letter.channel, date: letter.date,
            title: campaign.title(for: letter.group, in: letter.language),
            senderName: campaign.sender.name, senderAddressLines: campaign.sender.addressLines,
            senderContact: campaign.sender.contact, recipientLines: recipientLines, blocks: blocks)
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

    /// `c/o Name`, or `nil` for no c/o name; a value that already says `c/o` is kept.
    static func coLine(_ coName: String?) -> String? {
        guard let coName = coName?.trimmingCharacters(in: .whitespaces), !coName.isEmpty else { return nil }
        return coName.lowercased().hasPrefix("c/o") ? coName : "c/o \(coName)"
    }

    /// The address lines under the name: street, postcode and city, and the country outside Denmark.
    static func postalLines(_ address: PostalAddress) -> [String] {
        var lines = [address.street, "\(address.postalCode) \(address.city)"]
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let code = address.countryCode.uppercased()
        if code != "DK" && !code.isEmpty {
            lines.append(countryName(code).uppercased())
        }
        return lines
    }

    /// The country's Danish name, as the address of a letter posted in Denmark gives it.
    static func countryName(_ code: String) -> String {
        switch code {
        case "GL": return "Grønland"
        case "FO": return "Færøerne"
        default:
            return Locale(identifier: "da_DK").localizedString(forRegionCode: code) ?? code
        }
    }
}
