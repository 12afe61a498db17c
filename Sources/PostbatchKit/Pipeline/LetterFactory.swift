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

/// Which PDF renderer a run uses.
public enum RendererChoice: String, CaseIterable, Sendable {
    /// The compiled-template fast path, falling back to the reference renderer for a
    /// letter it cannot make (a character outside its font subset, an overfull window).
    case fast
    /// pango and cairo for every letter.
    case reference
}

/// The PDF renderers of one worker.
///
/// Not thread-safe: the factory lends it to one task at a time.
final class WorkerRenderers {
    let fast: FastLetterRenderer?
    /// What this worker keeps between its envelopes (``EnvelopeCache``).
    let envelopeCache = EnvelopeCache()
    private var referenceRenderer: LetterRenderer?

    init(templates: FastLetterTemplates?) throws(LetterError) {
        fast = try templates.map { templates throws(LetterError) in try FastLetterRenderer(templates: templates) }
    }

    /// The reference renderer, made on first use.
    func reference() throws(LetterError) -> LetterRenderer {
        if let referenceRenderer { return referenceRenderer }
        let renderer = try LetterRenderer()
        referenceRenderer = renderer
        return renderer
    }
}

/// Turns letters into envelopes: compose the text, render the PDF, wrap it in XML.
///
/// Shared by the worker tasks of a run. Composer, compiled templates and envelope
/// writer are values; renderers are not thread-safe, so the factory keeps a pool
/// and lends each worker its own for the length of a chunk.
final class LetterFactory: Sendable {
    let composer: LetterComposer
    let envelopes: EnvelopeWriter
    private let templates: FastLetterTemplates?
    private let pool = Mutex<[RenderersBox]>([])
    private let fallbacks = Atomic<Int>(0)

    /// Renderers in the pool.
    ///
    /// `@unchecked Sendable`: the renderers are used by one task at a time; the pool
    /// hands each set out to a single borrower and takes it back after.
    private struct RenderersBox: @unchecked Sendable {
        let renderers: WorkerRenderers
    }

    /// - Throws: ``LetterError`` when the fast path's templates cannot be compiled.
    init(composer: LetterComposer, envelopes: EnvelopeWriter, renderer: RendererChoice) throws(LetterError) {
        self.composer = composer
        self.envelopes = envelopes
        templates = renderer == .fast ? try FastLetterTemplates(composer: composer) : nil
    }

    /// Letters the fast path handed to the reference renderer so far.
    var fallbackCount: Int { fallbacks.load(ordering: .relaxed) }

    /// Runs `body` with renderers no other task is using.
    func withRenderers<T>(_ body: (WorkerRenderers) throws -> T) throws -> T {
        let box = try pool.withLock { $0.popLast() } ?? RenderersBox(renderers: WorkerRenderers(templates: templates))
        defer { pool.withLock { $0.append(box) } }
        return try body(box.renderers)
    }

    /// Makes the envelope of one letter.
    func produce(_ letter: Letter, batch: BatchKey, renderers: WorkerRenderers) throws -> ProducedLetter {
        let content = try composer.compose(letter)
        let pdf: [UInt8]
        if let fast = renderers.fast {
            if let bytes = try fast.render(content) {
                pdf = bytes
            } else {
                fallbacks.add(1, ordering: .relaxed)
                pdf = try renderers.reference().render(content)
            }
        } else {
            pdf = try renderers.reference().render(content)
        }
        // Derived once here (a SHA-256 each), not again by the envelope writer.
        let id = envelopes.envelopeID(for: letter)
        let identifiers = content.reference.map { EnvelopeWriter.Identifiers(envelopeID: id, supportReference: $0) }
        let envelope = try envelopes.envelope(for: letter, pdf: pdf, cache: renderers.envelopeCache,
                                              identifiers: identifiers)
        return ProducedLetter(letter: letter, batch: batch, uuid: id.description,
                              envelope: envelope, sha256: Hex.string(SHA256.hash(data: envelope)))
    }
}
