internal import CZlib

/// zlib's deflate, for the PDF streams the fast path compresses once per run.
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
}
