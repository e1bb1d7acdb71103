/// A node's anchor and tag, written before its content.
struct Properties {
    var anchor: String?
    var anchorMark: Mark?
    var tag: Tag?
    var tagMark: Mark?

    var isEmpty: Bool { anchor == nil && tag == nil }
    /// Where the properties start, for a node that has nothing else.
    var mark: Mark? {
        switch (anchorMark, tagMark) {
        case (let a?, let t?): return min(a, t)
        case (let a?, nil): return a
        case (nil, let t?): return t
        case (nil, nil): return nil
        }
    }
}

extension Parser {
    /// Reads `&anchor` and `!tag` properties and the blanks after them.
    mutating func parseProperties(flow: Bool) throws(YAMLError) -> Properties {
        var properties = Properties()
        while true {
            let byte = current
            if byte == UInt8(ascii: "&") {
                let start = pos
                if properties.anchor != nil { throw syntaxError("a node can have only one anchor") }
                let name = try scanName(after: "&")
                properties.anchor = name
                properties.anchorMark = mark(start)
            } else if byte == UInt8(ascii: "!") {
                let start = pos
                if properties.tag != nil { throw syntaxError("a node can have only one tag") }
                if at(pos + 1) == UInt8(ascii: "<") {
                    // A verbatim tag, `!<tag:yaml.org,2002:str>`: its URI may hold ',', '[' and ']'.
                    while pos < count, !isBlankOrEnd(pos), buffer[pos] != UInt8(ascii: ">") { pos += 1 }
                    if current == UInt8(ascii: ">") { pos += 1 }
                } else {
                    while pos < count, !isBlankOrEnd(pos), !(flow && Self.isFlowIndicator(buffer[pos])) { pos += 1 }
                }
                let written = text(start..<pos)
                guard let tag = Self.tag(named: written) else {
                    throw YAMLError(
                        .unsupported,
                        "the tag '\(written)' is not supported in workflows; only the core tags !!str, !!int, !!float, !!bool, !!null, !!map, !!seq and ! are",
                        at: mark(start))
                }
                properties.tag = tag
                properties.tagMark = mark(start)
            } else {
                return properties
            }
            // YAML 1.2 needs white space between properties and the content (`&a[x]` is an error);
            // an empty node may follow directly in a flow collection (`[&a, b]`).
            let next = current
            if !isBlankOrEnd(pos), !(flow && (next == UInt8(ascii: ",") || next == UInt8(ascii: "]") || next == UInt8(ascii: "}"))) {
                throw syntaxError("an anchor or tag must be followed by a space before the value; found \(describe(pos))")
            }
            if flow { try skipFlowSpace() } else { skipBlanks() }
        }
    }

    /// Reads an anchor or alias name after its `&` or `*` indicator.
    mutating func scanName(after indicator: Character) throws(YAMLError) -> String {
        pos += 1
        let start = pos
        while pos < count, !isBlankOrEnd(pos), !Self.isFlowIndicator(buffer[pos]) { pos += 1 }
        guard pos > start else {
            throw syntaxError("'\(indicator)' must be followed by a name, as in '\(indicator)name'", at: start - 1)
        }
        return text(start..<pos)
    }

    static func tag(named written: String) -> Tag? {
        switch written {
        case "!": return .nonSpecific
        case "!!str", "!<tag:yaml.org,2002:str>": return .str
        case "!!int", "!<tag:yaml.org,2002:int>": return .int
        case "!!float", "!<tag:yaml.org,2002:float>": return .float
        case "!!bool", "!<tag:yaml.org,2002:bool>": return .bool
        case "!!null", "!<tag:yaml.org,2002:null>": return .null
        case "!!map", "!<tag:yaml.org,2002:map>": return .map
        case "!!seq", "!<tag:yaml.org,2002:seq>": return .seq
        default: return nil
        }
    }

    /// Joins properties written on an indicator's line with those written where the content starts.
    mutating func merge(_ outer: Properties, _ inner: Properties) throws(YAMLError) -> Properties {
        var merged = outer
        if let anchor = inner.anchor {
            if merged.anchor != nil {
                throw YAMLError(.syntax, "a node can have only one anchor", at: inner.anchorMark ?? here())
            }
            merged.anchor = anchor
            merged.anchorMark = inner.anchorMark
        }
        if let tag = inner.tag {
            if merged.tag != nil { throw YAMLError(.syntax, "a node can have only one tag", at: inner.tagMark ?? here()) }
            merged.tag = tag
            merged.tagMark = inner.tagMark
        }
        return merged
    }

    /// Marks an anchor as being defined, so an alias to it inside its own node is caught.
    mutating func beginAnchor(_ properties: Properties) {
        if let anchor = properties.anchor, let mark = properties.anchorMark { anchorsInProgress[anchor] = mark }
    }

    /// Gives `node` its tag (checked against its content) and records its anchor.
    ///
    /// `startCount` is `nodeCount` before the node was parsed, so the anchor knows how many nodes
    /// each alias to it will add.
    mutating func apply(_ properties: Properties, to node: inout Node, startCount: Int) throws(YAMLError) {
        if let tag = properties.tag {
            try check(tag, on: node, at: properties.tagMark ?? node.mark)
            node.tag = tag
        }
        if let anchor = properties.anchor, let anchorMark = properties.anchorMark {
            anchorsInProgress[anchor] = nil
            if let previous = anchors[anchor], !previous.used {
                warnings.append(
                    YAMLWarning(code: "yaml-unused-anchor", message: "anchor '\(anchor)' is defined but never used", at: previous.mark))
            }
            anchors[anchor] = Anchored(node: node, size: max(nodeCount - startCount, 1), mark: anchorMark, used: false)
        }
    }

    private func check(_ tag: Tag, on node: Node, at mark: Mark) throws(YAMLError) {
        func mismatch(_ what: String) -> YAMLError {
            YAMLError(.syntax, "the tag \(tag.rawValue) does not fit \(what)", at: mark)
        }
        switch (tag, node.value) {
        case (.nonSpecific, _), (.map, .mapping), (.seq, .sequence), (.str, .scalar): return
        case (.map, _): throw mismatch(node.kindDescription)
        case (.seq, _): throw mismatch(node.kindDescription)
        case (_, .scalar(let scalar)):
            let plain = CoreSchema.resolve(plain: scalar.text)
            switch (tag, plain) {
            case (.float, .int) where scalar.text.hasPrefix("0x") || scalar.text.hasPrefix("0o"):
                // The core schema's float forms are decimal only.
                throw mismatch("the value '\(scalar.text)'")
            case (.int, .int), (.float, .int), (.float, .float), (.bool, .bool), (.null, .null): return
            default: throw mismatch("the value '\(scalar.text)'")
            }
        default: throw mismatch(node.kindDescription)
        }
    }

    /// `*name`: a copy of the anchored node, whose own mark is the alias's position.
    mutating func parseAlias() throws(YAMLError) -> Node {
        let start = pos
        let name = try scanName(after: "*")
        let aliasMark = mark(start)
        if let declared = anchorsInProgress[name] {
            errors.append(
                YAMLError(
                    .recursiveAlias,
                    "the alias '*\(name)' is inside the node its anchor names (declared at \(declared)); an alias cannot refer to itself",
                    at: aliasMark))
            try countNodes(1, at: start)
            return Node(.scalar(Scalar("", style: .plain)), mark: aliasMark)
        }
        guard var anchored = anchors[name] else {
            errors.append(
                YAMLError(.unknownAnchor, "unknown anchor '\(name)'; define '&\(name)' on a node before using '*\(name)'", at: aliasMark))
            try countNodes(1, at: start)
            return Node(.scalar(Scalar("", style: .plain)), mark: aliasMark)
        }
        try countNodes(anchored.size, at: start)
        anchored.used = true
        anchors[name] = anchored
        var node = anchored.node
        node.mark = aliasMark
        return node
    }
}
