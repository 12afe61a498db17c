/// The HTML report's pieces that are made in code: escaping, numbers and bars. The page
/// itself is the template's (``ReportTemplate``).
enum HTMLPage {
    /// A number with its key, readable by programs: `<data data-key=… data-value=…>`.
    static func number(key: String, value: Int, class name: String, separator: Character = ",") -> String {
        "<data class=\"\(name)\" data-key=\"\(Self.escape(key))\" data-value=\"\(value)\" value=\"\(value)\">"
            + "\(Self.grouped(value, separator: separator))</data>"
    }

    /// Text made safe for HTML content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// `1234567` → `1,234,567`, as the table format writes it (`1.234.567` in Danish).
    static func grouped(_ value: Int, separator: Character = ",") -> String {
        let digits = Array(String(value.magnitude))
        var out = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(separator) }
            out.append(digit)
        }
        return out
    }

    /// `41.2 %` (`41,2 %` in Danish), or an empty string when the whole is zero.
    static func share(_ part: Int, of whole: Int, decimal: Character = ".") -> String {
        guard whole > 0 else { return "" }
        let tenths = (part * 1000 + whole / 2) / whole
        return "\(tenths / 10)\(decimal)\(tenths % 10)\u{00A0}%"
    }

    /// A horizontal bar of stacked segments as inline SVG, `scale` filling the width.
    static func bar(_ segments: [(class: String, value: Int)], scale: Int, label: String) -> String {
        let width = 1000
        var svg = "<svg class=\"bar\" viewBox=\"0 0 \(width) 24\" preserveAspectRatio=\"none\" role=\"img\" "
            + "aria-label=\"\(escape(label))\"><title>\(escape(label))</title>"
            + "<rect class=\"track\" x=\"0\" y=\"0\" width=\"\(width)\" height=\"24\"/>"
        var x = 0
        for (name, value) in segments where value > 0 && scale > 0 {
            let length = max(2, value * width / scale)
            svg += "<rect class=\"\(escape(name))\" x=\"\(x)\" y=\"0\" width=\"\(min(length, width - x))\" height=\"24\"/>"
            x += length
        }
        return svg + "</svg>"
    }
}
