internal import CLZMA
internal import Synchronization

/// postbatch's LZMA encoder and the liblzma decoder that checks it, kept from one container
/// to the next.
///
/// The encoder holds 8 MiB of window and its check 4 MiB of dictionary. Made anew for each
/// container they were fresh pages, which the kernel faulted in and zeroed: 73,400 minor
/// faults for the 38 containers of 20 k records, against 7,130 for the same run without
/// writing, and 5 % of the run's CPU in system time.
///
/// `@unchecked Sendable`: a workspace belongs to one ``TarLZMAWriter`` at a time; the pool
/// hands it over under its lock, and a writer gives it back only after its stream ended well.
final class LZMAWorkspace: @unchecked Sendable {
    let encoder = LZMAEncoder()
    /// liblzma's decoder of the stream being written.
    var decoder = lzma_stream()
    private var decoderStarted = false

    /// How many workspaces the pool keeps; a run compresses at most one container per core
    /// at once.
    private static let kept = 4
    private static let pool = Mutex<[LZMAWorkspace]>([])

    deinit {
        if decoderStarted { lzma_end(&decoder) }
    }

    /// A workspace for a new stream, from the pool or new, its encoder reset.
    static func take() -> LZMAWorkspace {
        let workspace = pool.withLock { $0.popLast() } ?? LZMAWorkspace()
        workspace.encoder.reset()
        return workspace
    }

    /// Takes back a workspace whose stream ended and passed its check.
    static func give(_ workspace: LZMAWorkspace) {
        pool.withLock { if $0.count < kept { $0.append(workspace) } }
    }

    /// Starts the decoder on a new stream; liblzma keeps its dictionary when the size stays.
    func startDecoder() -> Bool {
        decoderStarted = true
        return lzma_alone_decoder(&decoder, UInt64.max) == LZMA_OK
    }
}
