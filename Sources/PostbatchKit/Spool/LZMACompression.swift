/// How the tar of a container is compressed into its LZMA stream.
///
/// Either way the file is an "lzma alone" stream any LZMA decoder reads (`xz -d`,
/// `unlzma`, Python's `lzma`); the two differ in speed, and in bytes by a few hundredths.
public enum LZMACompression: Sendable, Hashable, CustomStringConvertible {
    /// postbatch's encoder for envelopes that repeat each other (``LZMAEncoder``): about
    /// four times liblzma's speed on a container for the same size. liblzma's decoder
    /// reads every stream back as it is written; a stream that does not give back its
    /// tar is written again with ``preset(_:)`` 1.
    case repeats
    /// liblzma's encoder at a preset, 0 (fastest) to 9 (smallest), with at least 4 MiB of
    /// history (``TarLZMAWriter/encoderOptions(level:)``).
    case preset(Int)

    /// What a run uses unless told otherwise.
    public static let standard = LZMACompression.repeats

    /// The preset that writes a container again when ``repeats`` fails its check.
    static let fallback = LZMACompression.preset(1)

    /// `postbatch` or `liblzma <level>`, as `--lzma-encoder` and `--lzma-level` say them.
    public var description: String {
        switch self {
        case .repeats: "postbatch"
        case .preset(let level): "liblzma \(level)"
        }
    }
}
