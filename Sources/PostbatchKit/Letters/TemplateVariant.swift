/// Which template text a letter takes: its group, language and channel, and for a paper
/// letter whether it goes abroad (the address block, and so the template, may differ).
///
/// The key of what the letter code makes once and shares: bodies that read nothing of
/// the recipient (``BodyCache``) and compiled fast-path templates (``FastLetterTemplates``).
struct TemplateVariant: Hashable, Sendable {
    let group: LetterGroup
    let language: Language
    let channel: Channel
    /// A paper letter to an address outside Denmark and Greenland.
    let abroad: Bool

    /// Every variant: each group and language, digitally, on paper at home and on paper abroad.
    static let all: [TemplateVariant] = LetterGroup.allCases.flatMap { group in
        Language.allCases.flatMap { language in
            [(Channel.digital, false), (.print, false), (.print, true)].map { channel, abroad in
                TemplateVariant(group: group, language: language, channel: channel, abroad: abroad)
            }
        }
    }
}
