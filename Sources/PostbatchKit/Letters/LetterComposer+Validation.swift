extension LetterComposer {
    /// Renders every group template of every language against probe values and
    /// reads its markup, so a template that would print unknown markup stops the run
    /// at start-up instead of in millions of letters.
    ///
    /// Tags were checked when the files were loaded (``TemplateLoader``); this finds
    /// what only the rendered text shows, such as `* item` or an unclosed `**`.
    func validate() throws(LetterError) {
        for language in Language.allCases {
            for group in LetterGroup.allCases {
                for values in TemplateValues.probes(language: language, group: group, campaign: campaign) {
                    let blocks = try render(group: group, language: language, values: values)
                    guard !blocks.isEmpty else {
                        throw LetterError(code: .unknownMarkup, file: TemplateLoader.groupFile(group, language),
                                          detail: "the template renders no text; expected at least a title and a paragraph")
                    }
                }
            }
        }
    }
}
