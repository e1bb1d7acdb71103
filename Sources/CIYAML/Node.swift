/// A YAML node: a scalar, a sequence or a mapping, with the place it starts.
///
/// Aliases are expanded while parsing, so a node reached through `*name` is a copy of the
/// anchored node (the copy's own mark is the alias's position; its children keep theirs).
public struct Node: Sendable {
    /// The node's content.
    public enum Value: Sendable {
        /// A scalar: its text and how it was written.
        case scalar(Scalar)
        /// A sequence of nodes.
        case sequence([Node])
        /// A mapping, in the order its keys were written. Keys are unique strings.
        case mapping([Pair])
    }

    /// The content.
    public var value: Value
    /// Where the node starts.
    public var mark: Mark
    /// The explicit tag, if one was written.
    public var tag: Tag?

    /// Creates a node.
    public init(_ value: Value, mark: Mark, tag: Tag? = nil) {
        self.value = value
        self.mark = mark
        self.tag = tag
    }

    /// The scalar, if this node is one.
    public var scalar: Scalar? {
        if case .scalar(let scalar) = value { return scalar }
        return nil
    }

    /// The items, if this node is a sequence.
    public var sequence: [Node]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    /// The pairs, if this node is a mapping.
    public var mapping: [Pair]? {
        if case .mapping(let pairs) = value { return pairs }
        return nil
    }

    /// The value of the pair whose key is `key`, if this node is a mapping that has it.
    public subscript(key: String) -> Node? {
        mapping?.first { $0.key == key }?.value
    }

    /// The scalar's value under the core schema, honouring an explicit tag; nil for collections.
    public var resolved: ScalarValue? {
        guard let scalar else { return nil }
        return scalar.resolved(tag: tag)
    }

    /// Whether this node is a scalar that resolves to null (an empty value, `~` or `null`).
    public var isNull: Bool { resolved == .null }

    /// The kind of node in words, for messages: "a string", "a mapping", "a sequence", "null", …
    public var kindDescription: String {
        switch value {
        case .sequence: return "a sequence"
        case .mapping: return "a mapping"
        case .scalar:
            switch resolved {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a number"
            case .string, nil: return "a string"
            }
        }
    }
}

/// A mapping entry: a string key, where the key was written, and the value.
public struct Pair: Sendable {
    /// The key's string value.
    public var key: String
    /// Where the key starts.
    public var keyMark: Mark
    /// How the key was written.
    public var keyStyle: ScalarStyle
    /// The value.
    public var value: Node

    /// Creates a pair.
    public init(key: String, keyMark: Mark, keyStyle: ScalarStyle = .plain, value: Node) {
        self.key = key
        self.keyMark = keyMark
        self.keyStyle = keyStyle
        self.value = value
    }
}

/// A scalar's text and style.
public struct Scalar: Sendable, Hashable {
    /// The scalar's content after escapes, folding and chomping.
    public var text: String
    /// How it was written.
    public var style: ScalarStyle

    /// Creates a scalar.
    public init(_ text: String, style: ScalarStyle = .plain) {
        self.text = text
        self.style = style
    }

    /// The scalar's value: plain scalars by the core schema, others as strings, unless `tag` says otherwise.
    public func resolved(tag: Tag?) -> ScalarValue {
        switch tag {
        case nil: return style == .plain ? CoreSchema.resolve(plain: text) : .string(text)
        case .str?, .nonSpecific?, .map?, .seq?: return .string(text)
        case .null?: return .null
        case .bool?, .int?, .float?:
            // The parser has checked that the text fits the tag.
            let value = CoreSchema.resolve(plain: text)
            // `!!float -0` is -0.0: read the text itself, which keeps the sign of zero.
            if tag == .float, case .int(let integer) = value { return .float(Double(text) ?? Double(integer)) }
            return value
        }
    }
}
