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
        // A small hash table (memory level 4): reset for every stream, a full one costs more
        // to clear than these few kilobytes take to compress.
        ready = deflateInit2_(&stream, Z_BEST_SPEED, Z_DEFLATED, 15, 4, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                              Int32(MemoryLayout<z_stream>.size)) == Z_OK
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


/// Part of a zlib stream compressed on its own: raw deflate that ends on a byte boundary
/// (a sync flush, no final block), with the Adler-32 and length of what it holds.
///
/// Pieces compressed apart join into one valid stream (``FlateJoiner``): the fast path
/// compresses the parts of a page that recur in many letters once, and only the
/// personal parts per letter.
struct DeflatedPiece: Sendable {
    let bytes: [UInt8]
    let adler: UInt32
    let count: Int
}

/// Compresses ``DeflatedPiece``s at one level. Not thread-safe: each renderer owns its own.
final class PieceDeflater {
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 16 * 1024)
    private let ready: Bool

    /// A deflater for pieces made once and kept: the best compression.
    static func kept() -> PieceDeflater { PieceDeflater(level: Z_BEST_COMPRESSION, windowBits: 15, memoryLevel: 8) }

    /// A deflater for a letter's own pieces, a few kilobytes each: the fastest level, and a
    /// small window and hash table, which a reset clears quickly.
    static func personal() -> PieceDeflater { PieceDeflater(level: Z_BEST_SPEED, windowBits: 12, memoryLevel: 3) }

    /// - Parameters:
    ///   - level: zlib's level, 1 (fastest) to 9 (smallest).
    ///   - windowBits: the window, 2⁹ to 2¹⁵ bytes (any zlib reader takes it).
    ///   - memoryLevel: the hash table's size, 1 to 9.
    init(level: Int32, windowBits: Int32, memoryLevel: Int32) {
        // Negative window bits: raw deflate, without the zlib header and checksum.
        ready = deflateInit2_(&stream, level, Z_DEFLATED, -windowBits, memoryLevel, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                              Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    deinit { if ready { deflateEnd(&stream) } }

    /// The bytes as a piece left uncompressed: stored blocks (RFC 1951 3.2.4), for content a
    /// container's LZMA compresses better than deflate's output.
    static func stored(_ bytes: [UInt8]) -> DeflatedPiece {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 5 * (bytes.count / 65_535 + 1))
        var start = 0
        repeat {
            let count = min(65_535, bytes.count - start)
            // BFINAL 0, BTYPE 00, padded to the byte; then LEN and its complement, little-endian.
            out += [0, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += bytes[start..<(start + count)]
            start += count
        } while start < bytes.count
        let adler = bytes.withUnsafeBufferPointer { adler32(1, $0.baseAddress, uInt($0.count)) }
        return DeflatedPiece(bytes: out, adler: UInt32(adler), count: bytes.count)
    }

    /// The bytes as a piece, or nil if zlib fails.
    func piece(_ bytes: [UInt8]) -> DeflatedPiece? {
        guard ready, deflateReset(&stream) == Z_OK else { return nil }
        // A sync flush adds an empty stored block of 5 bytes to what deflateBound allows.
        let bound = Int(deflateBound(&stream, uLong(bytes.count))) + 16
        if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
        var input = bytes
        let (status, adler) = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                let status = deflate(&stream, Z_SYNC_FLUSH)
                return (status, adler32(1, source.baseAddress, uInt(source.count)))
            }
        }
        guard status == Z_OK, stream.avail_in == 0 else { return nil }
        return DeflatedPiece(bytes: Array(output[0..<Int(stream.total_out)]), adler: UInt32(adler), count: bytes.count)
    }
}

/// Joins ``DeflatedPiece``s into one zlib stream (PDF `/FlateDecode`): the zlib header, the
/// pieces in order, an empty final block, and the Adler-32 of all they hold, combined
/// from theirs (RFC 1950, RFC 1951).
struct FlateJoiner {
    private(set) var bytes: [UInt8] = [0x78, 0x01]
    private var adler: uLong = 1

    /// Appends a piece.
    mutating func append(_ piece: DeflatedPiece) {
        bytes += piece.bytes
        adler = adler32_combine(adler, uLong(piece.adler), off_t(piece.count))
    }

    /// The finished stream.
    consuming func finish() -> [UInt8] {
        // An empty fixed-Huffman block with BFINAL set, then the checksum, big-endian.
        bytes += [0x03, 0x00]
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: adler >> shift)) }
        return bytes
    }
}
