extension Parser {
    // MARK: Quoted scalars

    /// Parses a double-quoted scalar with its escapes and line folding. Returns the text and whether
    /// it spans more than one line.
    mutating func parseDoubleQuoted() throws(YAMLError) -> (String, Bool) {
        let start = pos
        let startMark = here()
        pos += 1
        var out: [UInt8] = []
        var multiline = false
        var spanStart = pos
        while true {
            guard pos < count else {
                throw YAMLError(.syntax, "this double-quoted string is never closed; add the closing '\"'", at: startMark)
            }
            let byte = buffer[pos]
            if byte == UInt8(ascii: "\"") {
                if out.isEmpty && !multiline {
                    let text = self.text(spanStart..<pos)
                    pos += 1
                    return (text, false)
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[spanStart..<pos]))
                pos += 1
                break
            }
            if byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[spanStart..<pos]))
                if at(pos + 1) == Self.newline {
                    pos += 1
                    consumeLineBreak()
                    multiline = true
                    try foldQuotedLines(into: &out, escapedBreak: true, quoteStart: start)
                } else {
                    try appendEscape(into: &out)
                }
                spanStart = pos
                continue
            }
            if byte == Self.newline {
                var end = pos
                while end > spanStart, Self.isBlank(buffer[end - 1]) { end -= 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[spanStart..<end]))
                consumeLineBreak()
                multiline = true
                try foldQuotedLines(into: &out, escapedBreak: false, quoteStart: start)
                spanStart = pos
                continue
            }
            pos += 1
        }
        return (String(decoding: out, as: UTF8.self), multiline)
    }

    /// Parses a single-quoted scalar (`''` is a quote) with line folding.
    mutating func parseSingleQuoted() throws(YAMLError) -> (String, Bool) {
        let start = pos
        let startMark = here()
        pos += 1
        var out: [UInt8] = []
        var multiline = false
        var spanStart = pos
        while true {
            guard pos < count else {
                throw YAMLError(.syntax, "this single-quoted string is never closed; add the closing \"'\"", at: startMark)
            }
            let byte = buffer[pos]
            if byte == UInt8(ascii: "'") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[spanStart..<pos]))
                if at(pos + 1) == UInt8(ascii: "'") {
                    out.append(UInt8(ascii: "'"))
                    pos += 2
                    spanStart = pos
                    continue
                }
                pos += 1
                break
            }
            if byte == Self.newline {
                var end = pos
                while end > spanStart, Self.isBlank(buffer[end - 1]) { end -= 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[spanStart..<end]))
                consumeLineBreak()
                multiline = true
                try foldQuotedLines(into: &out, escapedBreak: false, quoteStart: start)
                spanStart = pos
                continue
            }
            pos += 1
        }
        return (String(decoding: out, as: UTF8.self), multiline)
    }

    /// After a line break inside a quoted scalar: skips empty lines and leading blanks and writes what
    /// they fold to (a space, or one newline per empty line; nothing after an escaped break).
    private mutating func foldQuotedLines(into out: inout [UInt8], escapedBreak: Bool, quoteStart: Int) throws(YAMLError) {
        var emptyLines = 0
        while true {
            if isDocumentMarker(at: pos) {
                throw syntaxError("a document marker appears inside a quoted string; close the string before it")
            }
            var indentEnd = pos
            while at(indentEnd) == Self.space { indentEnd += 1 }
            skipBlanks()
            guard current == Self.newline else {
                if indentEnd - lineStart < flowMinIndent, pos < count {
                    throw syntaxError(
                        "this line of a quoted string must be indented more than the key or '- ' that holds the string, to column \(flowMinIndent + 1) or beyond",
                        at: pos)
                }
                break
            }
            consumeLineBreak()
            emptyLines += 1
        }
        if emptyLines == 0 {
            if !escapedBreak { out.append(Self.space) }
        } else {
            out.append(contentsOf: repeatElement(Self.newline, count: emptyLines))
        }
    }

    /// Reads one escape sequence after a backslash in a double-quoted scalar.
    private mutating func appendEscape(into out: inout [UInt8]) throws(YAMLError) {
        let escapeStart = pos
        let code = at(pos + 1)
        pos += 2
        let simple: UInt32?
        switch code {
        case UInt8(ascii: "0"): simple = 0
        case UInt8(ascii: "a"): simple = 7
        case UInt8(ascii: "b"): simple = 8
        case UInt8(ascii: "t"), Self.tab: simple = 9
        case UInt8(ascii: "n"): simple = 10
        case UInt8(ascii: "v"): simple = 11
        case UInt8(ascii: "f"): simple = 12
        case UInt8(ascii: "r"): simple = 13
        case UInt8(ascii: "e"): simple = 0x1B
        case Self.space: simple = 0x20
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "N"): simple = 0x85
        case UInt8(ascii: "_"): simple = 0xA0
        case UInt8(ascii: "L"): simple = 0x2028
        case UInt8(ascii: "P"): simple = 0x2029
        case UInt8(ascii: "x"): simple = try hexEscape(digits: 2, start: escapeStart)
        case UInt8(ascii: "u"): simple = try utf16Escape(start: escapeStart)
        case UInt8(ascii: "U"): simple = try hexEscape(digits: 8, start: escapeStart)
        default: simple = nil
        }
        guard let value = simple else {
            pos = escapeStart
            throw syntaxError("unknown escape \(describe(escapeStart + 1)) in a double-quoted string; write '\\\\' for a backslash")
        }
        guard let scalar = Unicode.Scalar(value) else {
            pos = escapeStart
            throw syntaxError("the escape \(text(escapeStart..<escapeStart + 10)) is not a Unicode character (the largest is \\U0010FFFF)")
        }
        var utf8 = String(Character(scalar)).utf8.makeIterator()
        while let byte = utf8.next() { out.append(byte) }
    }

    /// `\uXXXX`, where a UTF-16 surrogate pair written as two escapes (`\uD83D\uDE00`, as JSON
    /// does) is one character; half a pair is an error.
    private mutating func utf16Escape(start: Int) throws(YAMLError) -> UInt32 {
        let value = try hexEscape(digits: 4, start: start)
        guard (0xD800...0xDFFF).contains(value) else { return value }
        if value <= 0xDBFF, current == UInt8(ascii: "\\"), at(pos + 1) == UInt8(ascii: "u") {
            let saved = pos
            pos += 2
            let low = try hexEscape(digits: 4, start: saved)
            if (0xDC00...0xDFFF).contains(low) { return 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00) }
        }
        pos = start
        throw syntaxError(
            "the escape \(text(start..<start + 6)) is half of a UTF-16 surrogate pair; write the character, or both halves of the pair")
    }

    private mutating func hexEscape(digits: Int, start: Int) throws(YAMLError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<digits {
            let byte = current
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default:
                throw syntaxError("this escape needs \(digits) hexadecimal digits", at: start)
            }
            value = value << 4 | digit
            pos += 1
        }
        return value
    }

    // MARK: Plain scalars

    /// Parses a plain scalar, continuing onto following lines that are indented more than
    /// `parentIndent` (inside a flow collection, one less than `flowMinIndent`). Stops before `: `,
    /// ` #`, and in flow context before `,[]{}`.
    mutating func parsePlain(parentIndent: Int, flow: Bool) -> String {
        var out: [UInt8] = []
        var single: Range<Int>?
        var first = true
        while true {
            let segmentStart = pos
            while pos < count {
                let byte = buffer[pos]
                if byte == Self.newline { break }
                if byte == UInt8(ascii: ":") {
                    let next = at(pos + 1)
                    if isBlankOrEnd(pos + 1) || (flow && Self.isFlowIndicator(next)) { break }
                } else if byte == UInt8(ascii: "#") {
                    if pos > segmentStart && Self.isBlank(buffer[pos - 1]) { break }
                } else if flow && Self.isFlowIndicator(byte) {
                    break
                }
                pos += 1
            }
            var end = pos
            while end > segmentStart, Self.isBlank(buffer[end - 1]) { end -= 1 }
            if first {
                single = segmentStart..<end
            } else {
                if let range = single {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[range]))
                    single = nil
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[segmentStart..<end]))
            }
            first = false
            guard pos < count, buffer[pos] == Self.newline else {
                pos = end
                break
            }
            // Look for a continuation line.
            let saved = (pos: end, line: line, lineStart: lineStart)
            consumeLineBreak()
            var emptyLines = 0
            var continues = false
            while pos < count {
                var index = pos
                while index < count, buffer[index] == Self.space { index += 1 }
                let indent = index - pos
                while Self.isBlank(at(index)) { index += 1 }
                let byte = at(index)
                if byte == Self.newline {
                    pos = index
                    consumeLineBreak()
                    emptyLines += 1
                    continue
                }
                if byte == 0 || byte == UInt8(ascii: "#") { break }
                if indent <= parentIndent { break }
                if indent == 0 && isDocumentMarker(at: pos) { break }
                if byte == UInt8(ascii: ":") && (isBlankOrEnd(index + 1) || (flow && Self.isFlowIndicator(at(index + 1)))) { break }
                if flow && Self.isFlowIndicator(byte) { break }
                pos = index
                continues = true
                break
            }
            guard continues else {
                pos = saved.pos
                line = saved.line
                lineStart = saved.lineStart
                break
            }
            if let range = single {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[range]))
                single = nil
            }
            if emptyLines == 0 {
                out.append(Self.space)
            } else {
                out.append(contentsOf: repeatElement(Self.newline, count: emptyLines))
            }
        }
        if let range = single { return text(range) }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Block scalars

    /// Parses a `|` or `>` block scalar: header, indentation (explicit or detected), folding and
    /// chomping. Ends at the start of the first line that is not part of it.
    mutating func parseBlockScalar(parentIndent: Int) throws(YAMLError) -> Node {
        let startMark = here()
        let literal = current == UInt8(ascii: "|")
        pos += 1
        var chomping = 0  // -1 strip, 0 clip, +1 keep
        var explicitIndent = 0
        var sawChomping = false
        for _ in 0..<2 {
            let byte = current
            if (byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")) && !sawChomping {
                chomping = byte == UInt8(ascii: "+") ? 1 : -1
                sawChomping = true
                pos += 1
            } else if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") && explicitIndent == 0 {
                explicitIndent = Int(byte - UInt8(ascii: "0"))
                pos += 1
            } else if byte == UInt8(ascii: "0") {
                throw syntaxError("a block scalar's indentation indicator must be between 1 and 9")
            }
        }
        let headerEnd = pos
        skipBlanks()
        if current == UInt8(ascii: "#") {
            if pos == headerEnd { throw syntaxError("a comment needs a space before '#'") }
            skipToLineEnd()
        }
        guard current == Self.newline || pos >= count else {
            throw syntaxError("unexpected \(describe(pos)) after the block scalar header; the text starts on the next line")
        }
        consumeLineBreak()

        // The content's indentation; -1 until the first line of text sets it.
        var indent = explicitIndent > 0 ? max(parentIndent, 0) + explicitIndent : -1
        var out: [UInt8] = []
        var leadingBreak = false
        var leadingBlank = false
        var trailingBreaks = 0
        try scanBlockBreaks(indent: &indent, parentIndent: parentIndent, trailingBreaks: &trailingBreaks)
        while pos < count, pos - lineStart == indent, !(indent == 0 && isDocumentMarker(at: pos)) {
            let trailingBlank = Self.isBlank(buffer[pos])
            if !literal && leadingBreak && !leadingBlank && !trailingBlank {
                if trailingBreaks == 0 { out.append(Self.space) }
            } else if leadingBreak {
                out.append(Self.newline)
            }
            leadingBreak = false
            if trailingBreaks > 0 {
                out.append(contentsOf: repeatElement(Self.newline, count: trailingBreaks))
                trailingBreaks = 0
            }
            leadingBlank = trailingBlank
            let start = pos
            skipToLineEnd()
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<pos]))
            if pos < count {
                leadingBreak = true
                consumeLineBreak()
            }
            try scanBlockBreaks(indent: &indent, parentIndent: parentIndent, trailingBreaks: &trailingBreaks)
        }
        if chomping != -1 && leadingBreak { out.append(Self.newline) }
        if chomping == 1 { out.append(contentsOf: repeatElement(Self.newline, count: trailingBreaks)) }
        if pos < count { pos = lineStart }
        try countNodes(1, at: startMark.offset)
        return Node(.scalar(Scalar(String(decoding: out, as: UTF8.self), style: literal ? .literal : .folded)), mark: startMark)
    }

    /// Eats indentation and empty lines inside a block scalar, counting the empty lines. When the
    /// indentation is not yet known, detects it from the first non-empty line (libyaml's rule).
    private mutating func scanBlockBreaks(indent: inout Int, parentIndent: Int, trailingBreaks: inout Int) throws(YAMLError) {
        var maxEmptyIndent = 0
        while true {
            while indent < 0 || pos - lineStart < indent, current == Self.space { pos += 1 }
            let lineIndent = pos - lineStart
            if indent < 0 || pos - lineStart < indent, current == Self.tab {
                var index = pos
                while Self.isBlank(at(index)) { index += 1 }
                guard at(index) == Self.newline else { break }
                pos = index
            }
            guard current == Self.newline else { break }
            maxEmptyIndent = max(maxEmptyIndent, lineIndent)
            consumeLineBreak()
            trailingBreaks += 1
        }
        guard indent < 0 else { return }
        let firstIndent = pos - lineStart
        // The first line of text sets the indentation. At the root (parentIndent -1) text may
        // start in column 1, as in `--- |` then `%!PS-Adobe-2.0` (YAML 1.2 example 9.5).
        let hasText = pos < count && firstIndent > parentIndent && !(firstIndent == 0 && isDocumentMarker(at: pos))
        guard hasText else {
            indent = max(maxEmptyIndent, parentIndent + 1, 1)
            return
        }
        if firstIndent < maxEmptyIndent {
            // YAML 1.2: leading empty lines may not hold more spaces than the first line of text.
            let indicator = firstIndent - max(parentIndent, 0)
            throw syntaxError(
                "a leading empty line of this block scalar has more spaces than its first line of text; remove them"
                    + (indicator > 0 ? " or give the indentation with an indicator, \(indicator) here" : ""))
        }
        indent = firstIndent
    }
}
