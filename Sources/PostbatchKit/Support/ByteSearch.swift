/// Finding the UTF-8 of a short text in bytes: keywords in a PDF, markers in written XML.
enum ByteSearch {
    /// The start of the last occurrence of `text`'s UTF-8 in `bytes`.
    static func lastIndex(of text: String, in bytes: ArraySlice<UInt8>) -> Int? {
        let needle = Array(text.utf8)
        guard let first = needle.first, bytes.count >= needle.count else { return nil }
        var index = bytes.endIndex - needle.count
        while index >= bytes.startIndex {
            if bytes[index] == first && bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index -= 1
        }
        return nil
    }

    static func lastIndex(of text: String, in bytes: [UInt8]) -> Int? {
        lastIndex(of: text, in: bytes[...])
    }

    /// The start of the first occurrence of `text`'s UTF-8 in `bytes` at or after `from`.
    static func firstIndex(of text: String, in bytes: [UInt8], from: Int) -> Int? {
        let needle = Array(text.utf8)
        guard let first = needle.first, bytes.count >= needle.count else { return nil }
        var index = from
        while index <= bytes.count - needle.count {
            if bytes[index] == first && bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
