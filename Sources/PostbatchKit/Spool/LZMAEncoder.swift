internal import Glibc

/// An LZMA encoder for the "lzma alone" format (`.lzma`, the container's compression)
/// made for envelopes that repeat the envelopes before them.
///
/// liblzma's encoder inserts every byte of its input into a hash chain. A container's
/// envelopes are about 98 % copies of the envelopes before (fonts, template text, XML: a
/// static letter's 23 KB envelope comes to 505 literal bytes), so most of that work finds
/// the same long match again and again: measured on a container
/// of 500 real envelopes, liblzma's fastest useful settings run at 68 MB/s, 338 µs a
/// letter, three quarters of a container run (`docs/performance.md`, "Sixth pass").
///
/// This encoder looks a position up in a hash table of 4-byte sequences and, inside a
/// match, inserts only every ``matchInsertStep``-th position: a repeated stretch costs a
/// comparison of its bytes, not a hash per byte. It tries the four most recent distances
/// first (LZMA's "rep" matches), so a letter that differs from the last one by a name
/// goes back to copying right after the name. Everything else is LZMA as the
/// specification's decoder reads it: literals after a match coded against the byte at the
/// last distance, lengths 2–273, an end marker, and `lc=3 lp=0 pb=2` properties.
///
/// Its output depends only on the bytes given, not on how they were split into
/// ``append(_:)`` calls. ``TarLZMAWriter`` checks every stream it makes with liblzma's
/// decoder as it goes.
final class LZMAEncoder {
    /// The longest match LZMA codes.
    static let maximumMatch = 273
    /// The shortest match looked up in the hash table.
    static let minimumMatch = 4
    /// Bytes kept after the position being coded, so that a match is never cut short by
    /// where an ``append(_:)`` ended.
    static let lookahead = maximumMatch + 8
    /// Inside a match longer than 16 bytes, every this many positions go into the hash table.
    ///
    /// Sparse is smaller as well as faster: the table keeps one position per hash, and the
    /// positions inside a copied stretch overwrite the earlier envelope's, whose match is
    /// longer. A container of 500 static letters (11.6 MB of tar) came to 346,075 bytes with
    /// every position, 337,715 with every 2nd, 331,793 with every 4th, 325,115 with every
    /// 32nd and 324,681 with every 64th; liblzma's preset 1 as the run tunes it, 324,930.
    static let matchInsertStep = 32
    /// The hash table has 2¹⁶ slots (256 KiB): 2¹⁵ gave 2 % more bytes, 2¹⁷ 1 % fewer, at the
    /// same speed within this machine's spread.
    static let hashBits = 16

    /// The state lives in a struct so that the coding loop is one access to it.
    private var engine: LZMAEncoderEngine

    /// - Parameter dictionarySize: how far back a match may reach, at least 4 KiB; the
    ///   window holds twice this.
    init(dictionarySize: Int = 4 << 20) {
        engine = LZMAEncoderEngine(dictionarySize: dictionarySize)
    }

    deinit {
        engine.deallocate()
    }

    /// The history a match may reach back into, written in the header.
    var dictionarySize: Int { engine.dictionarySize }

    /// The compressed bytes not yet taken.
    var output: UnsafeRawBufferPointer { engine.output }

    /// Forgets ``output`` once it has been written.
    func clearOutput() {
        engine.clearOutput()
    }

    /// Adds bytes to the stream and codes all but the last ``lookahead`` of them.
    func append(_ bytes: UnsafeRawBufferPointer) {
        engine.append(bytes)
    }

    /// Codes the rest, the end marker, and flushes the range coder.
    func finish() {
        engine.finish()
    }

    /// Starts a new stream, keeping the memory (and the pages the window has touched).
    func reset() {
        engine.reset()
    }

    /// Flips the bits of one byte of ``output``: how tests show that a damaged stream is caught.
    func damageOutput(at index: Int) {
        engine.damageOutput(at: index)
    }

    /// Whether `bytes` are the input given at `offset` (counted from the first byte given),
    /// as far as the window still holds it: how a decoder's output is checked.
    func holds(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        engine.holds(bytes, at: offset)
    }
}

/// The window, hash table, model and coder of one ``LZMAEncoder``.
struct LZMAEncoderEngine {
    private typealias Limits = LZMAEncoder

    /// The history a match may reach back into, written in the header.
    let dictionarySize: Int
    private let window: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// Bytes in ``window``.
    private var filled = 0
    /// The next byte of ``window`` to code.
    private var position = 0
    /// How many bytes were dropped from the front of ``window``.
    private var origin = 0
    /// For each hash of 4 bytes, the last position in ``window`` that had it, or -1.
    private let table: UnsafeMutablePointer<Int32>
    private var coder: LZMARangeEncoder
    /// The coder's state: 0–6 after a literal, 7–11 after a match (the specification's).
    private var state = 0
    /// The four most recent distances, minus one, newest first.
    private var reps = (0, 0, 0, 0)
    private var finished = false

    init(dictionarySize: Int) {
        precondition(dictionarySize >= 4096 && dictionarySize <= 1 << 30)
        self.dictionarySize = dictionarySize
        capacity = 2 * dictionarySize + Limits.lookahead
        window = .allocate(capacity: capacity)
        table = .allocate(capacity: 1 << Limits.hashBits)
        table.initialize(repeating: -1, count: 1 << Limits.hashBits)
        let probabilities = UnsafeMutablePointer<UInt16>.allocate(capacity: LZMAModel.count)
        probabilities.initialize(repeating: 1024, count: LZMAModel.count)
        coder = LZMARangeEncoder(probabilities: probabilities, outputCapacity: 64 * 1024)
        writeHeader()
    }

    /// Starts a new stream in the same memory.
    mutating func reset() {
        filled = 0
        position = 0
        origin = 0
        table.update(repeating: -1, count: 1 << Limits.hashBits)
        coder.probabilities.update(repeating: 1024, count: LZMAModel.count)
        coder.reset()
        state = 0
        reps = (0, 0, 0, 0)
        finished = false
        writeHeader()
    }

    private mutating func writeHeader() {
        coder.writeRaw(LZMAModel.propertiesByte)
        for shift in stride(from: 0, to: 32, by: 8) {
            coder.writeRaw(UInt8(truncatingIfNeeded: dictionarySize >> shift))
        }
        // Unknown uncompressed size: the stream ends with an end marker.
        for _ in 0..<8 { coder.writeRaw(0xFF) }
    }

    func deallocate() {
        window.deallocate()
        table.deallocate()
        coder.probabilities.deallocate()
        coder.deallocate()
    }

    var output: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: coder.output, count: coder.outputCount)
    }

    mutating func clearOutput() {
        coder.clearOutput()
    }

    mutating func damageOutput(at index: Int) {
        coder.damageOutput(at: index)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "LZMAEncoder.append after finish")
        guard var source = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            if filled == capacity { slide() }
            let count = min(remaining, capacity - filled)
            UnsafeMutableRawPointer(window + filled).copyMemory(from: source, byteCount: count)
            filled += count
            source += count
            remaining -= count
            encode(upTo: filled - Limits.lookahead)
        }
    }

    mutating func finish() {
        precondition(!finished, "LZMAEncoder.finish twice")
        finished = true
        encode(upTo: filled)
        encodeEndMarker()
        coder.flush()
    }

    /// Whether `bytes` are the bytes given at `offset` (counted from the stream's first),
    /// false when the window no longer holds them.
    func holds(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        let start = offset - origin
        guard start >= 0, start + bytes.count <= filled else { return false }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return true }
        return memcmp(window + start, base, bytes.count) == 0
    }

    /// Drops the front of the window, keeping one dictionary before ``position``.
    private mutating func slide() {
        let shift = position - dictionarySize
        precondition(shift > 0, "LZMAEncoder window full before the dictionary")
        (window).update(from: window + shift, count: filled - shift)
        filled -= shift
        position -= shift
        origin += shift
        for slot in 0..<(1 << Limits.hashBits) {
            let moved = Int(table[slot]) - shift
            table[slot] = moved < 0 ? -1 : Int32(moved)
        }
    }

    // MARK: - Matching

    @inline(__always)
    private func load32(_ at: Int) -> UInt32 {
        UnsafeRawPointer(window + at).loadUnaligned(as: UInt32.self)
    }

    @inline(__always)
    private func hash(_ at: Int) -> Int {
        Int((load32(at) &* 2_654_435_761) >> UInt32(32 - Limits.hashBits))
    }

    /// How many bytes at `current` repeat those at `earlier`, up to `limit`.
    @inline(__always)
    private func matchLength(_ earlier: Int, _ current: Int, from start: Int, limit: Int) -> Int {
        var length = start
        while length + 8 <= limit {
            let a = UnsafeRawPointer(window + earlier + length).loadUnaligned(as: UInt64.self)
            let b = UnsafeRawPointer(window + current + length).loadUnaligned(as: UInt64.self)
            let difference = a ^ b
            if difference != 0 { return length + difference.trailingZeroBitCount >> 3 }
            length += 8
        }
        while length < limit, window[earlier + length] == window[current + length] { length += 1 }
        return length
    }

    @inline(__always)
    private func rep(_ index: Int) -> Int {
        switch index {
        case 0: reps.0
        case 1: reps.1
        case 2: reps.2
        default: reps.3
        }
    }

    /// Codes every position before `end` (a window index).
    private mutating func encode(upTo end: Int) {
        while position < end {
            let available = min(Limits.maximumMatch, filled - position)
            let coded = origin + position
            var repLength = 0
            var repIndex = 0
            if available >= 2 {
                for index in 0..<4 {
                    let source = position - rep(index) - 1
                    guard rep(index) < coded, window[source] == window[position],
                          window[source + 1] == window[position + 1] else { continue }
                    let length = matchLength(source, position, from: 2, limit: available)
                    if length > repLength {
                        repLength = length
                        repIndex = index
                        if length == available { break }
                    }
                }
            }
            var mainLength = 0
            var mainDistance = 0
            if available >= Limits.minimumMatch {
                let slot = hash(position)
                let candidate = Int(table[slot])
                table[slot] = Int32(position)
                if repLength < available, candidate >= 0, position - candidate <= dictionarySize,
                   load32(candidate) == load32(position) {
                    mainLength = matchLength(candidate, position, from: 4, limit: available)
                    mainDistance = position - candidate
                }
            }
            if repLength >= 2,
               repLength + 1 >= mainLength
                || (repLength + 2 >= mainLength && mainDistance > 1 << 9)
                || (repLength + 3 >= mainLength && mainDistance > 1 << 15) {
                encodeRep(index: repIndex, length: repLength)
                skip(repLength)
            } else if mainLength >= Limits.minimumMatch {
                encodeMatch(distance: mainDistance - 1, length: mainLength)
                skip(mainLength)
            } else {
                encodeLiteral()
                position += 1
            }
        }
    }

    /// Moves past a match of `length` at ``position``, putting some of its positions
    /// into the hash table (``position`` itself is already there).
    @inline(__always)
    private mutating func skip(_ length: Int) {
        let end = min(position + length, filled - Limits.minimumMatch + 1)
        let step = length > 16 ? Limits.matchInsertStep : 1
        var at = position + 1
        while at < end {
            table[hash(at)] = Int32(at)
            at += step
        }
        position += length
    }

    // MARK: - Packets

    @inline(__always)
    private var positionState: Int { (origin + position) & (LZMAModel.positionStates - 1) }

    private mutating func encodeLiteral() {
        let byte = Int(window[position])
        let previous = origin + position == 0 ? 0 : Int(window[position - 1])
        coder.encode(bit: 0, at: LZMAModel.isMatch + state * LZMAModel.positionStates + positionState)
        let probabilities = LZMAModel.literal + 0x300 * (previous >> (8 - LZMAModel.literalContextBits))
        if state < 7 {
            coder.encode(tree: probabilities, bits: 8, byte)
        } else {
            // After a match: the bits are coded against the byte at the last distance,
            // until the first bit that differs.
            let matchByte = Int(window[position - reps.0 - 1])
            var symbol = 1
            var matching = true
            var shift = 8
            while shift > 0 {
                shift -= 1
                let bit = (byte >> shift) & 1
                if matching {
                    let matchBit = (matchByte >> shift) & 1
                    coder.encode(bit: bit, at: probabilities + ((1 + matchBit) << 8) + symbol)
                    matching = matchBit == bit
                } else {
                    coder.encode(bit: bit, at: probabilities + symbol)
                }
                symbol = symbol << 1 | bit
            }
        }
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6
    }

    /// A match at a new distance (`distance` is the distance minus one).
    private mutating func encodeMatch(distance: Int, length: Int) {
        let positionState = self.positionState
        coder.encode(bit: 1, at: LZMAModel.isMatch + state * LZMAModel.positionStates + positionState)
        coder.encode(bit: 0, at: LZMAModel.isRep + state)
        encodeLength(length, coder: LZMAModel.matchLength, positionState: positionState)
        encodeDistance(distance, length: length)
        reps = (distance, reps.0, reps.1, reps.2)
        state = state < 7 ? 7 : 10
    }

    /// A match at the `index`th most recent distance, which becomes the most recent.
    private mutating func encodeRep(index: Int, length: Int) {
        let positionState = self.positionState
        coder.encode(bit: 1, at: LZMAModel.isMatch + state * LZMAModel.positionStates + positionState)
        coder.encode(bit: 1, at: LZMAModel.isRep + state)
        if index == 0 {
            coder.encode(bit: 0, at: LZMAModel.isRepG0 + state)
            coder.encode(bit: 1, at: LZMAModel.isRep0Long + state * LZMAModel.positionStates + positionState)
        } else {
            coder.encode(bit: 1, at: LZMAModel.isRepG0 + state)
            if index == 1 {
                coder.encode(bit: 0, at: LZMAModel.isRepG1 + state)
                reps = (reps.1, reps.0, reps.2, reps.3)
            } else {
                coder.encode(bit: 1, at: LZMAModel.isRepG1 + state)
                coder.encode(bit: index - 2, at: LZMAModel.isRepG2 + state)
                reps = index == 2 ? (reps.2, reps.0, reps.1, reps.3) : (reps.3, reps.0, reps.1, reps.2)
            }
        }
        encodeLength(length, coder: LZMAModel.repLength, positionState: positionState)
        state = state < 7 ? 8 : 11
    }

    private mutating func encodeLength(_ length: Int, coder lengths: Int, positionState: Int) {
        let value = length - 2
        if value < 8 {
            coder.encode(bit: 0, at: lengths)
            coder.encode(tree: LZMAModel.lengthLow(lengths, positionState), bits: 3, value)
        } else if value < 16 {
            coder.encode(bit: 1, at: lengths)
            coder.encode(bit: 0, at: lengths + 1)
            coder.encode(tree: LZMAModel.lengthMid(lengths, positionState), bits: 3, value - 8)
        } else {
            coder.encode(bit: 1, at: lengths)
            coder.encode(bit: 1, at: lengths + 1)
            coder.encode(tree: LZMAModel.lengthHigh(lengths), bits: 8, value - 16)
        }
    }

    /// Codes a distance minus one: its slot (two bits of precision), then the bits below.
    private mutating func encodeDistance(_ distance: Int, length: Int) {
        let lengthState = min(length - 2, 3)
        let tree = LZMAModel.distanceSlot + lengthState * 64
        guard distance >= 4 else {
            coder.encode(tree: tree, bits: 6, distance)
            return
        }
        let highBit = Int.bitWidth - 1 - distance.leadingZeroBitCount
        let slot = highBit << 1 | (distance >> (highBit - 1)) & 1
        coder.encode(tree: tree, bits: 6, slot)
        let directBits = (slot >> 1) - 1
        let base = (2 | slot & 1) << directBits
        let rest = distance - base
        if slot < 14 {
            coder.encode(reverseTree: LZMAModel.distanceSpecial + base - slot, bits: directBits, rest)
        } else {
            coder.encode(directBits: rest >> 4, count: directBits - 4)
            coder.encode(reverseTree: LZMAModel.align, bits: 4, rest & 15)
        }
    }

    /// The end marker: a match of length 2 at distance 2³², which no stream can have.
    /// It is coded as any new match; the state it leaves behind is never used.
    private mutating func encodeEndMarker() {
        encodeMatch(distance: 0xFFFF_FFFF, length: 2)
    }
}
