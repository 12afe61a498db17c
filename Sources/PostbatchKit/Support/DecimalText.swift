/// Zero-padded decimal and hexadecimal text: the one home of "pad to width".
enum DecimalText {
    /// `7` at width 4 → `0007`; a number wider than `width` is left whole.
    static func padded(_ value: some BinaryInteger, width: Int, radix: Int = 10) -> String {
        let text = String(value, radix: radix)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
