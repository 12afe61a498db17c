/// The language a letter is written in.
public enum Language: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case da
    case en

    public var description: String { rawValue }
}
