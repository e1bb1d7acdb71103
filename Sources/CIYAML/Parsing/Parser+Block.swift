extension Parser {
    /// Parses the node that follows an indicator (`key:`, `- ` or `---`), or that starts at the
    /// current position on a content line.
    ///
    /// - Parameters:
    ///   - parentIndent: the indentation of the collection that holds the node (-1 at the root);
    ///     content on later lines must be indented more.
    ///   - compact: whether a block collection may start on this line (true after `- ` and at a line start).
    ///   - indentless: whether a sequence at `parentIndent` itself belongs to this node (mapping values).
    ///   - inherited: properties written on an earlier line for this node.
    mutating func parseNode(parentIndent: Int, compact: Bool, indentless: Bool, inherited: Properties) throws(YAMLError) -> Node {
        if stackIsDeep() {
            return try onFreshStack { (parser: inout Parser) throws(YAMLError) -> Node in
                try parser.parseNode(parentIndent: parentIndent, compact: compact, indentless: indentless, inherited: inherited)
            }
        }
        let emptyMark = here()
        skipBlanks()
        // A compact mapping whose first key has properties (`&a key: v`) is indented where they start.
        let startColumn = pos - lineStart
        let properties = try parseProperties(flow: false)
        let atLineEnd = current == Self.newline || current == 0 || current == UInt8(ascii: "#")
        guard atLineEnd else {
            return try parseInline(
                parentIndent: parentIndent, compact: compact, startColumn: startColumn, sameLine: properties, inherited: inherited)
        }
        let merged = try merge(inherited, properties)
        try finishLine()
        let indent = try nextContentLine()
        if indent > parentIndent {
            pos = lineStart + indent
            return try parseNode(parentIndent: parentIndent, compact: true, indentless: false, inherited: merged)
        }
        let startCount = nodeCount
        beginAnchor(merged)
        var node: Node
        if indent == parentIndent, indentless, isSequenceEntry(at: lineStart + indent) {
            pos = lineStart + indent
            node = try parseBlockSequence(indent: indent)
        } else {
            node = try emptyNode(at: merged.mark ?? emptyMark)
        }
        try apply(merged, to: &node, startCount: startCount)
        return node
    }

    /// An empty plain scalar, which resolves to null.
    mutating func emptyNode(at mark: Mark) throws(YAMLError) -> Node {
        try countNodes(1, at: mark.offset)
        return Node(.scalar(Scalar("", style: .plain)), mark: mark)
    }

    /// Parses content that starts on the current line at the current position.
    ///
    /// `startColumn` is the 0-based column where the node's same-line properties start (or the
    /// content, when it has none): the indentation of a block mapping that starts here.
    mutating func parseInline(
        parentIndent: Int, compact: Bool, startColumn: Int, sameLine: Properties, inherited: Properties
    ) throws(YAMLError) -> Node {
        let byte = current
        let column = pos - lineStart
        let startCount = nodeCount
        flowMinIndent = max(parentIndent + 1, 0)
        if byte == UInt8(ascii: "-"), isBlankOrEnd(pos + 1) {
            guard compact else {
                throw syntaxError(
                    "a block sequence entry ('- ') is not allowed here; start the sequence on the next line, indented under its key")
            }
            let properties = try merge(inherited, sameLine)
            beginAnchor(properties)
            var node = try parseBlockSequence(indent: column)
            try apply(properties, to: &node, startCount: startCount)
            return node
        }
        if byte == UInt8(ascii: "?"), isBlankOrEnd(pos + 1) {
            throw YAMLError(
                .unsupported, "complex mapping keys ('? ') are not supported in workflows; write the key as a plain or quoted scalar",
                at: here())
        }
        if compact, try implicitKeyAhead() {
            beginAnchor(inherited)
            var node = try parseBlockMapping(indent: startColumn, firstKeyProperties: sameLine)
            try apply(inherited, to: &node, startCount: startCount)
            return node
        }
        let properties = try merge(inherited, sameLine)
        if byte == UInt8(ascii: "*") {
            if !properties.isEmpty {
                throw YAMLError(.syntax, "an alias cannot have an anchor or a tag", at: properties.mark ?? here())
            }
            let node = try parseAlias()
            try endInlineNode()
            return node
        }
        beginAnchor(properties)
        var node: Node
        switch byte {
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            node = try parseBlockScalar(parentIndent: parentIndent)
            try apply(properties, to: &node, startCount: startCount)
            return node
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            let mark = here()
            let (text, _) = byte == UInt8(ascii: "\"") ? try parseDoubleQuoted() : try parseSingleQuoted()
            try countNodes(1, at: mark.offset)
            node = Node(.scalar(Scalar(text, style: byte == UInt8(ascii: "\"") ? .doubleQuoted : .singleQuoted)), mark: mark)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            node = try parseFlowCollection()
        default:
            node = try parsePlainNode(parentIndent: parentIndent, flow: false)
        }
        try apply(properties, to: &node, startCount: startCount)
        try endInlineNode()
        return node
    }

    /// After a scalar, alias or flow collection in block context: the rest of its line must be empty.
    mutating func endInlineNode() throws(YAMLError) {
        skipBlanks()
        if current == UInt8(ascii: ":"), isBlankOrEnd(pos + 1) {
            throw syntaxError(
                "mapping values are not allowed in this context; if the value contains ': ', quote it, and a key must fit on one line")
        }
        try finishLine()
    }

    /// Parses a plain scalar, after checking that one may start here.
    mutating func parsePlainNode(parentIndent: Int, flow: Bool) throws(YAMLError) -> Node {
        let mark = here()
        try checkPlainStart(flow: flow)
        let text = parsePlain(parentIndent: parentIndent, flow: flow)
        try countNodes(1, at: mark.offset)
        return Node(.scalar(Scalar(text, style: .plain)), mark: mark)
    }

    /// Throws the clearest error for a character that cannot start a plain scalar.
    mutating func checkPlainStart(flow: Bool) throws(YAMLError) {
        let byte = current
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
            let next = at(pos + 1)
            if isBlankOrEnd(pos + 1) || (flow && Self.isFlowIndicator(next)) {
                throw syntaxError("unexpected \(describe(pos)) here; quote the value if it is text")
            }
        case UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "%"):
            throw syntaxError("\(describe(pos)) is reserved in YAML and cannot start a plain value; put the value in quotes")
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "{"):
            throw syntaxError("unexpected \(describe(pos)); put the value in quotes if it is text")
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            throw syntaxError("a block scalar ('\(Character(Unicode.Scalar(byte)))') is not allowed inside a flow collection")
        case UInt8(ascii: "#"), Self.newline, 0, Self.space, Self.tab:
            throw syntaxError("expected a value, but found \(describe(pos))")
        default:
            return
        }
    }

    /// Whether the current line, from the current position, is an implicit key followed by `:`.
    mutating func implicitKeyAhead() throws(YAMLError) -> Bool {
        let byte = current
        var index = pos
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            index += 1
            while index < count {
                let b = buffer[index]
                if b == Self.newline { return false }
                if byte == UInt8(ascii: "\"") && b == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if b == byte {
                    if byte == UInt8(ascii: "'") && at(index + 1) == byte {
                        index += 2
                        continue
                    }
                    break
                }
                index += 1
            }
            guard index < count else { return false }
            index += 1
            while Self.isBlank(at(index)) { index += 1 }
            return at(index) == UInt8(ascii: ":") && isBlankOrEnd(index + 1)
        case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "*"), UInt8(ascii: "|"), UInt8(ascii: ">"):
            return false
        default:
            while index < count {
                let b = buffer[index]
                if b == Self.newline { return false }
                if b == UInt8(ascii: ":") && isBlankOrEnd(index + 1) { return true }
                if b == UInt8(ascii: "#") && index > pos && Self.isBlank(buffer[index - 1]) { return false }
                index += 1
            }
            return false
        }
    }

    /// Parses a block mapping whose keys are at column `indent`, starting at its first key.
    mutating func parseBlockMapping(indent: Int, firstKeyProperties: Properties) throws(YAMLError) -> Node {
        let startMark = here()
        try enterCollection(at: pos)
        defer { depth -= 1 }
        try countNodes(1, at: pos)
        var pairs: [Pair] = []
        var seen: [String: Mark] = [:]
        var keyProperties = firstKeyProperties
        var first = true
        while true {
            if !first { keyProperties = try parseProperties(flow: false) }
            first = false
            let (key, keyMark, keyStyle) = try parseImplicitKey()
            try registerKey(key, mark: keyMark, style: keyStyle, properties: keyProperties)
            pos += 1  // ':'
            let value = try parseNode(parentIndent: indent, compact: false, indentless: true, inherited: Properties())
            if let previous = seen[key] ?? (pairs.count < 16 ? pairs.first(where: { $0.key == key })?.keyMark : nil) {
                errors.append(
                    YAMLError(
                        .duplicateKey, "duplicate key '\(key)'; it is already defined at line \(previous.line), column \(previous.column)",
                        at: keyMark))
            } else {
                pairs.append(Pair(key: key, keyMark: keyMark, keyStyle: keyStyle, value: value))
                if pairs.count >= 16 {
                    if pairs.count == 16 { for pair in pairs { seen[pair.key] = pair.keyMark } } else { seen[key] = keyMark }
                }
            }
            let next = try nextContentLine()
            if next == indent {
                pos = lineStart + indent
                if isSequenceEntry(at: pos) {
                    throw syntaxError(
                        "a sequence entry ('- ') is not allowed between the keys of a mapping; indent it under the key it belongs to")
                }
                continue
            }
            if next > indent {
                pos = lineStart + next
                throw syntaxError(
                    "this line is indented more than the keys of its mapping (column \(indent + 1)); fix its indentation")
            }
            return Node(.mapping(pairs), mark: startMark)
        }
    }

    /// Records an anchor written on a key, and checks a key's tag.
    private mutating func registerKey(_ key: String, mark: Mark, style: ScalarStyle, properties: Properties) throws(YAMLError) {
        try countNodes(1, at: mark.offset)
        guard !properties.isEmpty else { return }
        if let tag = properties.tag, tag != .str, tag != .nonSpecific {
            throw YAMLError(
                .unsupported, "mapping keys are strings in workflows; remove the tag \(tag.rawValue)", at: properties.tagMark ?? mark)
        }
        var keyNode = Node(.scalar(Scalar(key, style: style)), mark: mark, tag: properties.tag)
        try apply(Properties(anchor: properties.anchor, anchorMark: properties.anchorMark), to: &keyNode, startCount: nodeCount - 1)
    }

    /// Reads a key on one line and stops at its `:`.
    mutating func parseImplicitKey() throws(YAMLError) -> (String, Mark, ScalarStyle) {
        let keyMark = here()
        let key: String
        let style: ScalarStyle
        switch current {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            let double = current == UInt8(ascii: "\"")
            flowMinIndent = 0  // a key on more than one line gets the error below, whatever its indentation
            let (text, multiline) = double ? try parseDoubleQuoted() : try parseSingleQuoted()
            if multiline { throw YAMLError(.syntax, "a mapping key must fit on one line", at: keyMark) }
            key = text
            style = double ? .doubleQuoted : .singleQuoted
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            throw YAMLError(.unsupported, "a flow collection cannot be a mapping key in workflows; keys are strings", at: keyMark)
        case UInt8(ascii: "*"):
            throw YAMLError(.unsupported, "an alias cannot be a mapping key in workflows; write the key out", at: keyMark)
        case UInt8(ascii: "?") where isBlankOrEnd(pos + 1):
            throw YAMLError(
                .unsupported, "complex mapping keys ('? ') are not supported in workflows; write the key as a plain or quoted scalar",
                at: keyMark)
        case UInt8(ascii: "-") where isBlankOrEnd(pos + 1):
            throw syntaxError(
                "a sequence entry ('- ') is not allowed between the keys of a mapping; indent it under the key it belongs to")
        case UInt8(ascii: ":") where isBlankOrEnd(pos + 1):
            throw YAMLError(.unsupported, Self.emptyKeyMessage, at: keyMark)
        default:
            guard try implicitKeyAhead() else {
                throw syntaxError("expected a 'key: value' line here, but found no ': ' on this line")
            }
            try checkPlainStart(flow: false)
            let start = pos
            while !(buffer[pos] == UInt8(ascii: ":") && isBlankOrEnd(pos + 1)) { pos += 1 }
            var end = pos
            while end > start, Self.isBlank(buffer[end - 1]) { end -= 1 }
            key = text(start..<end)
            style = .plain
        }
        skipBlanks()
        guard current == UInt8(ascii: ":"), isBlankOrEnd(pos + 1) else {
            throw syntaxError("expected ': ' after the key '\(key)', but found \(describe(pos))")
        }
        return (key, keyMark, style)
    }

    /// `: value` with no key, or only an anchor or tag before the ':' (valid YAML, a null key).
    static let emptyKeyMessage = "a mapping key is empty; YAML allows that, but it is not supported in workflows: write a key before ':'"

    /// Parses a block sequence whose `- ` entries are at column `indent`, starting at its first entry.
    mutating func parseBlockSequence(indent: Int) throws(YAMLError) -> Node {
        let startMark = here()
        try enterCollection(at: pos)
        defer { depth -= 1 }
        try countNodes(1, at: pos)
        var items: [Node] = []
        while true {
            pos += 1  // '-'
            items.append(try parseNode(parentIndent: indent, compact: true, indentless: false, inherited: Properties()))
            let next = try nextContentLine()
            if next == indent, isSequenceEntry(at: lineStart + indent) {
                pos = lineStart + indent
                continue
            }
            if next > indent {
                pos = lineStart + next
                throw syntaxError("this line is indented more than the entries of its sequence (column \(indent + 1)); fix its indentation")
            }
            return Node(.sequence(items), mark: startMark)
        }
    }
}
