/// How a letter reaches the person.
public enum Channel: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// MeMo message through Digital Post.
    case digital
    /// Paper, through fjernprint, for people exempt from Digital Post.
    case print

    public var description: String { rawValue }
}
