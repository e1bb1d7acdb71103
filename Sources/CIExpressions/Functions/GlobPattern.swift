import CIBasics

/// A path pattern as `hashFiles` (and `@actions/glob`) reads it: `*` and `?` within a path
/// segment, `[abc]` character classes, `**` for any number of segments, a leading `!` to exclude.
///
/// A pattern that matches a directory also matches everything under it.
public struct GlobPattern: Sendable, Hashable {
    /// Whether the pattern excludes (`!pattern`).
    public var isNegated: Bool
    /// The segments of the pattern, relative to the root.
    public var segments: [String]

    /// Why a pattern cannot be used.
    public struct Problem: Error, Sendable, Hashable {
        /// What is wrong.
        public var message: String
    }

    /// Reads a pattern relative to `root` (an absolute path without a trailing `/`).
    public init(_ text: String, root: String) throws(Problem) {
        var pattern = text.trimming(charactersIn: " \t")
        isNegated = pattern.hasPrefix("!")
        if isNegated { pattern.removeFirst() }
        if pattern.hasPrefix("/") {
            guard pattern == root || pattern.hasPrefix(root + "/") else {
                throw Problem(
                    message: "the pattern '\(text)' is outside the workspace '\(root)'; hashFiles only hashes files in the workspace")
            }
            pattern = String(pattern.dropFirst(root.count))
        }
        var segments: [String] = []
        for segment in pattern.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..":
                guard !segments.isEmpty, segments.last != "**" else {
                    throw Problem(
                        message: "the pattern '\(text)' leads outside the workspace; hashFiles only hashes files in the workspace")
                }
                segments.removeLast()
            default: segments.append(String(segment))
            }
        }
        guard !segments.isEmpty else {
            throw Problem(message: "the pattern '\(text)' names the workspace itself; name files in it, such as '**/package-lock.json'")
        }
        self.segments = segments
    }

    /// Whether the path (segments relative to the root) matches the pattern, or lies under a
    /// directory the pattern matches.
    public func matches(_ path: [Substring]) -> Bool {
        Self.match(segments[...], path[...], allowDescendants: true)
    }

    private static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<Substring>, allowDescendants: Bool) -> Bool {
        guard let first = pattern.first else { return path.isEmpty || allowDescendants }
        if first == "**" {
            let rest = pattern.dropFirst()
            var remaining = path
            while true {
                if match(rest, remaining, allowDescendants: allowDescendants) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let segment = path.first, segmentMatches(Array(first.unicodeScalars)[...], Array(segment.unicodeScalars)[...]) else {
            return false
        }
        return match(pattern.dropFirst(), path.dropFirst(), allowDescendants: allowDescendants)
    }

    /// `*`, `?` and `[...]` within one segment. A leading `.` is matched by wildcards too, as
    /// `@actions/glob` does with `dot: true`.
    static func segmentMatches(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let p = pattern.first else { return name.isEmpty }
        switch p {
        case "*":
            var rest = name
            while true {
                if segmentMatches(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        case "?":
            return !name.isEmpty && segmentMatches(pattern.dropFirst(), name.dropFirst())
        case "[":
            guard let c = name.first, let close = pattern.dropFirst().firstIndex(of: "]"), close > pattern.startIndex + 1 else {
                return name.first == "[" && segmentMatches(pattern.dropFirst(), name.dropFirst())
            }
            var set = pattern[(pattern.startIndex + 1)..<close]
            let negate = set.first == "!" || set.first == "^"
            if negate { set = set.dropFirst() }
            var found = false
            var index = set.startIndex
            while index < set.endIndex {
                if index + 2 < set.endIndex, set[index + 1] == "-" {
                    if set[index].value <= c.value && c.value <= set[index + 2].value { found = true }
                    index += 3
                } else {
                    if set[index] == c { found = true }
                    index += 1
                }
            }
            return found != negate && segmentMatches(pattern[(close + 1)...], name.dropFirst())
        default:
            return name.first == p && segmentMatches(pattern.dropFirst(), name.dropFirst())
        }
    }
}
