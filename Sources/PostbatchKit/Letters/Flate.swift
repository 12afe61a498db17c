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
