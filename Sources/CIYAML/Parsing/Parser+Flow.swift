extension Parser {
    /// Skips blanks, line breaks and comments inside a flow collection.
    mutating func skipFlowSpace() throws(YAMLError) {
        while pos < count {
            let byte = buffer[pos]
            if Self.isBlank(byte) {
                pos += 1
            } else if byte == Self.newline {
                consumeLineBreak()
                if isDocumentMarker(at: pos) {
                    throw syntaxError("a document marker appears inside a flow collection; close the collection before it")
                }
                try checkFlowLineIndent()
            } else if byte == UInt8(ascii: "#") {
                if pos > lineStart, !Self.isBlank(buffer[pos - 1]) {
                    throw syntaxError("a comment needs a space before '#'")
                }
                skipToLineEnd()
            } else {
                return
            }
        }
    }

    /// At the start of a line inside a flow collection: the line must be indented more than the block
    /// collection that holds the flow collection (YAML 1.2's `s-flow-line-prefix`). Blank and comment
    /// lines may have any indentation, and the outermost collection's closing `]` or `}` may sit at the
    /// holder's own indentation, as GitHub's parser allows.
    mutating func checkFlowLineIndent() throws(YAMLError) {
        var index = pos
        while at(index) == Self.space { index += 1 }
        let indent = index - pos
        guard indent < flowMinIndent else { return }
        while Self.isBlank(at(index)) { index += 1 }
        let byte = at(index)
        if byte == Self.newline || byte == 0 || byte == UInt8(ascii: "#") { return }
        if flowLevel == 1, indent == flowMinIndent - 1, byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") { return }
        throw syntaxError(
            "this line inside a flow collection must be indented more than the key or '- ' that holds the collection, to column \(flowMinIndent + 1) or beyond",
            at: index)
    }

    /// Parses `[ … ]` or `{ … }`, nested and spanning lines.
    mutating func parseFlowCollection() throws(YAMLError) -> Node {
        let startMark = here()
        let isSequence = current == UInt8(ascii: "[")
        let closing = isSequence ? UInt8(ascii: "]") : UInt8(ascii: "}")
        try enterCollection(at: pos)
        flowLevel += 1
        defer {
            depth -= 1
            flowLevel -= 1
        }
        try countNodes(1, at: pos)
        pos += 1
        var items: [Node] = []
        var pairs: [Pair] = []
        var seen: [String: Mark] = [:]
        while true {
            try skipFlowSpace()
            guard pos < count else {
                throw YAMLError(
                    .syntax,
                    "this flow \(isSequence ? "sequence" : "mapping") is never closed; add '\(Character(Unicode.Scalar(closing)))'",
                    at: startMark)
            }
            if current == closing {
                pos += 1
                break
            }
            if current == UInt8(ascii: "?"), isBlankOrEnd(pos + 1) {
                throw YAMLError(
                    .unsupported, "complex mapping keys ('? ') are not supported in workflows; write the key as a plain or quoted scalar",
                    at: here())
            }
            let entryMark = here()
            var key: Node?
            if current == UInt8(ascii: ":") && (isBlankOrEnd(pos + 1) || Self.isFlowIndicator(at(pos + 1))) {
                throw YAMLError(.unsupported, Self.emptyKeyMessage, at: here())
            }
            let keyLine = line
            key = try parseFlowNode()
            try skipFlowSpace()
            var value: Node?
            if current == UInt8(ascii: ":") {
                if isSequence, line != keyLine {
                    // YAML 1.2: the implicit key of a single-pair mapping is limited to one line.
                    throw YAMLError(
                        .syntax,
                        "the key of a 'key: value' entry in a flow sequence must fit on one line, with its ':'; join the lines or use a flow mapping",
                        at: entryMark)
                }
                pos += 1
                try skipFlowSpace()
                if current == UInt8(ascii: ",") || current == closing {
                    value = try emptyNode(at: here())
                } else {
                    value = try parseFlowNode()
                }
                try skipFlowSpace()
            }
            if isSequence {
                if let key, let value {
                    let pair = try flowPair(key: key, value: value)
                    try countNodes(1, at: entryMark.offset)
                    items.append(Node(.mapping([pair]), mark: entryMark))
                } else if let key {
                    items.append(key)
                }
            } else if let key {
                let pairValue: Node
                if let value { pairValue = value } else { pairValue = try emptyNode(at: here()) }
                let pair = try flowPair(key: key, value: pairValue)
                if let previous = seen[pair.key] {
                    errors.append(
                        YAMLError(
                            .duplicateKey,
                            "duplicate key '\(pair.key)'; it is already defined at line \(previous.line), column \(previous.column)",
                            at: pair.keyMark))
                } else {
                    seen[pair.key] = pair.keyMark
                    pairs.append(pair)
                }
            }
            if current == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            if current != closing {
                if pos >= count {
                    throw YAMLError(
                        .syntax,
                        "this flow \(isSequence ? "sequence" : "mapping") is never closed; add '\(Character(Unicode.Scalar(closing)))'",
                        at: startMark)
                }
                throw syntaxError("expected ',' or '\(Character(Unicode.Scalar(closing)))', but found \(describe(pos))")
            }
        }
        return isSequence ? Node(.sequence(items), mark: startMark) : Node(.mapping(pairs), mark: startMark)
    }

    /// A flow mapping entry: the key must be a scalar.
    private mutating func flowPair(key: Node, value: Node) throws(YAMLError) -> Pair {
        guard let scalar = key.scalar else {
            throw YAMLError(.unsupported, "a collection cannot be a mapping key in workflows; keys are strings", at: key.mark)
        }
        return Pair(key: scalar.text, keyMark: key.mark, keyStyle: scalar.style, value: value)
    }

    /// Parses one node inside a flow collection.
    mutating func parseFlowNode() throws(YAMLError) -> Node {
        if stackIsDeep() {
            return try onFreshStack { (parser: inout Parser) throws(YAMLError) -> Node in try parser.parseFlowNode() }
        }
        let properties = try parseProperties(flow: true)
        let startCount = nodeCount
        let byte = current
        if byte == UInt8(ascii: "*") {
            if !properties.isEmpty {
                throw YAMLError(.syntax, "an alias cannot have an anchor or a tag", at: properties.mark ?? here())
            }
            return try parseAlias()
        }
        beginAnchor(properties)
        var node: Node
        switch byte {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            node = try parseFlowCollection()
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            let mark = here()
            let (text, _) = byte == UInt8(ascii: "\"") ? try parseDoubleQuoted() : try parseSingleQuoted()
            try countNodes(1, at: mark.offset)
            node = Node(.scalar(Scalar(text, style: byte == UInt8(ascii: "\"") ? .doubleQuoted : .singleQuoted)), mark: mark)
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ":"):
            guard !properties.isEmpty else { throw syntaxError("expected a value, but found \(describe(pos))") }
            node = try emptyNode(at: properties.mark ?? here())
        default:
            node = try parsePlainNode(parentIndent: flowMinIndent - 1, flow: true)
        }
        try apply(properties, to: &node, startCount: startCount)
        return node
    }
}
