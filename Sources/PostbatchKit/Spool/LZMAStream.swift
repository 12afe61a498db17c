internal import CLZMA

/// Whole "lzma alone" streams in memory, through liblzma: what tests and benchmarks use to
/// hold ``LZMAEncoder`` against the library.
package enum LZMAStream {
    /// The bytes `stream` decodes to, or nil when liblzma refuses it (or it holds more
    /// than `limit` bytes).
    package static func decode(_ stream: [UInt8], limit: Int = 1 << 30) -> [UInt8]? {
        var decoder = lzma_stream()
        guard lzma_alone_decoder(&decoder, UInt64.max) == LZMA_OK else { return nil }
        defer { lzma_end(&decoder) }
        return run(&decoder, on: stream, limit: limit)
    }

    /// `input` compressed by liblzma at `level`, as ``TarLZMAWriter`` tunes the preset.
    package static func encodeWithLiblzma(_ input: [UInt8], level: Int = 1) -> [UInt8]? {
        guard var options = TarLZMAWriter.encoderOptions(level: level) else { return nil }
        var encoder = lzma_stream()
        guard lzma_alone_encoder(&encoder, &options) == LZMA_OK else { return nil }
        defer { lzma_end(&encoder) }
        return run(&encoder, on: input, limit: Int.max)
    }

    /// Feeds all of `input` to a started coder and returns all it gives, or nil when it
    /// fails, gives more than `limit` bytes, or ends before the input does.
    private static func run(_ coder: inout lzma_stream, on input: [UInt8], limit: Int) -> [UInt8]? {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        return input.withUnsafeBufferPointer { bytes -> [UInt8]? in
            coder.next_in = bytes.baseAddress
            coder.avail_in = bytes.count
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer in
                    coder.next_out = buffer.baseAddress
                    coder.avail_out = buffer.count
                    let status = lzma_code(&coder, LZMA_FINISH)
                    return (status, buffer.count - coder.avail_out)
                }
                result += chunk[..<produced]
                guard result.count <= limit else { return nil }
                if status == LZMA_STREAM_END { return coder.avail_in == 0 ? result : nil }
                guard status == LZMA_OK else { return nil }
            }
        }
    }

    /// `input` compressed by postbatch's ``LZMAEncoder``, given in pieces of `piece` bytes.
    package static func encodeWithPostbatch(_ input: [UInt8], piece: Int = 10_240,
                                            dictionarySize: Int = 4 << 20) -> [UInt8] {
        let encoder = LZMAEncoder(dictionarySize: dictionarySize)
        var result: [UInt8] = []
        input.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = min(piece, bytes.count - offset)
                encoder.append(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
                offset += count
                result += encoder.output
                encoder.clearOutput()
            }
        }
        encoder.finish()
        result += encoder.output
        return result
    }
}
