internal import Crypto
internal import Synchronization

/// One letter made: its envelope and what the manifest says of it.
struct ProducedLetter: Sendable {
    let letter: Letter
    let batch: BatchKey
    let uuid: String
    let envelope: [UInt8]
    let sha256: String

    /// `uuid,group,channel,date,language,bytes,sha256,file`.
    func manifestLine(file: String) -> String {
        CSVText.line([uuid, String(letter.group.rawValue), letter.channel.rawValue, letter.date.iso,
                      letter.language.rawValue, String(envelope.count), sha256, file])
    }
}

/// Turns letters into envelopes: compose the text, render the PDF, wrap it in XML.
///
/// Shared by the worker tasks of a run. Composer and envelope writer are values;
/// PDF renderers are not thread-safe, so the factory keeps a pool and lends each
/// worker its own for the length of a chunk.
final class LetterFactory: Sendable {
    let composer: LetterComposer
    let envelopes: EnvelopeWriter
    private let renderers = Mutex<[RendererBox]>([])

    /// A renderer in the pool.
    ///
    /// `@unchecked Sendable`: a `LetterRenderer` is used by one task at a time; the
    /// pool hands each one out to a single borrower and takes it back after.
    private struct RendererBox: @unchecked Sendable {
        let renderer: LetterRenderer
    }

    init(composer: LetterComposer, envelopes: EnvelopeWriter) {
        self.composer = composer
        self.envelopes = envelopes
    }

    /// Runs `body` with a renderer no other task is using.
    func withRenderer<T>(_ body: (LetterRenderer) throws -> T) throws -> T {
        let box = try renderers.withLock { $0.popLast() } ?? RendererBox(renderer: LetterRenderer())
        defer { renderers.withLock { $0.append(box) } }
        return try body(box.renderer)
    }

    /// Makes the envelope of one letter.
    func produce(_ letter: Letter, batch: BatchKey, renderer: LetterRenderer) throws -> ProducedLetter {
        let pdf = try renderer.render(try composer.compose(letter))
        let envelope = try envelopes.envelope(for: letter, pdf: pdf)
        return ProducedLetter(letter: letter, batch: batch, uuid: envelopes.envelopeID(for: letter).description,
                              envelope: envelope, sha256: Hex.string(SHA256.hash(data: envelope)))
    }
}
