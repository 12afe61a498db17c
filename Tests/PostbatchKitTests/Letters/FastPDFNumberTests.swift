import Testing
@testable import PostbatchKit

/// Numbers as the fast path writes them into content streams.
struct FastPDFNumberTests {
    @Test("rounding halves away from zero is libm's round, for offsets, halves and large values")
    func roundedHalfAway() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                                1e15 + 0.5, -(1e15 + 0.5), 0x1p52, -0x1p52, 0x1p53 + 2, 1e300, -1e300,
                                .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        values += (0..<10_000).map { _ in Double.random(in: -5_000...5_000, using: &generator) }
        values += (-4_000...4_000).map { Double($0) / 2 }
        for value in values {
            let expected = value.rounded()
            let found = FastPDF.roundedHalfAway(value)
            #expect(found == expected, "\(value)")
        }
        #expect(FastPDF.roundedHalfAway(.nan).isNaN)
    }

    @Test("numbers are written with at most three decimals, without trailing zeros")
    func numbers() {
        for (value, text) in [(0.0, "0"), (1.5, "1.5"), (-2.25, "-2.25"), (595.2756, "595.276"), (0.0004, "0"),
                              (-0.0005, "-0.001"), (841.89, "841.89"), (12.0, "12")] {
            var out: [UInt8] = []
            FastPDF.append(value, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == text, "\(value)")
        }
    }
}
