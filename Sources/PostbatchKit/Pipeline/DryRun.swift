internal import Logging

/// `run --dry-run`: classifies and renders every letter, writes nothing, and returns the report.
struct DryRun {
    let options: RunOptions
    let campaign: Campaign
    let composer: LetterComposer
    let logger: Logger
    let progress: @Sendable (RunProgress) -> Void

    func run() async throws -> RunSummary {
        let envelopes = try EnvelopeWriter(campaign: campaign, memoVersion: options.memoVersion,
                                           massMailingID: "dry-run", now: options.now ?? .now())
        let factory = try LetterFactory(composer: composer, envelopes: envelopes, renderer: options.renderer)
        let classifier = try InputClassifier(path: options.input, delimiter: options.delimiter, schedule: campaign.schedule)
        logger.info("dry run started", metadata: ["input": "\(classifier.file)"])
        var numbering = BatchNumbering(size: SpoolLayout.lettersPerFolder)
        var rendered = 0
        let produced = try await LetterProduction.run(
            workers: options.workers, cancellation: options.cancellation,
            nextLetter: {
                while let outcome = try classifier.next() {
                    if case .letter(let letter) = outcome {
                        return (letter, numbering.next(channel: letter.channel, date: letter.date))
                    }
                }
                return nil
            },
            make: { letter, batch, renderers in
                let made = try factory.produce(letter, batch: batch, renderers: renderers)
                return WrittenLetter(batch: batch, manifestLine: "", envelope: nil, size: made.envelope.count)
            },
            factory: factory,
            consume: { results in
                rendered += results.count
                // The letters to come are not known before the input's end: the share is of bytes read.
                progress(RunProgress(rendering: classifier.statistics, letters: rendered, bytesRead: classifier.bytesRead))
            })
        logger.info("dry run finished", metadata: ["letters": "\(produced)", "fallbacks": "\(factory.fallbackCount)"])
        if let signal = options.cancellation.signalNumber {
            return RunSummary(outcome: .interrupted(signal: signal), statistics: classifier.statistics,
                              lettersWritten: 0, lettersAlreadyDone: 0, resumed: false, fallbacks: factory.fallbackCount)
        }
        return RunSummary(outcome: .dryRun, statistics: classifier.statistics, lettersWritten: 0,
                          lettersAlreadyDone: 0, resumed: false, fallbacks: factory.fallbackCount)
    }
}
