extension StringProtocol {
    /// The text without the leading and trailing characters that are in `set` (such as `" \t"`),
    /// without Foundation.
    public func trimming(charactersIn set: String) -> String {
        let characters = Set(set)
        guard let start = firstIndex(where: { !characters.contains($0) }), let end = lastIndex(where: { !characters.contains($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
