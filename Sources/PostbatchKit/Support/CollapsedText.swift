/// Text with runs of some characters folded into single spaces.
enum CollapsedText {
    /// The scalars with each run of those `isSpace` accepts replaced by one space, and
    /// none at either end.
    static func collapsing(_ text: some Sequence<Unicode.Scalar>, isSpace: (Unicode.Scalar) -> Bool) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text {
            if isSpace(scalar) {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
