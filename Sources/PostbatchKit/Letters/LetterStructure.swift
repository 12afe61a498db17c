/// The logical structure of a letter, for tagged PDF (ISO 32000-1, 14.8): what a screen
/// reader reads, in the order it reads it.
///
/// The drawing code (``LetterRenderer``) opens and closes tags on its ``LetterCanvas``
/// around what it draws: the recipient block, the date block and the sender block as
/// paragraphs, the title as `H1`, section headings as `H2`, paragraphs as `P`, bullet lists
/// as `L` of `LI` (each a `Lbl` bullet and an `LBody`). Fold marks, the footer, page
/// numbers, the return address in the window and the logo are artifacts: drawn, not read.
/// cairo turns the tags into a structure tree itself; the fast path builds the same tree
/// with ``LetterStructure``.
enum StructureTag: String, Sendable {
    case document = "Document"
    case title = "H1"
    case heading = "H2"
    case paragraph = "P"
    case list = "L"
    case listItem = "LI"
    case label = "Lbl"
    case listBody = "LBody"
    /// Not part of the structure: marked `/Artifact` in the content stream.
    case artifact = "Artifact"

    /// A small number of its own, for hashing.
    var index: Int {
        switch self {
        case .document: 0
        case .title: 1
        case .heading: 2
        case .paragraph: 3
        case .list: 4
        case .listItem: 5
        case .label: 6
        case .listBody: 7
        case .artifact: 8
        }
    }

    /// Whether the tag holds content itself (a marked-content sequence), not other elements.
    var holdsContent: Bool {
        switch self {
        case .document, .list, .listItem: false
        default: true
        }
    }
}

/// One tag opened or closed while drawing, at a place in the recorded glyphs.
struct StructureMark: Hashable, Sendable {
    let tag: StructureTag
    let opens: Bool
    /// The number of glyphs recorded before the mark.
    let glyph: Int
}

/// A structure tree built from marks: elements, their marked-content ids, and the PDF objects.
///
/// Marked-content ids (MCIDs) are numbered in content order on each page (``nextPage()``
/// starts the next one); every element that holds content gets one id on its page.
struct LetterStructure: Hashable, Sendable {
    /// One structure element: its tag, and its kids (other elements, or one MCID).
    struct Element: Hashable, Sendable {
        let tag: StructureTag
        var kids: [Int] = []
        var mcid: Int?
        var parent: Int?
        var page = 0
    }

    /// The elements; 0 is the `Document`.
    private(set) var elements: [Element] = [Element(tag: .document)]
    /// The element that owns each MCID, per page.
    private(set) var owners: [[Int]] = [[]]
    private var open: [Int] = [0]
    /// The elements' tags, parents and pages folded in the order they were opened: equal
    /// elements give equal fingerprints, so it stands for them in ``hash(into:)``. A letter's
    /// structure is a dictionary key (``PagePieces/ObjectsKey``), and hashing every element
    /// of it for each letter cost about 2 % of a personal letter.
    private var fingerprint: UInt64 = 0

    /// Opens an element under the innermost open one; returns its MCID if it holds content.
    mutating func begin(_ tag: StructureTag) -> Int? {
        guard tag != .artifact else { return nil }
        let index = elements.count
        let page = owners.count - 1
        var element = Element(tag: tag, parent: open.last, page: page)
        if tag.holdsContent {
            element.mcid = owners[page].count
            owners[page].append(index)
        }
        elements.append(element)
        fold(UInt64(tag.index))
        fold(UInt64(bitPattern: Int64(open.last ?? -1)))
        fold(UInt64(page))
        elements[open.last ?? 0].kids.append(index)
        open.append(index)
        return element.mcid
    }

    /// Closes the innermost open element.
    mutating func end(_ tag: StructureTag) {
        guard tag != .artifact, open.count > 1 else { return }
        open.removeLast()
    }

    /// Folds one value into ``fingerprint`` (FNV-1a's step, a field at a time).
    private mutating func fold(_ value: UInt64) {
        fingerprint = (fingerprint ^ value) &* 0x100_0000_01B3
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(fingerprint)
        hasher.combine(elements.count)
        hasher.combine(owners.count)
    }

    /// The MCID the next element that holds content gets on the current page.
    var nextMCID: Int { owners[owners.count - 1].count }

    /// Starts the next page: the elements opened from now on are on it, their MCIDs from 0.
    mutating func nextPage() {
        owners.append([])
    }

    /// The structure tree's objects, numbered from `first`: the root, the parent tree, then
    /// one object per element.
    ///
    /// - Parameters:
    ///   - first: the number of the StructTreeRoot object.
    ///   - page: the object number of the page all content is on.
    func objects(first: Int, page: Int) -> [(Int, [UInt8])] {
        objects(first: first, pages: [page])
    }

    /// The structure tree's objects for content on several pages: page `n`'s
    /// `/StructParents` is `n`.
    ///
    /// - Parameters:
    ///   - first: the number of the StructTreeRoot object.
    ///   - pages: the object number of each page, in order.
    func objects(first: Int, pages: [Int]) -> [(Int, [UInt8])] {
        // Written byte by byte: a letter written whole makes its own tree.
        let root = first
        func number(_ element: Int) -> Int { first + 2 + element }
        var objects: [(Int, [UInt8])] = []
        objects.reserveCapacity(elements.count + 2)
        Self.object(root, into: &objects) { out in
            FastPDF.append("<< /Type /StructTreeRoot /K ", to: &out)
            Self.reference(number(0), to: &out)
            FastPDF.append(" /ParentTree ", to: &out)
            Self.reference(first + 1, to: &out)
            FastPDF.append(" /ParentTreeNextKey ", to: &out)
            FastPDF.appendInteger(pages.count, to: &out)
            FastPDF.append(" >>", to: &out)
        }
        Self.object(first + 1, into: &objects) { out in
            FastPDF.append("<< /Nums [", to: &out)
            for (page, owners) in owners.prefix(pages.count).enumerated() {
                if page > 0 { out.append(0x20) }
                FastPDF.appendInteger(page, to: &out)
                FastPDF.append(" [", to: &out)
                for (index, owner) in owners.enumerated() {
                    if index > 0 { out.append(0x20) }
                    Self.reference(number(owner), to: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
            FastPDF.append("] >>", to: &out)
        }
        for (index, element) in elements.enumerated() {
            Self.object(number(index), into: &objects) { out in
                FastPDF.append("<< /Type /StructElem /S /\(element.tag.rawValue) /P ", to: &out)
                Self.reference(element.parent.map(number) ?? root, to: &out)
                FastPDF.append(" /Pg ", to: &out)
                Self.reference(pages[min(element.page, pages.count - 1)], to: &out)
                FastPDF.append(" /K ", to: &out)
                if let mcid = element.mcid {
                    FastPDF.appendInteger(mcid, to: &out)
                } else {
                    out.append(UInt8(ascii: "["))
                    for (position, kid) in element.kids.enumerated() {
                        if position > 0 { out.append(0x20) }
                        Self.reference(number(kid), to: &out)
                    }
                    out.append(UInt8(ascii: "]"))
                }
                FastPDF.append(" >>", to: &out)
            }
        }
        return objects
    }

    /// Appends object `number`: `n 0 obj`, the body `write` appends, `endobj`.
    private static func object(_ number: Int, into objects: inout [(Int, [UInt8])], _ write: (inout [UInt8]) -> Void) {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        FastPDF.appendInteger(number, to: &out)
        FastPDF.append(" 0 obj\n", to: &out)
        write(&out)
        FastPDF.append("\nendobj\n", to: &out)
        objects.append((number, out))
    }

    /// Appends an indirect reference `n 0 R`.
    private static func reference(_ number: Int, to out: inout [UInt8]) {
        FastPDF.appendInteger(number, to: &out)
        FastPDF.append(" 0 R", to: &out)
    }

    /// The catalog entries of a tagged letter: its language, its title shown, and (unless
    /// the catalog has it already) that it is marked.
    static func catalogEntries(language: Language, marked: Bool = true) -> String {
        (marked ? "/MarkInfo << /Marked true >> " : "")
            + "/Lang (\(language.rawValue)) /ViewerPreferences << /DisplayDocTitle true >> "
    }
}
