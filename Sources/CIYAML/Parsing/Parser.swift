/// The hand-written YAML parser: a recursive descent over UTF-8 bytes, one pass, no token queue.
///
/// Every parse function keeps one invariant: when a block-level node is done, the position is at
/// the start of a line (or the end of input), so the collection that holds it can look at the next
/// line's indentation. `nextContentLine()` skips blank and comment lines without leaving that line start.
struct Parser {
    let buffer: UnsafeBufferPointer<UInt8>
    let count: Int
    let limits: YAMLLimits

    /// The current byte offset.
    var pos = 0
    /// The 1-based number of the line that holds `pos`.
    var line = 1
    /// The offset where that line starts.
    var lineStart = 0
    /// How many collections enclose the current position.
    var depth = 0
    /// The least indentation, in spaces, of a continuation line of the flow content being parsed
    /// (a multi-line quoted or flow scalar, or a flow collection): one more than the indentation of
    /// the block collection that holds it, 0 at the root.
    var flowMinIndent = 0
    /// How many flow collections enclose the current position.
    var flowLevel = 0
    /// Nodes made so far, counting every node an alias copies.
    var nodeCount = 0
    /// Anchors whose node is complete.
    var anchors: [String: Anchored] = [:]
    /// Anchors whose node is still being parsed: an alias to one of them would be recursive.
    var anchorsInProgress: [String: Mark] = [:]
    /// Warnings collected on the way.
    var warnings: [YAMLWarning] = []
    /// Errors recovered from on the way.
    var errors: [YAMLError] = []

    /// The cached column of `columnCacheOffset` on the current line, so marks cost O(1) amortised.
    private var columnCacheOffset = 0
    private var columnCacheColumn = 1
    private var columnCacheLine = 0

    struct Anchored {
        var node: Node
        var size: Int
        var mark: Mark
        var used: Bool
    }

    /// Where the stack was when parsing started on the current thread, and how much of it the
    /// parser may use there (see `FreshStack`).
    var stackBase = 0
    var stackBudget = FreshStack.initialBudget

    init(buffer: UnsafeBufferPointer<UInt8>, limits: YAMLLimits) {
        self.buffer = buffer
        self.count = buffer.count
        self.limits = limits
        self.stackBase = FreshStack.currentAddress()
    }

    // MARK: Bytes

    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A

    /// The byte at `index`, or 0 past the end (the input holds no NUL: `InputCheck` rejects it).
    @inline(__always) func at(_ index: Int) -> UInt8 { index < count ? buffer[index] : 0 }
    /// The byte at the current position, or 0 at the end.
    @inline(__always) var current: UInt8 { at(pos) }

    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }
    /// Space, tab, line break or end of input.
    @inline(__always) func isBlankOrEnd(_ index: Int) -> Bool {
        let byte = at(index)
        return byte == Self.space || byte == Self.tab || byte == Self.newline || byte == 0
    }
    @inline(__always) static func isFlowIndicator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
            || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}")
    }

    mutating func skipBlanks() {
        while pos < count, Self.isBlank(buffer[pos]) { pos += 1 }
    }

    mutating func skipToLineEnd() {
        while pos < count, buffer[pos] != Self.newline { pos += 1 }
    }

    /// Consumes the line break at `pos` (if not at the end) and starts the next line.
    mutating func consumeLineBreak() {
        guard pos < count else { return }
        pos += 1
        line += 1
        lineStart = pos
    }

    /// Whether a `---` or `...` marker starts at `index`, which must be the start of a line.
    func isDocumentMarker(at index: Int) -> Bool {
        let byte = at(index)
        guard byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") else { return false }
        return at(index + 1) == byte && at(index + 2) == byte && isBlankOrEnd(index + 3)
    }

    /// Whether a block sequence entry (`-` then a blank or line end) starts at `index`.
    func isSequenceEntry(at index: Int) -> Bool {
        at(index) == UInt8(ascii: "-") && isBlankOrEnd(index + 1)
    }

    // MARK: Marks and errors

    /// The mark of `offset`, which must be on the current line.
    mutating func mark(_ offset: Int) -> Mark {
        var from = lineStart
        var column = 1
        if columnCacheLine == line, columnCacheOffset <= offset, columnCacheOffset >= lineStart {
            from = columnCacheOffset
            column = columnCacheColumn
        }
        var index = from
        while index < offset {
            if buffer[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        columnCacheLine = line
        columnCacheOffset = offset
        columnCacheColumn = column
        return Mark(line: line, column: column, offset: offset)
    }

    /// The mark of the current position.
    mutating func here() -> Mark { mark(pos) }

    mutating func syntaxError(_ message: String, at offset: Int? = nil) -> YAMLError {
        YAMLError(.syntax, message, at: mark(offset ?? pos))
    }

    /// A short, printable description of the byte at `offset` for messages.
    func describe(_ offset: Int) -> String {
        let byte = at(offset)
        switch byte {
        case 0: return "the end of the file"
        case Self.newline: return "the end of the line"
        case Self.tab: return "a TAB"
        default:
            if byte < 0x80 { return "'\(Character(Unicode.Scalar(byte)))'" }
            var end = offset + 1
            while end < count, buffer[end] & 0xC0 == 0x80 { end += 1 }
            return "'\(String(decoding: UnsafeBufferPointer(rebasing: buffer[offset..<end]), as: UTF8.self))'"
        }
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    // MARK: Limits

    mutating func enterCollection(at offset: Int) throws(YAMLError) {
        depth += 1
        if depth > limits.maxDepth {
            throw YAMLError(
                .tooDeep, "collections are nested more than \(limits.maxDepth) levels deep; flatten the structure",
                at: mark(offset))
        }
    }

    mutating func countNodes(_ added: Int, at offset: Int) throws(YAMLError) {
        nodeCount += added
        if nodeCount > limits.maxNodes {
            throw YAMLError(
                .tooManyNodes,
                "the document has more than \(limits.maxNodes) nodes once aliases are expanded; reduce the aliases",
                at: mark(offset))
        }
    }

    // MARK: Lines

    /// Ends the current line: optional blanks, an optional comment, then a line break or the end.
    mutating func finishLine() throws(YAMLError) {
        skipBlanks()
        if current == UInt8(ascii: "#") {
            if pos > lineStart, !Self.isBlank(buffer[pos - 1]) {
                throw syntaxError("a comment needs a space before '#'")
            }
            skipToLineEnd()
        }
        guard pos >= count || buffer[pos] == Self.newline else {
            throw syntaxError("unexpected \(describe(pos)) after the value; a value ends at the end of its line or at a ' #' comment")
        }
        consumeLineBreak()
    }

    /// Skips blank and comment lines. Leaves the position at the start of the next content line and
    /// returns its indentation, or returns -1 at the end of input or at a `---`/`...` marker.
    mutating func nextContentLine() throws(YAMLError) -> Int {
        while pos < count {
            var index = pos
            while index < count, buffer[index] == Self.space { index += 1 }
            let byte = at(index)
            switch byte {
            case Self.newline:
                pos = index
                consumeLineBreak()
            case UInt8(ascii: "#"):
                pos = index
                skipToLineEnd()
                consumeLineBreak()
            case Self.tab:
                var after = index
                while Self.isBlank(at(after)) { after += 1 }
                let next = at(after)
                if next == Self.newline || next == 0 || next == UInt8(ascii: "#") {
                    pos = after
                    skipToLineEnd()
                    consumeLineBreak()
                } else {
                    throw syntaxError("a TAB is used for indentation; YAML indents with spaces only", at: index)
                }
            case 0:
                pos = count
                return -1
            default:
                let indent = index - pos
                if indent == 0, isDocumentMarker(at: index) { return -1 }
                return indent
            }
        }
        return -1
    }

    // MARK: The stream

    mutating func parseStream() throws(YAMLError) -> YAMLDocument {
        try skipDirectives()
        var root: Node?
        _ = try nextContentLine()
        if pos < count, current == UInt8(ascii: "-"), isDocumentMarker(at: pos) {
            pos += 3
            root = try parseNode(parentIndent: -1, compact: false, indentless: false, inherited: Properties())
        } else if pos < count, !isDocumentMarker(at: pos) {
            let indent = try nextContentLine()
            pos = lineStart + indent
            root = try parseNode(parentIndent: -1, compact: true, indentless: false, inherited: Properties())
        }
        _ = try nextContentLine()
        while pos < count, current == UInt8(ascii: "."), isDocumentMarker(at: pos) {
            pos += 3
            try finishLine()
            _ = try nextContentLine()
        }
        if pos < count {
            if isDocumentMarker(at: pos) {
                throw YAMLError(
                    .unsupported,
                    "a second YAML document starts here; a workflow file holds exactly one document, so remove this '---' or split the file",
                    at: here())
            }
            if current == UInt8(ascii: "%") {
                throw YAMLError(.unsupported, "directives after the first document are not supported in workflows", at: here())
            }
            throw syntaxError("unexpected content after the end of the document; check its indentation")
        }
        for (name, anchored) in anchors where !anchored.used {
            warnings.append(
                YAMLWarning(code: "yaml-unused-anchor", message: "anchor '\(name)' is defined but never used", at: anchored.mark))
        }
        warnings.sort { $0.mark < $1.mark }
        return YAMLDocument(root: root, warnings: warnings, errors: errors)
    }

    /// Skips `%YAML` directives (and reserved ones) before the document; rejects `%TAG`, a second
    /// `%YAML` and a YAML version other than 1.x.
    mutating func skipDirectives() throws(YAMLError) {
        var sawDirective = false
        var sawYAML = false
        while true {
            _ = try nextContentLine()
            guard pos < count, current == UInt8(ascii: "%") else { break }
            if isDirective(named: "TAG") {
                throw YAMLError(.unsupported, "%TAG directives are not supported in workflows", at: here())
            }
            if isDirective(named: "YAML") {
                if sawYAML { throw syntaxError("a document can have only one %YAML directive; remove this one") }
                sawYAML = true
                try checkYAMLVersion()
            }
            sawDirective = true
            skipToLineEnd()
            consumeLineBreak()
        }
        if sawDirective, !(pos < count && current == UInt8(ascii: "-") && isDocumentMarker(at: pos)) {
            throw syntaxError("a directive must be followed by a '---' line")
        }
    }

    /// Whether the directive at the current position is `%name` followed by a blank or the line end.
    private func isDirective(named name: String) -> Bool {
        let end = pos + 1 + name.utf8.count
        return end <= count && text(pos + 1..<end) == name && isBlankOrEnd(end)
    }

    /// Checks the version of the `%YAML` directive at the current position: `1.` and digits.
    private mutating func checkYAMLVersion() throws(YAMLError) {
        var index = pos + 5
        while Self.isBlank(at(index)) { index += 1 }
        let start = index
        while at(index) >= UInt8(ascii: "0") && at(index) <= UInt8(ascii: "9") { index += 1 }
        let major = text(start..<index)
        guard !major.isEmpty, at(index) == UInt8(ascii: "."), at(index + 1) >= UInt8(ascii: "0"), at(index + 1) <= UInt8(ascii: "9")
        else {
            throw syntaxError("a %YAML directive needs a version such as '%YAML 1.2'", at: start)
        }
        index += 1
        while at(index) >= UInt8(ascii: "0") && at(index) <= UInt8(ascii: "9") { index += 1 }
        guard isBlankOrEnd(index) else {
            throw syntaxError("a %YAML directive needs a version such as '%YAML 1.2'", at: start)
        }
        if major != "1" {
            throw YAMLError(.unsupported, "YAML \(text(start..<index)) is not supported; workflows are YAML 1.2", at: mark(start))
        }
    }
}
