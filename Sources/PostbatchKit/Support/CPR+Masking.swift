extension CPR {
    /// `text` with every CPR-shaped number in it masked: ten digits in a row, or six, a
    /// hyphen and four, not part of a longer run of digits, become `DDMMYY-XXXX`.
    ///
    /// For any field shown outside an envelope (previews): a CPR number typed into a name
    /// or an address (`Ole 0101601234 Olsen`) is as personal as the one in the CPR column.
    package static func maskingNumbers(in text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 10 else { return text }
        func isDigit(_ index: Int) -> Bool {
            index >= 0 && index < scalars.count && ("0"..."9").contains(scalars[index])
        }
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let startsNumber = isDigit(index) && !isDigit(index - 1)
            if startsNumber, (0..<6).allSatisfy({ isDigit(index + $0) }) {
                let hyphen = index + 6 < scalars.count && scalars[index + 6] == "-"
                let rest = hyphen ? index + 7 : index + 6
                if (0..<4).allSatisfy({ isDigit(rest + $0) }), !isDigit(rest + 4) {
                    out.append(contentsOf: scalars[index..<index + 6])
                    out.append(contentsOf: "-XXXX".unicodeScalars)
                    index = rest + 4
                    continue
                }
            }
            out.append(scalars[index])
            index += 1
        }
        return String(out)
    }
}
