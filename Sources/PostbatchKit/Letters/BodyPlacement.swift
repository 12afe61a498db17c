/// One line of a laid-out body block, in points from the layout's top.
struct BodyLineMetrics: Hashable, Sendable {
    let top: Double
    let height: Double
    let baseline: Double
}

/// Where the lines of a letter's body go: the page and baseline of every line.
///
/// The one placement of both renderers: ``LetterRenderer`` places pango layouts with
/// it, and the fast path places the same blocks from their measured lines, so page
/// breaks and positions are the same by construction. A heading moves to the next
/// page with the first lines of what follows it; a paragraph may break between lines.
struct BodyPlacement: Sendable {
    /// One line of a block on a page.
    struct Line: Hashable, Sendable {
        /// The block's index in the body.
        let block: Int
        /// The line's index in its block.
        let line: Int
        let page: Int
        /// The left end of the line's baseline.
        let x: Double
        let baseline: Double
        /// Where the block's lines on this page are measured from: with the block's line
        /// metrics it gives every baseline of the block on the page.
        let top: Double
    }

    /// The bullet before a bullet item's first line.
    struct Bullet: Hashable, Sendable {
        let block: Int
        let page: Int
        let x: Double
        let baseline: Double
    }

    /// How far a bullet item's text is indented.
    static let bulletIndent = LetterPage.mm(5)

    private(set) var lines: [Line] = []
    private(set) var bullets: [Bullet] = []
    private(set) var pageCount = 1

    /// Places the blocks whose lines measure `metrics` (one array per block, in order).
    init(blocks: [LetterBlock], metrics: [[BodyLineMetrics]]) {
        var page = 0
        var y = LetterPage.firstBodyTop
        var previous: LetterBlock?
        for (index, block) in blocks.enumerated() {
            let lines = metrics[index]
            guard !lines.isEmpty else { continue }
            y += Self.spaceBefore(block, after: previous)
            // Keep a heading with the first two lines of the next block, and a block's first two lines together.
            var needed = (lines.prefix(2).last.map { $0.top + $0.height } ?? 0)
            if block.isHeading, index + 1 < blocks.count, let next = metrics[index + 1].prefix(2).last {
                needed = (lines.last.map { $0.top + $0.height } ?? 0) + 11 + next.top + next.height
            }
            if y + needed > LetterPage.bodyBottom && y > LetterPage.nextBodyTop {
                page += 1
                y = LetterPage.nextBodyTop
            }
            let x = LetterPage.bodyLeft + (block.isBullet ? Self.bulletIndent : 0)
            var top = y
            var offset = lines[0].top
            for (number, line) in lines.enumerated() {
                if top + (line.top - offset) + line.height > LetterPage.bodyBottom && number > 0 {
                    page += 1
                    top = LetterPage.nextBodyTop
                    offset = line.top
                }
                let baseline = top + (line.baseline - offset)
                if number == 0 && block.isBullet {
                    bullets.append(Bullet(block: index, page: page, x: LetterPage.bodyLeft + LetterPage.mm(1),
                                          baseline: baseline))
                }
                self.lines.append(Line(block: index, line: number, page: page, x: x, baseline: baseline, top: top))
                y = top + (line.top - offset) + line.height
            }
            previous = block
        }
        pageCount = page + 1
    }

    /// Space above a block, by kind and by the block before it.
    static func spaceBefore(_ block: LetterBlock, after previous: LetterBlock?) -> Double {
        guard let previous else { return 0 }
        switch (block, previous) {
        case (.heading, _): return 11
        case (.bullet, .bullet): return 3
        case (.bullet, _): return 4
        case (_, .title): return 10
        case (_, .heading): return 6
        default: return 8
        }
    }
}

extension BodyPlacement {
    /// One step of drawing a page's body: a structure tag opened or closed, a bullet, a line.
    enum Step {
        case begin(StructureTag)
        case end(StructureTag)
        case bullet(Bullet)
        case line(Line)
    }

    /// The steps of drawing page `page`'s body, in order: each block inside its structure
    /// tags (`H1`, `H2`, `P`, or `LI` with `Lbl` and `LBody` in an `L`), a bullet before its
    /// item's first line. Both renderers draw by it, so their tags are the same.
    func walk(page: Int, blocks: [LetterBlock], _ visit: (Step) -> Void) {
        var current: Int?
        for line in lines where line.page == page {
            if line.block != current {
                if let current { close(blocks, current, last: false, visit) }
                open(blocks, line.block, pageStart: current == nil, visit)
                current = line.block
                if line.line == 0, let bullet = bullets.first(where: { $0.block == line.block && $0.page == page }) {
                    visit(.begin(.label))
                    visit(.bullet(bullet))
                    visit(.end(.label))
                }
                if blocks[line.block].isBullet { visit(.begin(.listBody)) }
            }
            visit(.line(line))
        }
        if let current { close(blocks, current, last: true, visit) }
    }

    /// Opens a block's tags: `H1`, `H2`, `P`, or `LI` (in an `L` that starts here).
    private func open(_ blocks: [LetterBlock], _ index: Int, pageStart: Bool, _ visit: (Step) -> Void) {
        if blocks[index].isBullet && (pageStart || index == 0 || !blocks[index - 1].isBullet) {
            visit(.begin(.list))
        }
        visit(.begin(blocks[index].structureTag))
    }

    /// Closes a block's tags, and its list when the next block is not an item of it or the page ends.
    private func close(_ blocks: [LetterBlock], _ index: Int, last: Bool, _ visit: (Step) -> Void) {
        let bullet = blocks[index].isBullet
        if bullet { visit(.end(.listBody)) }
        visit(.end(blocks[index].structureTag))
        if bullet && (last || index + 1 >= blocks.count || !blocks[index + 1].isBullet) { visit(.end(.list)) }
    }
}

extension LetterBlock {
    /// A title or section heading.
    var isHeading: Bool {
        switch self {
        case .title, .heading: true
        default: false
        }
    }

    /// A bullet item.
    var isBullet: Bool {
        if case .bullet = self { true } else { false }
    }
}
