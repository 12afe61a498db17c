import Testing
@testable import PostbatchKit

/// postbatch's LZMA encoder, held against liblzma: every stream it writes must decode, in
/// liblzma, to exactly the bytes given.
@Suite("LZMAEncoder")
struct LZMAEncoderTests {
    /// A deterministic generator, so that a failing input can be made again.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        mutating func bytes(_ count: Int) -> [UInt8] {
            (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
        }
    }

    /// Envelope-like text: one template, with a name, a number and a random stretch that
    /// differ per copy, as a container's envelopes do.
    static func envelopes(_ count: Int, seed: UInt64 = 7) -> [UInt8] {
        var generator = Generator(state: seed)
        let names = ["Anna Hansen", "Søren Kierkegaard", "Mette Frederiksen Østergaard", "Bo", "Karen Blixen"]
        var result: [UInt8] = []
        for index in 0..<count {
            let name = names[Int(generator.next() % UInt64(names.count))]
            let random = generator.bytes(40 + Int(generator.next() % 200)).map { UInt8(ascii: "A") + $0 % 26 }
            let text = """
            <?xml version="1.0" encoding="UTF-8"?><memo:Message><memo:MessageHeader>\
            <memo:MessageUUID>\(String(generator.next(), radix: 16))</memo:MessageUUID>\
            <memo:Label>Brev \(index)</memo:Label>\
            <memo:Recipient><memo:Name>\(name)</memo:Name><memo:Number>\(generator.next() % 1_000_000)</memo:Number>\
            </memo:Recipient></memo:MessageHeader><memo:Content>\(String(decoding: random, as: UTF8.self))\
            \(String(repeating: "JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK", count: 40))\
            </memo:Content></memo:Message>\n
            """
            result += Array(text.utf8)
        }
        return result
    }

    static func roundTrips(_ input: [UInt8], piece: Int = 10_240, dictionarySize: Int = 4 << 20) -> Bool {
        let stream = LZMAStream.encodeWithPostbatch(input, piece: piece, dictionarySize: dictionarySize)
        return LZMAStream.decode(stream) == input
    }

    @Test("the header is lzma alone: lc=3 lp=0 pb=2, the dictionary, unknown size")
    func header() {
        let stream = LZMAStream.encodeWithPostbatch([], dictionarySize: 4 << 20)
        #expect(Array(stream.prefix(13)) == [0x5D, 0x00, 0x00, 0x40, 0x00] + [UInt8](repeating: 0xFF, count: 8))
        #expect(LZMAStream.decode(stream) == [])
    }

    @Test("short inputs, runs of one byte and two-byte repeats decode to themselves")
    func smallInputs() {
        #expect(Self.roundTrips([0x41]))
        #expect(Self.roundTrips([0x41, 0x42]))
        #expect(Self.roundTrips(Array("abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc".utf8)))
        #expect(Self.roundTrips([UInt8](repeating: 0, count: 100_000)))
        #expect(Self.roundTrips([UInt8](repeating: 0xFF, count: 1_000)))
        #expect(Self.roundTrips((0..<5_000).map { UInt8(truncatingIfNeeded: $0 % 2 == 0 ? 0x61 : $0) }))
    }

    @Test("random bytes, which are all literals, decode to themselves")
    func randomBytes() {
        var generator = Generator(state: 42)
        #expect(Self.roundTrips(generator.bytes(300_000)))
    }

    @Test("matches at every distance slot, up to the dictionary, decode to themselves")
    func everyDistance() {
        var generator = Generator(state: 3)
        let block = generator.bytes(300)
        var input: [UInt8] = []
        // A block, then random filler of 2^k ± jitter bytes, then the block again: the
        // repeat is 2^k + 300 back, in slot 2k or 2k+1 (and the direct and align bits).
        for shift in 0..<22 {
            input += block
            input += generator.bytes((1 << shift) + Int(generator.next() % UInt64(1 << max(shift - 1, 0))))
            input += block
        }
        #expect(Self.roundTrips(input, piece: 65_536))
    }

    @Test("a small dictionary: the window slides, no match reaches past it")
    func slidingWindow() {
        var generator = Generator(state: 5)
        var input: [UInt8] = []
        let block = generator.bytes(3_000)
        for _ in 0..<200 {
            input += block
            input += generator.bytes(Int(generator.next() % 6_000))
        }
        #expect(Self.roundTrips(input, piece: 777, dictionarySize: 4096))
        #expect(Self.roundTrips(input, piece: 100_000, dictionarySize: 8192))
    }

    @Test("random mixtures of copies at recent and far distances, literals and runs decode to themselves")
    func randomMixtures() {
        for seed in UInt64(1)...40 {
            var generator = Generator(state: seed)
            var input = generator.bytes(Int(generator.next() % 64))
            let pieces = Int(generator.next() % 400)
            for _ in 0..<pieces {
                switch generator.next() % 4 {
                case 0:  // fresh bytes from a small alphabet, so that short matches happen
                    let alphabet = UInt8(2 + generator.next() % 30)
                    input += generator.bytes(Int(generator.next() % 40)).map { $0 % alphabet }
                case 1 where !input.isEmpty:  // a copy from one of a few recent distances
                    let reach = min(input.count, [3, 17, 250, 4_000][Int(generator.next() % 4)])
                    let distance = 1 + Int(generator.next() % UInt64(reach))
                    for _ in 0..<Int(generator.next() % 600) { input.append(input[input.count - distance]) }
                case 2 where !input.isEmpty:  // a copy from anywhere before
                    let start = Int(generator.next() % UInt64(input.count))
                    let count = min(input.count - start, Int(generator.next() % 2_000))
                    input += input[start..<start + count]
                default:  // a run
                    let byte = UInt8(truncatingIfNeeded: generator.next())
                    input += [UInt8](repeating: byte, count: Int(generator.next() % 300))
                }
            }
            let piece = 1 + Int(generator.next() % 5_000)
            #expect(Self.roundTrips(input, piece: piece, dictionarySize: 4096 << (seed % 4)),
                    "seed \(seed), \(input.count) bytes")
        }
    }

    @Test("an encoder reset after another stream writes what a new one writes")
    func resetIsNew() {
        let first = Self.envelopes(30, seed: 1)
        let second = Self.envelopes(30, seed: 2)
        func encode(_ input: [UInt8], with encoder: LZMAEncoder) -> [UInt8] {
            input.withUnsafeBytes { encoder.append($0) }
            encoder.finish()
            defer { encoder.clearOutput() }
            return Array(encoder.output)
        }
        let used = LZMAEncoder()
        _ = encode(first, with: used)
        used.reset()
        let again = encode(second, with: used)
        #expect(again == encode(second, with: LZMAEncoder()))
        #expect(LZMAStream.decode(again) == second)
    }

    @Test("the stream depends only on the bytes, not on how they were handed over")
    func independentOfPieces() {
        let input = Self.envelopes(60)
        let whole = LZMAStream.encodeWithPostbatch(input, piece: input.count)
        for piece in [1, 7, 281, 4_096, 65_536] {
            #expect(LZMAStream.encodeWithPostbatch(input, piece: piece) == whole, "pieces of \(piece)")
        }
        #expect(LZMAStream.decode(whole) == input)
    }

    @Test("envelopes that repeat a template compress as small as liblzma's preset 1, within 3 %")
    func sizeAgainstLiblzma() throws {
        let input = Self.envelopes(400)
        let ours = LZMAStream.encodeWithPostbatch(input)
        let liblzma = try #require(LZMAStream.encodeWithLiblzma(input, level: 1))
        #expect(LZMAStream.decode(ours) == input)
        #expect(Double(ours.count) <= Double(liblzma.count) * 1.03, "\(ours.count) against \(liblzma.count)")
        // The template's 2.6 KB of base64 come back as matches, not literals.
        #expect(ours.count < input.count / 20, "\(ours.count) of \(input.count)")
    }
}
