internal import CZlib

/// zlib's deflate, for the PDF streams the fast path compresses once per run, and inflate,
/// for the content streams of cairo's PDFs that ``CairoArtifacts`` rewrites.
///
/// This is the only file that talks to zlib.
enum Flate {
    /// Compresses bytes as a zlib stream (PDF `/FlateDecode`), at the best compression.
    ///
    /// - Throws: ``LetterError`` with code `letter_pdf` if zlib fails.
    static func compress(_ bytes: [UInt8]) throws(LetterError) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &length, input.baseAddress, uLong(input.count), Z_BEST_COMPRESSION)
            }
        }
        guard status == Z_OK else {
            throw LetterError(code: .pdf, file: "letter", detail: "zlib could not compress a stream (status \(status))")
        }
        output.removeSubrange(Int(length)...)
        return output
    }

    /// Decompresses a zlib stream (PDF `/FlateDecode`).
    ///
    /// - Throws: ``LetterError`` with code `letter_pdf` if the stream is not valid zlib data.
    static func decompress(_ bytes: [UInt8]) throws(LetterError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw LetterError(code: .pdf, file: "letter", detail: "zlib could not start inflating a stream")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = bytes
        var status = Z_OK
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while status == Z_OK {
                chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output += buffer[0..<(buffer.count - Int(stream.avail_out))]
                }
            }
        }
        guard status == Z_STREAM_END else {
            throw LetterError(code: .pdf, file: "letter", detail: "zlib could not inflate a stream (status \(status))")
        }
        return output
    }
}

/// A zlib deflater kept for many small streams (a letter's personal content and its
/// cross-reference stream): its state is made once, then reset, at the fastest level.
///
/// Not thread-safe: each ``FastLetterRenderer`` owns one.
final class Deflater {
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 16 * 1024)
    private let ready: Bool

    init() {
        ready = deflateInit_(&stream, Z_BEST_SPEED, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    deinit { if ready { deflateEnd(&stream) } }

    /// Compresses bytes as one zlib stream, or returns nil if zlib fails (write them plain then).
    func compress(_ bytes: [UInt8]) -> [UInt8]? {
        guard ready, deflateReset(&stream) == Z_OK else { return nil }
        let bound = Int(deflateBound(&stream, uLong(bytes.count)))
        if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        return Array(output[0..<Int(stream.total_out)])
    }
}

