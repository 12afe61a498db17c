/// The values a letter template can use, under their template names.
///
/// Every string is escaped for the letter markup (``LetterMarkup/escape(_:)``), so a
/// name such as `**Anna**` prints as written and never turns into bold text.
/// The CPR number is not among them.
struct TemplateValues {
    /// The variable names templates may use; anything else is an error at load.
    ///
    /// Lists (`address_lines`, `sender_address_lines`) are used as sections with
    /// `{{.}}` inside; `is_print` and `is_digital` are booleans for sections.
    static let names: Set<String> = [
        "name", "co_name", "address_lines", "date", "date_iso", "group", "group_slug", "title",
        "sender_name", "sender_address_lines", "sender_contact", "channel", "is_print", "is_digital",
        "language", "delivery_period", "print_date", "is_abroad",
    ]

    let context: [String: Any]

    init(name: String, coName: String?, addressLines: [String], date: CalendarDate, language: Language,
         group: LetterGroup, channel: Channel, campaign: Campaign, abroad: Bool = false) {
        let sender = campaign.sender.presentation(in: language)
        let schedule = campaign.schedule
        let waves = schedule.waveDates
        let first = waves.first ?? schedule.firstDay
        let last = waves.last ?? schedule.firstDay
        var context: [String: Any] = [
            "name": LetterMarkup.escape(name),
            "address_lines": addressLines.map(LetterMarkup.escape),
            "date": LetterMarkup.escape(date.letterText(in: language)),
            "date_iso": LetterMarkup.escape(date.iso),
            "group": String(group.rawValue),
            "group_slug": LetterMarkup.escape(group.slug),
            "title": LetterMarkup.escape(campaign.title(for: group, in: language)),
            "sender_name": LetterMarkup.escape(sender.name),
            "sender_address_lines": sender.addressLines.map(LetterMarkup.escape),
            "sender_contact": LetterMarkup.escape(sender.contact),
            "channel": channel.rawValue,
            "is_print": channel == .print,
            "is_digital": channel == .digital,
            "is_abroad": abroad,
            "language": language.rawValue,
            "delivery_period": LetterMarkup.escape(CalendarDate.letterSpan(from: first, to: last, in: language)),
            "print_date": LetterMarkup.escape(schedule.printDay.letterText(in: language)),
        ]
        if let coName { context["co_name"] = LetterMarkup.escape(coName) }
        self.context = context
    }

    /// Values for checking a template at load: every variable set, in both channels,
    /// with and without a c/o name, with a name full of characters that look like markup.
    static func probes(language: Language, group: LetterGroup, campaign: Campaign) -> [TemplateValues] {
        let date = campaign.firstDay
        let tricky = "Ærø **Å** # - \\ * Øster <Søn> `x` + Ø"
        return [
            TemplateValues(name: "Søren Ærøskøbing Åberg", coName: "c/o Anne Ø. Jensen", addressLines: [],
                           date: date, language: language, group: group, channel: .digital, campaign: campaign),
            TemplateValues(name: tricky, coName: nil,
                           addressLines: ["- Vej 1, 2. th.", "# 3900 Nuuk", "GRØNLAND"],
                           date: date, language: language, group: group, channel: .print, campaign: campaign),
            TemplateValues(name: tricky, coName: nil, addressLines: ["Musterstraße 1", "10115 Berlin", "TYSKLAND"],
                           date: date, language: language, group: group, channel: .print, campaign: campaign,
                           abroad: true),
        ]
    }
}
