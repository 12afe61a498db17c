/// A rectangle on the page, in PDF points (1/72 inch) from the top-left corner.
package struct LetterBox: Hashable, Sendable, CustomStringConvertible {
    /// Distance from the left edge of the page.
    package let x: Double
    /// Distance from the top edge of the page.
    package let y: Double
    /// Width.
    package let width: Double
    /// Height.
    package let height: Double

    /// Creates a box.
    package init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Creates a box from millimetres.
    static func mm(x: Double, y: Double, width: Double, height: Double) -> LetterBox {
        LetterBox(x: LetterPage.mm(x), y: LetterPage.mm(y), width: LetterPage.mm(width), height: LetterPage.mm(height))
    }

    /// The right edge.
    package var maxX: Double { x + width }
    /// The bottom edge.
    package var maxY: Double { y + height }

    /// Whether `other` lies wholly inside this box (a tolerance of 0.01 pt for rounding).
    package func contains(_ other: LetterBox) -> Bool {
        other.x >= x - 0.01 && other.y >= y - 0.01 && other.maxX <= maxX + 0.01 && other.maxY <= maxY + 0.01
    }

    /// The smallest box holding both.
    func union(_ other: LetterBox) -> LetterBox {
        let left = min(x, other.x), top = min(y, other.y)
        return LetterBox(x: left, y: top, width: max(maxX, other.maxX) - left, height: max(maxY, other.maxY) - top)
    }

    /// `(x, y) width×height pt`.
    package var description: String {
        "(\(x), \(y)) \(width)×\(height) pt"
    }
}

/// Where things go on an A4 letter.
///
/// The address sits in the window of a standard C5/DL window envelope: 20 mm from
/// the left edge, 45 mm from the top, 90 × 45 mm. The text keeps clear of the
/// window's edges, so it stays visible when the sheet moves in the envelope.
package enum LetterPage {
    /// Points per millimetre.
    static let pointsPerMillimetre = 72.0 / 25.4

    /// Millimetres to points.
    static func mm(_ value: Double) -> Double { value * pointsPerMillimetre }

    /// A4 width: 595.276 pt.
    package static let width = 595.276
    /// A4 height: 841.89 pt.
    package static let height = 841.89

    /// The envelope window: 20 mm from the left, 45 mm from the top, 90 × 45 mm.
    package static let window = LetterBox.mm(x: 20, y: 45, width: 90, height: 45)
    /// The small return-address line at the top of the window.
    static let returnLine = LetterBox.mm(x: 25, y: 48, width: 80, height: 4)
    /// The recipient's name, c/o and address, inside the window with 5 mm clear on the left and right.
    package static let recipientBox = LetterBox.mm(x: 25, y: 53.5, width: 80, height: 32.5)

    /// The sender block, top right.
    static let senderBox = LetterBox.mm(x: 125, y: 22, width: 65, height: 40)
    /// The date, right-aligned in the right column at the height of the window's bottom.
    static let dateBox = LetterBox.mm(x: 125, y: 82, width: 65, height: 6)

    /// Left and right edges of the body text.
    static let bodyLeft = mm(25)
    static let bodyRight = width - mm(20)
    /// Where the body starts on the first page and on the following pages.
    static let firstBodyTop = mm(97)
    static let nextBodyTop = mm(25)
    /// Where the body must end, above the footer.
    static let bodyBottom = height - mm(22)
    /// Fold marks for a DL envelope (105 and 210 mm) and the punch mark (148.5 mm), with their lengths.
    static let foldMarks: [(y: Double, length: Double)] = [(mm(105), mm(4)), (mm(148.5), mm(6)), (mm(210), mm(4))]
    /// The footer rule and text.
    static let footerRule = height - mm(17)
    static let footerTop = height - mm(15)
}
