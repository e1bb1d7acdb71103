import CIBasics

/// A string in a workflow that is, or contains, `${{ }}` expressions, with the contexts its key may use.
///
/// The loader hands each site to an `ExpressionChecker`, which is where expression syntax and
/// context availability are checked (the expression language lives in its own module).
public struct ExpressionSite: Sendable, Hashable {
    /// The string as written, after YAML unquoting.
    public var text: String
    /// Where the string's YAML node starts.
    public var location: SourceLocation
    /// The byte offset of that node in the normalised YAML input, to locate positions inside it.
    public var offset: Int
    /// The contexts and functions the key may use.
    public var contexts: ContextSet
    /// Whether the string is an `if:` condition, where a bare expression without `${{ }}` is allowed.
    public var isCondition: Bool
    /// The key, for messages: `jobs.build.steps[2].run`.
    public var key: String
}

/// Checks the expressions of a workflow when it loads.
public protocol ExpressionChecker: Sendable {
    /// The diagnostics for one site: syntax errors, unknown contexts or functions, contexts not
    /// available at this key. `source` is the file, to point inside the string.
    func diagnostics(for site: ExpressionSite, in source: SourceText) -> [Diagnostic]
}

extension String {
    /// Whether the string holds a `${{ … }}` template.
    ///
    /// A byte scan; only when `${{` touches a non-ASCII character (which may combine with it) is
    /// the answer left to the character-aware search.
    public var containsExpression: Bool {
        let found: Bool? =
            utf8.withContiguousStorageIfAvailable { bytes in
                guard bytes.count >= 3 else { return false }
                var index = 0
                while index <= bytes.count - 3 {
                    if bytes[index] == 0x24 && bytes[index + 1] == 0x7B && bytes[index + 2] == 0x7B {
                        let before = index == 0 || bytes[index - 1] < 0x80
                        let after = index + 3 == bytes.count || bytes[index + 3] < 0x80
                        if before && after { return true }
                        return nil
                    }
                    index += 1
                }
                return false
            } ?? nil
        return found ?? contains("${{")
    }

    /// Whether the whole string, trimmed, is one `${{ … }}` expression.
    public var isSingleExpression: Bool {
        let trimmed = trimmingWhitespace()
        guard trimmed.hasPrefix("${{"), trimmed.hasSuffix("}}") else { return false }
        let inner = trimmed.dropFirst(3).dropLast(2)
        return !inner.contains("${{")
    }

    /// The string without leading and trailing spaces, tabs and line breaks.
    public func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
