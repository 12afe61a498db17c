import Testing
@testable import PostbatchKit

/// The factory that turns a letter into its envelope for the spool.
struct LetterFactoryTests {
    @Test("a produced letter's envelope and name are the envelope writer's own, on screen and on paper",
          arguments: [Channel.digital, .print])
    func producedEnvelope(channel: Channel) throws {
        let (composer, templates) = try FastLetterRendererTests.compiled.get()
        let writer = try EnvelopeFixtures.writer(campaign: composer.campaign)
        let factory = try LetterFactory(composer: composer, envelopes: writer, renderer: .fast)
        let letter = LetterFixtures.letter(group: .mitidDK, language: .da, channel: channel)
        let batch = BatchKey(channel: channel, date: letter.date, number: 1)
        let produced = try factory.withRenderers { try factory.produce(letter, batch: batch, renderers: $0) }

        // The identifiers the factory derives once and hands on are those the writer derives itself.
        let pdf = try #require(try FastLetterRenderer(templates: templates).render(composer.compose(letter)))
        #expect(produced.envelope == (try writer.envelope(for: letter, pdf: pdf)))
        #expect(produced.uuid == writer.envelopeID(for: letter).description)
        let xml = String(decoding: produced.envelope, as: UTF8.self)
        let reference = MessageID.supportReference(campaignID: composer.campaign.id, cpr: letter.recipient.cpr)
        #expect(xml.contains(produced.uuid))
        #expect(channel == .print || xml.contains("<memo:messageID>\(reference)</memo:messageID>"))
    }
}
