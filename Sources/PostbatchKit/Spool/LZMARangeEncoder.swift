/// The range coder and probability model of an LZMA stream, as the LZMA specification
/// (`lzma-specification.txt` of the LZMA SDK) has its decoder: 11-bit probabilities that
/// start at one half and move a 32nd of the way on each bit, and a 32-bit range whose
/// carries ripple back through the bytes not yet written.
///
/// It holds unsafe pointers and no ownership: ``LZMAEncoder`` allocates them and frees
/// them. A struct so that the encoding loop keeps it in registers.
struct LZMARangeEncoder {
    /// Every probability of the model, laid out as ``LZMAModel`` says.
    let probabilities: UnsafeMutablePointer<UInt16>
    private var low: UInt64 = 0
    private var range: UInt32 = 0xFFFF_FFFF
    /// The byte held back until it is known whether a carry reaches it.
    private var cache: UInt8 = 0
    /// How many bytes are held back: `cache` and the `0xFF`s after it.
    private var cacheSize = 1
    /// The compressed bytes not yet taken.
    private(set) var output: UnsafeMutablePointer<UInt8>
    private(set) var outputCount = 0
    private var outputCapacity: Int

    init(probabilities: UnsafeMutablePointer<UInt16>, outputCapacity: Int) {
        self.probabilities = probabilities
        self.outputCapacity = outputCapacity
        output = .allocate(capacity: outputCapacity)
    }

    /// Starts a new stream: nothing coded, nothing held back, no output.
    mutating func reset() {
        low = 0
        range = 0xFFFF_FFFF
        cache = 0
        cacheSize = 1
        outputCount = 0
    }

    /// Frees the output buffer (the probabilities belong to the caller).
    func deallocate() {
        output.deallocate()
    }

    /// Forgets the bytes of ``output`` once the caller has written them.
    mutating func clearOutput() {
        outputCount = 0
    }

    /// Flips the bits of one byte of ``output`` (tests of the checks downstream).
    mutating func damageOutput(at index: Int) {
        precondition(index < outputCount)
        output[index] ^= 0xFF
    }

    /// Appends raw bytes (the stream's header) to the output.
    mutating func writeRaw(_ byte: UInt8) {
        emit(byte)
    }

    @inline(__always)
    private mutating func emit(_ byte: UInt8) {
        if outputCount == outputCapacity {
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: outputCapacity * 2)
            larger.update(from: output, count: outputCount)
            output.deallocate()
            output = larger
            outputCapacity *= 2
        }
        output[outputCount] = byte
        outputCount += 1
    }

    @inline(__always)
    private mutating func shiftLow() {
        if UInt32(truncatingIfNeeded: low) < 0xFF00_0000 || low >> 32 != 0 {
            let carry = UInt8(truncatingIfNeeded: low >> 32)
            var byte = cache
            repeat {
                emit(byte &+ carry)
                byte = 0xFF
                cacheSize -= 1
            } while cacheSize != 0
            cache = UInt8(truncatingIfNeeded: low >> 24)
        }
        cacheSize += 1
        low = (low & 0x00FF_FFFF) << 8
    }

    /// Codes one bit with the probability at `index` and moves it towards the bit.
    ///
    /// Without a branch on the bit: literal bits are close to random, and the branch the
    /// specification's coder takes was mispredicted half the time (a literal cost 58 ns in a
    /// container run's profile).
    @inline(__always)
    mutating func encode(bit: Int, at index: Int) {
        let probability = UInt32(probabilities[index])
        let bound = (range >> 11) &* probability
        let one = 0 &- UInt32(truncatingIfNeeded: bit & 1)
        low &+= UInt64(bound & one)
        range = (bound & ~one) | ((range &- bound) & one)
        let towardsZero = probability &+ ((2048 &- probability) >> 5)
        let towardsOne = probability &- (probability >> 5)
        probabilities[index] = UInt16(truncatingIfNeeded: (towardsZero & ~one) | (towardsOne & one))
        if range < 1 << 24 {
            range <<= 8
            shiftLow()
        }
    }

    /// Codes the low `count` bits of `value`, highest first, through the binary tree of
    /// probabilities at `tree` (its node 1 is the root).
    @inline(__always)
    mutating func encode(tree: Int, bits count: Int, _ value: Int) {
        var node = 1
        var shift = count
        while shift > 0 {
            shift -= 1
            let bit = (value >> shift) & 1
            encode(bit: bit, at: tree + node)
            node = node << 1 | bit
        }
    }

    /// Codes the low `count` bits of `value`, lowest first, through the tree at `tree`.
    @inline(__always)
    mutating func encode(reverseTree tree: Int, bits count: Int, _ value: Int) {
        var node = 1
        var rest = value
        for _ in 0..<count {
            let bit = rest & 1
            rest >>= 1
            encode(bit: bit, at: tree + node)
            node = node << 1 | bit
        }
    }

    /// Codes the low `count` bits of `value`, highest first, each at one half.
    mutating func encode(directBits value: Int, count: Int) {
        var shift = count
        while shift > 0 {
            shift -= 1
            range >>= 1
            low &+= UInt64(range & (0 &- UInt32(truncatingIfNeeded: (value >> shift) & 1)))
            if range < 1 << 24 {
                range <<= 8
                shiftLow()
            }
        }
    }

    /// Writes out what `low` still holds; the stream ends here.
    mutating func flush() {
        for _ in 0..<5 { shiftLow() }
    }
}

/// Where each group of probabilities sits in ``LZMARangeEncoder/probabilities``, for the
/// properties postbatch writes: three literal context bits, no literal position bits, two
/// position bits (`lc=3 lp=0 pb=2`, xz's defaults).
enum LZMAModel {
    static let positionBits = 2
    static let positionStates = 1 << positionBits
    static let literalContextBits = 3
    /// The properties byte of the header: `(pb * 5 + lp) * 9 + lc`.
    static let propertiesByte = UInt8((positionBits * 5 + 0) * 9 + literalContextBits)

    static let isMatch = 0
    static let isRep = isMatch + 12 * positionStates
    static let isRepG0 = isRep + 12
    static let isRepG1 = isRepG0 + 12
    static let isRepG2 = isRepG1 + 12
    static let isRep0Long = isRepG2 + 12
    /// Six-bit trees of the distance slot, one per length state (lengths 2, 3, 4, 5+).
    static let distanceSlot = isRep0Long + 12 * positionStates
    /// The reverse trees of the low bits of distances in slots 4–13, indexed from
    /// `distanceSpecial + base - slot` as the specification's decoder does.
    static let distanceSpecial = distanceSlot + 4 * 64
    static let align = distanceSpecial + 115
    static let matchLength = align + 16
    static let repLength = matchLength + lengthCoderSize
    static let literal = repLength + lengthCoderSize
    static let count = literal + 0x300 << literalContextBits

    /// A length coder: choice, second choice, a 3-bit tree per position state for
    /// lengths 2–9, another for 10–17, and one 8-bit tree for 18–273.
    static let lengthCoderSize = 2 + 2 * positionStates * 8 + 256
    static func lengthLow(_ coder: Int, _ positionState: Int) -> Int { coder + 2 + positionState * 8 }
    static func lengthMid(_ coder: Int, _ positionState: Int) -> Int {
        coder + 2 + positionStates * 8 + positionState * 8
    }
    static func lengthHigh(_ coder: Int) -> Int { coder + 2 + 2 * positionStates * 8 }
}
