/// Fitting input text into schema fields.
///
/// XSD `maxLength` counts characters in the XML sense, which are Unicode scalars; a Swift
/// `Character` can hold several (`e` + combining accent, a flag emoji). ``limit(_:to:)``
/// therefore counts scalars but only cuts between `Character`s, so no accent is separated
/// from its letter and no emoji is split, and the result always fits the facet.
enum FieldText {
    /// One line of text: XML-forbidden characters, tab, CR and LF become spaces, runs of
    /// spaces collapse to one, and the ends are trimmed.
    static func singleLine(_ text: String) -> String {
        CollapsedText.collapsing(text.unicodeScalars) { scalar in
            scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || !XMLText.isAllowed(scalar)
        }
    }

    /// The longest prefix of `text` of whole `Character`s with at most `maximum` scalars,
    /// trailing spaces removed.
    static func limit(_ text: String, to maximum: Int) -> String {
        if text.unicodeScalars.count <= maximum { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.unicodeScalars.count
            if used + size > maximum { break }
            result.append(character)
            used += size
        }
        while result.last == " " { result.removeLast() }
        return result
    }

    /// ``singleLine(_:)`` then ``limit(_:to:)``.
    static func field(_ text: String, maximum: Int) -> String {
        limit(singleLine(text), to: maximum)
    }

    /// The number of XML characters (Unicode scalars) in `text`.
    static func length(_ text: String) -> Int {
        text.unicodeScalars.count
    }
}
