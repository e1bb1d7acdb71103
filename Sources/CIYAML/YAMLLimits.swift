/// Bounds on what the parser accepts, so hostile input fails fast instead of exhausting memory or stack.
public struct YAMLLimits: Sendable, Hashable {
    /// The largest input, in bytes.
    public var maxInputBytes: Int
    /// The deepest nesting of collections.
    public var maxDepth: Int
    /// The most nodes the document may hold once aliases are expanded ("billion laughs" stops here).
    public var maxNodes: Int

    /// Creates limits.
    public init(maxInputBytes: Int = 10 * 1024 * 1024, maxDepth: Int = 256, maxNodes: Int = 1_000_000) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    /// 10 MiB, depth 256, one million nodes.
    public static let `default` = YAMLLimits()
}
