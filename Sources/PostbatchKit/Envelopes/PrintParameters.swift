/// How a paper letter is printed and posted: the fjernprint `PrintParametre` and
/// `PostParametre`.
///
/// ``standard`` is what the reference examples show: one-sided, black and white, a C5
/// window envelope, B-post (`Economique`) within Denmark and A-post (`Prioritaire`) to
/// Greenland, the Faroe Islands and abroad.
public struct PrintParameters: Hashable, Sendable {
    /// One- or two-sided printing (`SimplexDuplexKode`).
    public enum Sides: String, Hashable, Sendable {
        /// One-sided.
        case simplex = "Simplex"
        /// Two-sided.
        case duplex = "Duplex"
    }

    /// Black and white or colour (`FarveSHKode`).
    public enum Colour: String, Hashable, Sendable {
        /// Black and white (`SH`, sort/hvid).
        case blackAndWhite = "SH"
        /// Colour.
        case colour = "Farve"
    }

    /// The envelope (`KuvertTypeKode`).
    public enum EnvelopeSize: String, Hashable, Sendable {
        /// C4, A4 unfolded.
        case c4 = "C4"
        /// C5, A4 folded once, with an address window.
        case c5 = "C5"
        /// The supplier's machine envelope.
        case ma = "MA"
    }

    /// The postal service (`PostKategoriKode`).
    public enum PostCategory: String, Hashable, Sendable {
        /// A-post.
        case prioritaire = "Prioritaire"
        /// B-post.
        case economique = "Economique"
        /// Bulk mail.
        case bulk = "Bulk"
    }

    /// One- or two-sided.
    public let sides: Sides
    /// Black and white or colour.
    public let colour: Colour
    /// The envelope.
    public let envelope: EnvelopeSize
    /// The postal service for addresses in Denmark (`DK`).
    public let domesticCategory: PostCategory
    /// The postal service for every other country, Greenland and the Faroe Islands included.
    public let abroadCategory: PostCategory

    /// Print and post parameters.
    public init(sides: Sides, colour: Colour, envelope: EnvelopeSize,
                domesticCategory: PostCategory, abroadCategory: PostCategory) {
        self.sides = sides
        self.colour = colour
        self.envelope = envelope
        self.domesticCategory = domesticCategory
        self.abroadCategory = abroadCategory
    }

    /// Simplex, black and white, C5, `Economique` in Denmark, `Prioritaire` elsewhere.
    public static let standard = PrintParameters(sides: .simplex, colour: .blackAndWhite, envelope: .c5,
                                                 domesticCategory: .economique, abroadCategory: .prioritaire)

    /// The post category for an ISO 3166 alpha-2 country code.
    func category(forCountry code: String) -> PostCategory {
        code.uppercased() == "DK" ? domesticCategory : abroadCategory
    }
}
