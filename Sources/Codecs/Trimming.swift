extension StringProtocol {
    /// The text without its leading and trailing scalars for which `drop` holds (Go's `strings.TrimFunc`).
    public func trimming(where drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end && drop(scalars[start]) { start = scalars.index(after: start) }
        while end > start && drop(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }

    /// The text without its leading and trailing scalars that are in `set` (Go's `strings.Trim`).
    public func trimming(_ set: String) -> String { trimming { set.unicodeScalars.contains($0) } }
}
