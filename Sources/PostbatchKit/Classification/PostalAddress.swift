/// A postal address as read from the input, for paper letters.
public struct PostalAddress: Hashable, Sendable {
    /// Street, number, floor and door on one line.
    public let street: String
    /// The postal code as given: 4 digits in DK and GL, 3 in FO, free elsewhere.
    public let postalCode: String
    /// The town or postal district.
    public let city: String
    /// ISO 3166 alpha-2, upper case: `DK`, `GL`, `FO`, `DE`.
    public let countryCode: String

    /// An address as the input gives it, trimmed.
    public init(street: String, postalCode: String, city: String, countryCode: String) {
        self.street = street
        self.postalCode = postalCode
        self.city = city
        self.countryCode = countryCode
    }
}
