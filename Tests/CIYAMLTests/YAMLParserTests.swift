import CIBasics
import CIYAML
import Foundation
import Testing

/// An input and the value YAML 1.2 gives it under the core schema, written as Python's
/// `json.dumps(value, sort_keys=True)` prints it. The values come from PyYAML with the corpus's
/// Core12Loader, except in rows whose note names PyYAML: there PyYAML is wrong for YAML 1.2, and the
/// value follows the spec and agrees with the `yaml` npm package v2 (GitHub's parser library).
struct YAMLCase: Sendable, CustomTestStringConvertible {
    var note: String
    var yaml: String
    var json: String

    init(_ note: String, _ yaml: String, _ json: String) {
        self.note = note
        self.yaml = yaml
        self.json = json
    }

    var testDescription: String { note }
}

/// An input the parser must reject, with the error's code and place (and, for some, its message).
struct YAMLErrorCase: Sendable, CustomTestStringConvertible {
    var note: String
    var input: [UInt8]
    var code: YAMLError.Code
    var line: Int
    var column: Int
    var message: String?

    init(_ note: String, _ yaml: String, _ code: YAMLError.Code, line: Int, column: Int, message: String? = nil) {
        self.init(note, bytes: Array(yaml.utf8), code, line: line, column: column, message: message)
    }

    init(_ note: String, bytes: [UInt8], _ code: YAMLError.Code, line: Int, column: Int, message: String? = nil) {
        self.note = note
        self.input = bytes
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }

    var testDescription: String { note }
}

/// Parses `yaml` and checks that it has no errors and that its value is `json`.
private func expectValue(_ row: YAMLCase, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let document = try YAML.parse(row.yaml)
    #expect(document.errors.isEmpty, "unexpected errors: \(document.errors)", sourceLocation: sourceLocation)
    #expect(document.jsonValue.serialized(.python) == row.json, sourceLocation: sourceLocation)
}

/// The error `parseStrict` throws for `bytes`, or nil when it parses.
private func strictError(_ bytes: [UInt8], limits: YAMLLimits = .default) -> YAMLError? {
    do {
        _ = try YAML.parseStrict(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

@Suite struct YAMLParserTests {
    // MARK: Values

    @Test(arguments: YAMLCases.blockCollections)
    func blockMappingsAndSequencesGiveTheirYAML12Values(_ row: YAMLCase) throws { try expectValue(row) }

    @Test(arguments: YAMLCases.plainScalars)
    func plainScalarsFoldAndKeepHashAndColonInside(_ row: YAMLCase) throws { try expectValue(row) }

    @Test(arguments: YAMLCases.quotedScalars)
    func quotedScalarsDecodeEveryEscapeAndFoldLines(_ row: YAMLCase) throws { try expectValue(row) }

    @Test(arguments: YAMLCases.blockScalars)
    func blockScalarsHonourChompingIndentationAndFolding(_ row: YAMLCase) throws { try expectValue(row) }

    @Test(arguments: YAMLCases.flowCollections)
    func flowCollectionsNestSpanLinesAndAcceptJSON(_ row: YAMLCase) throws { try expectValue(row) }

    @Test(arguments: YAMLCases.comments)
    func commentsAreIgnoredWhereverYAMLAllowsThem(_ row: YAMLCase) throws { try expectValue(row) }

    @Test(arguments: YAMLCases.anchorsAndAliases)
    func aliasesExpandToTheirAnchoredNodes(_ row: YAMLCase) throws { try expectValue(row) }

    @Test(arguments: YAMLCases.documentMarkers)
    func documentMarkersAndTheYAMLDirectiveAreAccepted(_ row: YAMLCase) throws { try expectValue(row) }

    @Test(arguments: YAMLCases.lineEndingsAndSeparation)
    func crlfLoneCRBOMAndTabSeparationParse(_ row: YAMLCase) throws { try expectValue(row) }

    @Test(arguments: YAMLCases.coreSchema)
    func plainScalarsResolveByTheCoreSchemaAndKeysStayStrings(_ row: YAMLCase) throws { try expectValue(row) }

    @Test(arguments: YAMLCases.tags)
    func coreTagsAndTheNonSpecificTagSetTheType(_ row: YAMLCase) throws { try expectValue(row) }

    @Test(arguments: YAMLCases.regressions)
    func inputsThatOnceParsedWrongNowGiveTheirYAML12Values(_ row: YAMLCase) throws { try expectValue(row) }

    @Test func theValueKeepsMarksAndStyles() throws {
        let document = try YAML.parse("a:\n  b: 'x'\n  c: |\n    y\n")
        let b = try #require(document.root?["a"]?["b"])
        #expect(b.mark.line == 2 && b.mark.column == 6)
        #expect(b.scalar?.style == .singleQuoted)
        #expect(document.root?["a"]?["c"]?.scalar?.style == .literal)
        let pair = try #require(document.root?["a"]?.mapping?.last)
        #expect(pair.key == "c" && pair.keyMark.line == 3 && pair.keyMark.column == 3)
    }

    // MARK: Errors

    @Test(arguments: YAMLCases.errors)
    func invalidInputFailsWithItsCodeLineAndColumn(_ row: YAMLErrorCase) throws {
        let error = try #require(strictError(row.input), "expected an error")
        #expect(error.code == row.code)
        #expect(error.mark.line == row.line)
        #expect(error.mark.column == row.column)
        if let message = row.message { #expect(error.message == message) }
    }

    @Test func aDuplicateKeyIsRecoverableKeepsTheFirstValueAndFailsParseStrict() throws {
        let bytes = Array("a: 1\nb: 2\na: 3\n".utf8)
        let document = try YAML.parse(bytes)
        #expect(document.jsonValue.serialized(.python) == #"{"a": 1, "b": 2}"#)
        let error = try #require(document.errors.first)
        #expect(document.errors.count == 1)
        #expect(error.code == .duplicateKey)
        #expect((error.mark.line, error.mark.column) == (3, 1))
        #expect(error.message == "duplicate key 'a'; it is already defined at line 1, column 1")
        #expect(strictError(bytes) == error)
    }

    @Test func aDuplicateKeyAmongManyKeysIsFound() throws {
        let keys = (0..<40).map { "k\($0): \($0)\n" }.joined()
        let document = try YAML.parse(keys + "k3: again\n")
        #expect(document.errors.map(\.code) == [.duplicateKey])
        #expect(document.errors.first?.mark.line == 41)
    }

    @Test func unknownAndRecursiveAliasesAreRecoverableAndReadAsNull() throws {
        let document = try YAML.parse("a: *nope\nb: &x [1, *x]\nc: 2\n")
        #expect(document.errors.map(\.code) == [.unknownAnchor, .recursiveAlias])
        #expect(document.errors.map { [$0.mark.line, $0.mark.column] } == [[1, 4], [2, 11]])
        #expect(document.jsonValue.serialized(.python) == #"{"a": null, "b": [1, null], "c": 2}"#)
        #expect(strictError(Array("a: *nope\n".utf8))?.code == .unknownAnchor)
    }

    @Test func anUnusedAnchorIsAWarning() throws {
        let document = try YAML.parse("a: &x 1\nb: 2\n")
        #expect(document.errors.isEmpty)
        #expect(document.warnings.map(\.code) == ["yaml-unused-anchor"])
        #expect(document.warnings.first?.mark.line == 1)
    }

    // MARK: Limits

    @Test func nestingDeeperThanMaxDepthFailsWithTooDeep() throws {
        let flow = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        let error = try #require(strictError(Array(flow.utf8)))
        #expect(error.code == .tooDeep)
        #expect((error.mark.line, error.mark.column) == (1, 257))

        let block = "a:\n  b:\n    c:\n      d: 1\n"
        let limited = try #require(strictError(Array(block.utf8), limits: YAMLLimits(maxDepth: 3)))
        #expect(limited.code == .tooDeep)
        #expect((limited.mark.line, limited.mark.column) == (4, 7))
        #expect(strictError(Array(block.utf8), limits: YAMLLimits(maxDepth: 4)) == nil)
    }

    @Test func inputLargerThanMaxInputBytesFailsWithTooLarge() throws {
        let limits = YAMLLimits(maxInputBytes: 16)
        let error = try #require(strictError(Array("key: 0123456789ab\n".utf8), limits: limits))
        #expect(error.code == .tooLarge)
        #expect((error.mark.line, error.mark.column) == (1, 1))
        #expect(error.message == "the input is 18 bytes, larger than the limit of 16 bytes")
        #expect(strictError(Array("key: 0123456789a".utf8), limits: limits) == nil)
    }

    /// Ten levels of ten aliases each expand to 10^11 nodes; the parser stops at the node limit
    /// (one million) without expanding them.
    @Test func aBillionLaughsDocumentFailsFastWithTooManyNodes() throws {
        var yaml = "l0: &l0 [" + Array(repeating: "lol", count: 10).joined(separator: ", ") + "]\n"
        for level in 1...10 {
            yaml += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let bytes = Array(yaml.utf8)
        let clock = ContinuousClock()
        var error: YAMLError?
        let elapsed = clock.measure { error = strictError(bytes) }
        #expect(error?.code == .tooManyNodes)
        #expect(error?.mark.line == 6)
        #expect(elapsed < .milliseconds(250), "took \(elapsed)")
    }

    /// 256 levels is the default limit: each kind of nesting parses without running off the test
    /// thread's stack, and one level more fails with tooDeep.
    @Test(arguments: ["flow sequences", "flow mappings", "block mappings", "block sequences", "compact sequences"])
    func nestingExactlyAtTheDepthLimitParses(_ kind: String) throws {
        let depth = YAMLLimits.default.maxDepth
        var yaml = ""
        switch kind {
        case "flow sequences":
            yaml = String(repeating: "[", count: depth) + "x" + String(repeating: "]", count: depth)
        case "flow mappings":
            yaml = String(repeating: "{a: ", count: depth) + "x" + String(repeating: "}", count: depth)
        case "block mappings":
            yaml = (0..<depth).map { String(repeating: " ", count: $0) + "k:\n" }.joined()
        case "block sequences":
            yaml =
                (0..<depth).map { String(repeating: " ", count: $0 * 2) + "-\n" }.joined() + String(repeating: " ", count: depth * 2)
                + "x\n"
        default:
            yaml = String(repeating: "- ", count: depth) + "x\n"
        }
        let document = try YAML.parseStrict(Array(yaml.utf8))
        #expect(nestingDepth(document.root) == depth)
        let deeper = kind.hasPrefix("flow") ? "[" + yaml + "]" : "- " + yaml.replacingOccurrences(of: "\n", with: "\n  ")
        #expect(strictError(Array(deeper.utf8))?.code == .tooDeep)
    }

    /// A thread with a 256 KiB stack, smaller than any test thread: the parser moves a deep
    /// document to a thread of its own rather than run off the end of this one.
    @Test func nestingAtTheDepthLimitParsesOnASmallStack() {
        let depth = YAMLLimits.default.maxDepth
        let yaml = (0..<depth).map { String(repeating: " ", count: $0) + "k:\n" }.joined()
        let outcome = ParseOutcome()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do throws(YAMLError) {
                outcome.depth = nestingDepth(try YAML.parseStrict(Array(yaml.utf8)).root)
            } catch {
                outcome.error = error
            }
            done.signal()
        }
        thread.stackSize = 256 * 1024
        thread.start()
        done.wait()
        #expect(outcome.error == nil)
        #expect(outcome.depth == depth)
    }
}

/// The outcome of a parse on another thread.
private final class ParseOutcome: @unchecked Sendable {
    var depth = -1
    var error: YAMLError?
}

/// How many collections the first-child path of `node` goes through.
private func nestingDepth(_ node: Node?) -> Int {
    var node = node
    var levels = 0
    while let current = node {
        if let first = current.sequence?.first {
            node = first
        } else if let first = current.mapping?.first {
            node = first.value
        } else {
            break
        }
        levels += 1
    }
    return levels
}

/// The tables.
enum YAMLCases {
    static let blockCollections: [YAMLCase] = [
        YAMLCase("mapping", "a: 1\nb: two\n", #"{"a": 1, "b": "two"}"#),
        YAMLCase("nested mappings", "a:\n  b:\n    c: d\n  e: f\n", #"{"a": {"b": {"c": "d"}, "e": "f"}}"#),
        YAMLCase("sequence", "- a\n- b\n", #"["a", "b"]"#),
        YAMLCase("compact nested sequences", "- - a\n  - b\n- - c\n", #"[["a", "b"], ["c"]]"#),
        YAMLCase("compact mappings in a sequence", "- name: x\n  run: y\n- name: z\n", #"[{"name": "x", "run": "y"}, {"name": "z"}]"#),
        YAMLCase("indentless sequence", "steps:\n- a\n- b\nnext: c\n", #"{"next": "c", "steps": ["a", "b"]}"#),
        YAMLCase(
            "indentless sequence of mappings", "steps:\n- uses: x\n  with:\n    k: v\n- run: y\n",
            #"{"steps": [{"uses": "x", "with": {"k": "v"}}, {"run": "y"}]}"#),
        YAMLCase("sequence indented under its key", "a:\n    - x\n    - y\n", #"{"a": ["x", "y"]}"#),
        YAMLCase("empty values are null", "a:\nb:\n  c:\n", #"{"a": null, "b": {"c": null}}"#),
        YAMLCase("empty entries are null", "-\n- a\n-\n", #"[null, "a", null]"#),
        YAMLCase("scalar value on the next line", "a:\n  hello\n", #"{"a": "hello"}"#),
        YAMLCase("spaces before the colon", "a   : 1\n", #"{"a": 1}"#),
        YAMLCase("quoted keys", #""a b": 1\#n'c''d': 2\#n"#, #"{"a b": 1, "c'd": 2}"#),
        YAMLCase("blank lines between entries", "a:\n  b: 1\n\n\n  c: 2\n", #"{"a": {"b": 1, "c": 2}}"#),
        YAMLCase("indentless sequence inside a compact mapping", "- a: 1\n  b:\n  - x\n  - y\n", #"[{"a": 1, "b": ["x", "y"]}]"#),
        YAMLCase("three compact levels", "- - - x\n    - y\n  - z\n", #"[[["x", "y"], "z"]]"#),
    ]

    static let plainScalars: [YAMLCase] = [
        YAMLCase("multi-line plain folds lines and keeps empty ones", "a: hello\n  world\n\n  again\n", #"{"a": "hello world\nagain"}"#),
        YAMLCase("multi-line plain in a sequence", "- a\n  b\n- c\n", #"["a b", "c"]"#),
        YAMLCase("multi-line plain at the root", "first\nsecond\n", #""first second""#),
        YAMLCase("# not preceded by a space", "a: b#c\n", #"{"a": "b#c"}"#),
        YAMLCase("# inside, then a comment", "a: issue#12 # a comment\n", #"{"a": "issue#12"}"#),
        YAMLCase(": not followed by a space", "a: b:c\n", #"{"a": "b:c"}"#),
        YAMLCase("a URL", "url: http://x.y/z?q=1#f\n", #"{"url": "http://x.y/z?q=1#f"}"#),
        YAMLCase("12:30 is a string in YAML 1.2", "time: 12:30\n", #"{"time": "12:30"}"#),
        YAMLCase("indicators followed by a non-space", "a: -x\nb: ?x\nc: :x\n", #"{"a": "-x", "b": "?x", "c": ":x"}"#),
        YAMLCase("trailing spaces are dropped", "a: x   \n", #"{"a": "x"}"#),
        YAMLCase("a TAB inside a plain scalar (PyYAML cannot scan it)", "a: tab\there\n", #"{"a": "tab\there"}"#),
        YAMLCase("an expression", "runs-on: ${{ matrix.os }}\n", #"{"runs-on": "${{ matrix.os }}"}"#),
        YAMLCase("quotes inside a plain scalar", #"a: it's "fine"\#n"#, #"{"a": "it's \"fine\""}"#),
        YAMLCase("a comment line ends a multi-line plain scalar", "a: x\n  # not a comment? yes it is\n", #"{"a": "x"}"#),
        YAMLCase("multi-line plain that is no longer a number", "a: 1\n  2\n", #"{"a": "1 2"}"#),
    ]

    static let quotedScalars: [YAMLCase] = [
        YAMLCase(
            "every escape", #"a: "\0\a\b\t\n\v\f\r\e\ \"\/\\\N\_\L\P\x41\u00e9\U0001F600"\#n"#,
            #"{"a": "\u0000\u0007\b\t\n\u000b\f\r\u001b \"/\\\u0085\u00a0\u2028\u2029A\u00e9\ud83d\ude00"}"#),
        YAMLCase("backslash-TAB is a TAB", #"a: "tab:\\#tend"\#n"#, #"{"a": "tab:\tend"}"#),
        YAMLCase("hex escapes", #"a: "\x7e\u263A\U00000041"\#n"#, #"{"a": "~\u263aA"}"#),
        YAMLCase("'' in single quotes", "a: 'it''s'\n", #"{"a": "it's"}"#),
        YAMLCase("no escapes in single quotes", #"a: 'back\slash "q"'\#n"#, #"{"a": "back\\slash \"q\""}"#),
        YAMLCase("single-quoted folding", "a: 'one\n  two\n\n  three'\n", #"{"a": "one two\nthree"}"#),
        YAMLCase("double-quoted folding with empty lines", #"a: "one\#n  two\#n\#n\#n  three"\#n"#, #"{"a": "one two\n\nthree"}"#),
        YAMLCase("escaped line break keeps the space before it", #"a: "one \\#n  two"\#n"#, #"{"a": "one two"}"#),
        YAMLCase("escaped line break joins the lines", #"a: "one\\#n  two"\#n"#, #"{"a": "onetwo"}"#),
        YAMLCase("escaped line break, then an empty line", #"a: "x\\#n\#n  y"\#n"#, #"{"a": "x\ny"}"#),
        YAMLCase("spaces before a line break are dropped", #"a: "x   \#n  y"\#n"#, #"{"a": "x y"}"#),
        YAMLCase("escaped space at a line start is kept", #"a: "x\#n  \ y"\#n"#, #"{"a": "x  y"}"#),
        YAMLCase("an escaped TAB before a line break is kept", #"a: "x\t\#n  y"\#n"#, #"{"a": "x\t y"}"#),
        YAMLCase("empty quoted scalars", #"a: ''\#nb: ""\#n"#, #"{"a": "", "b": ""}"#),
        YAMLCase("': ' and ' #' inside quotes", "a: 'b: c # d'\n", #"{"a": "b: c # d"}"#),
        YAMLCase("multi-line quoted in a sequence", #"- "x\#n  y"\#n- 'p\#n\#n  q'\#n"#, #"["x y", "p\nq"]"#),
        YAMLCase("multi-line quoted at the root", #""a\#nb"\#n"#, #""a b""#),
        YAMLCase("upper- and lower-case hex digits", #"a: "\u00e9\u00E9"\#n"#, #"{"a": "\u00e9\u00e9"}"#),
    ]

    static let blockScalars: [YAMLCase] = [
        YAMLCase("literal", "a: |\n  x\n  y\n", #"{"a": "x\ny\n"}"#),
        YAMLCase("literal, strip", "a: |-\n  x\n\n", #"{"a": "x"}"#),
        YAMLCase("literal, keep", "a: |+\n  x\n\n\nb: 1\n", #"{"a": "x\n\n\n", "b": 1}"#),
        YAMLCase("folded", "a: >\n  x\n  y\n\n  z\n", #"{"a": "x y\nz\n"}"#),
        YAMLCase("folded, strip", "a: >-\n  x\n  y\n\n", #"{"a": "x y"}"#),
        YAMLCase("folded, keep", "a: >+\n  x\n  y\n\n", #"{"a": "x y\n\n"}"#),
        YAMLCase("explicit indentation", "a: |2\n    x\n   y\n", #"{"a": "  x\n y\n"}"#),
        YAMLCase("explicit indentation in a sequence", "- |1\n  x\n", #"[" x\n"]"#),
        YAMLCase("chomping before the indentation indicator", "a: |-2\n   x\n", #"{"a": " x"}"#),
        YAMLCase("chomping after the indentation indicator", "a: |2-\n   x\n", #"{"a": " x"}"#),
        YAMLCase("folded, keep, explicit indentation", "a: >+1\n  x\n\n", #"{"a": " x\n\n"}"#),
        YAMLCase("comment after the header", "a: | # comment\n  x\n", #"{"a": "x\n"}"#),
        YAMLCase("more-indented line in a folded scalar", "a: >\n  x\n    more\n  y\n", #"{"a": "x\n  more\ny\n"}"#),
        YAMLCase("more-indented line between empty lines", "a: >\n  a\n\n    b\n\n  c\n", #"{"a": "a\n\n  b\n\nc\n"}"#),
        YAMLCase("a line starting with a TAB is more-indented", "a: >\n  x\n  \ty\n  z\n", #"{"a": "x\n\ty\nz\n"}"#),
        YAMLCase("literal at end of file without a final newline", "a: |\n  end", #"{"a": "end"}"#),
        YAMLCase("folded, strip, at end of file without a final newline", "a: >-\n  end", #"{"a": "end"}"#),
        YAMLCase("keep at end of file without a final newline", "a: |+\n  x", #"{"a": "x"}"#),
        YAMLCase("keep at end of file", "a: |+\n  x\n\n", #"{"a": "x\n\n"}"#),
        YAMLCase("leading empty line", "a: |\n\n  x\n", #"{"a": "\nx\n"}"#),
        YAMLCase("empty block scalar", "a: |\nb: 1\n", #"{"a": "", "b": 1}"#),
        YAMLCase("block scalar ends at a less-indented comment", "a: |\n  x\n# c\nb: 1\n", #"{"a": "x\n", "b": 1}"#),
        YAMLCase("# inside a block scalar is content", "a: |\n  # not a comment\n", ##"{"a": "# not a comment\n"}"##),
        YAMLCase("block scalar at the root", "--- |\n  x\n", #""x\n""#),
        YAMLCase("a line of spaces inside a literal", "a: |\n  x\n   \n  y\n", #"{"a": "x\n \ny\n"}"#),
        YAMLCase("folded with leading and inner empty lines", "a: >\n\n  x\n\n\n  y\n\n", #"{"a": "\nx\n\ny\n"}"#),
    ]

    static let flowCollections: [YAMLCase] = [
        YAMLCase("nested", "a: [1, [2, 3], {b: c}]\n", #"{"a": [1, [2, 3], {"b": "c"}]}"#),
        YAMLCase(
            "spanning lines, comments, closing bracket at the key's indentation", "a: [\n  1, # one\n  2,\n  # own line\n  3\n]\n",
            #"{"a": [1, 2, 3]}"#),
        YAMLCase("mapping spanning lines", "a: {x: 1,\n  y: 2}\nb: 3\n", #"{"a": {"x": 1, "y": 2}, "b": 3}"#),
        YAMLCase("trailing commas", "a: [1, 2,]\nb: {c: 1,}\n", #"{"a": [1, 2], "b": {"c": 1}}"#),
        YAMLCase("{a, b} keys without values are null", "a: {x, y: 1}\n", #"{"a": {"x": null, "y": 1}}"#),
        YAMLCase("[a: b] single-pair mapping", "a: [x: y, z]\n", #"{"a": [{"x": "y"}, "z"]}"#),
        YAMLCase("JSON", #"{"a":1, "b":[true,null,"s"]}\#n"#, #"{"a": 1, "b": [true, null, "s"]}"#),
        YAMLCase("JSON-like value", #"k: {"a":1}\#n"#, #"{"k": {"a": 1}}"#),
        YAMLCase("adjacent value after a JSON-like key", #"["a":b]\#n"#, #"[{"a": "b"}]"#),
        YAMLCase("empty", "a: []\nb: {}\n", #"{"a": [], "b": {}}"#),
        YAMLCase("in a sequence", "- [a, b]\n- {c: d}\n", #"[["a", "b"], {"c": "d"}]"#),
        YAMLCase("multi-line plain scalar inside", "a: [b\n  c, d]\n", #"{"a": ["b c", "d"]}"#),
        YAMLCase("quoted scalars with indicators", #"a: ['x, y', "z]"]\#n"#, #"{"a": ["x, y", "z]"]}"#),
        YAMLCase("empty value", "a: {b: }\n", #"{"a": {"b": null}}"#),
        YAMLCase("a:1 is a scalar", "a: [a:1]\n", #"{"a": ["a:1"]}"#),
        YAMLCase(
            "? inside a flow plain scalar (PyYAML ends it there)", "a: [http://x.y/z?q=1#f, a?b]\n",
            #"{"a": ["http://x.y/z?q=1#f", "a?b"]}"#),
        YAMLCase("at the root", "[a,b]\n", #"["a", "b"]"#),
        YAMLCase("deeply nested", "a: [ [ [x] ] ]\n", #"{"a": [[["x"]]]}"#),
        YAMLCase("continuation indented one more than the key", "a: [1,\n 2]\n", #"{"a": [1, 2]}"#),
    ]

    static let comments: [YAMLCase] = [
        YAMLCase(
            "everywhere in block context",
            "# top\na: 1 # trailing\n# between\nb: # after a key\n  - x # in a sequence\n  # own line in a sequence\n  - y\n# end",
            #"{"a": 1, "b": ["x", "y"]}"#),
        YAMLCase("after --- and ...", "--- # after the marker\na: 1\n... # after the end\n# and after that\n", #"{"a": 1}"#),
        YAMLCase("comment lines at any indentation", "a:\n# column 0\n    # column 4\n  b: 1\n", #"{"a": {"b": 1}}"#),
        YAMLCase(
            "after quoted scalars and flow collections", #"a: 'x' # c\#nb: "y" # c\#nc: [1] # c\#nd: {e: 1} # c\#n"#,
            #"{"a": "x", "b": "y", "c": [1], "d": {"e": 1}}"#),
        YAMLCase("after an anchor and an alias", "a: &x # c\n  b: 1\nc: *x # c\n", #"{"a": {"b": 1}, "c": {"b": 1}}"#),
        YAMLCase("# inside quotes", ##"a: '# not'\##nb: "# not"\##n"##, ##"{"a": "# not", "b": "# not"}"##),
        YAMLCase("a document of comments is null", "\n\n# only comments and blank lines\n\n", "null"),
        YAMLCase("after a key whose value is on the next line", "a:    # comment\n  b\n", #"{"a": "b"}"#),
        YAMLCase("TAB before a comment (PyYAML differs here)", "a: 1\t# TAB before the comment\n", #"{"a": 1}"#),
    ]

    static let anchorsAndAliases: [YAMLCase] = [
        YAMLCase("scalar", "a: &x 1\nb: *x\n", #"{"a": 1, "b": 1}"#),
        YAMLCase(
            "alias of a whole mapping", "base: &base\n  a: 1\n  b: 2\ncopy: *base\n",
            #"{"base": {"a": 1, "b": 2}, "copy": {"a": 1, "b": 2}}"#),
        YAMLCase("alias of a block sequence", "list: &l\n  - 1\n  - 2\nagain: *l\n", #"{"again": [1, 2], "list": [1, 2]}"#),
        YAMLCase("alias of a flow sequence", "list: &l [1, 2]\nagain: *l\n", #"{"again": [1, 2], "list": [1, 2]}"#),
        YAMLCase("anchor on a key at the root", "&k key: v\nother: *k\n", #"{"key": "v", "other": "key"}"#),
        YAMLCase("anchor on a nested key", "a:\n  &k b: 1\nc: *k\n", #"{"a": {"b": 1}, "c": "b"}"#),
        YAMLCase("anchor on the first key of a compact mapping", "- &a key: v\n  k2: x\n- *a\n", #"[{"k2": "x", "key": "v"}, "key"]"#),
        YAMLCase("aliases in a flow sequence", "a: &x 1\nb: [*x, *x]\n", #"{"a": 1, "b": [1, 1]}"#),
        YAMLCase(
            "an anchor defined again: the alias takes the latest (PyYAML differs here)", "a: &x 1\nb: &x 2\nc: *x\n",
            #"{"a": 1, "b": 2, "c": 2}"#),
        YAMLCase("anchor with a tag", "a: &x !!str 1\nb: *x\n", #"{"a": "1", "b": "1"}"#),
        YAMLCase("anchor names may hold . and - (PyYAML differs here)", "a: &a.b-1 1\nb: *a.b-1\n", #"{"a": 1, "b": 1}"#),
        YAMLCase(
            "a reused step", "steps:\n  - &checkout\n    uses: actions/checkout@v4\n    with:\n      fetch-depth: 0\n  - *checkout\n",
            #"{"steps": [{"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}}, {"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}}]}"#
        ),
        YAMLCase("anchor alone on the key's line", "a: &x\n  - 1\nb: *x\n", #"{"a": [1], "b": [1]}"#),
        YAMLCase("anchor on a flow sequence in a block sequence", "- &x [a]\n- *x\n", #"[["a"], ["a"]]"#),
    ]

    static let documentMarkers: [YAMLCase] = [
        YAMLCase("---", "---\na: 1\n", #"{"a": 1}"#),
        YAMLCase("--- and ... with comments", "--- # c\na: 1\n...\n# after\n", #"{"a": 1}"#),
        YAMLCase("%YAML directive", "%YAML 1.2\n---\na: 1\n", #"{"a": 1}"#),
        YAMLCase("%YAML 1.1 and a comment", "%YAML 1.1\n# c\n---\na: 1\n", #"{"a": 1}"#),
        YAMLCase("scalar on the --- line", "--- a\n", #""a""#),
        YAMLCase("flow collection on the --- line", "--- [1, 2]\n", "[1, 2]"),
        YAMLCase("only ---", "---\n", "null"),
        YAMLCase("empty input", "", "null"),
        YAMLCase("...", "a: 1\n...\n", #"{"a": 1}"#),
        YAMLCase("--- and ... around a sequence", "---\n- a\n...\n", #"["a"]"#),
        YAMLCase("--- and ... inside values", "a: ---x\nb: ...y\n", #"{"a": "---x", "b": "...y"}"#),
    ]

    static let lineEndingsAndSeparation: [YAMLCase] = [
        YAMLCase("CRLF", "a: 1\r\nb:\r\n  - x\r\n", #"{"a": 1, "b": ["x"]}"#),
        YAMLCase("CRLF in a block scalar", "a: |\r\n  x\r\n  y\r\n", #"{"a": "x\ny\n"}"#),
        YAMLCase("CRLF in a quoted scalar", #"a: "x\#r\#n  y"\#r\#n"#, #"{"a": "x y"}"#),
        YAMLCase("lone CR", "a: 1\rb: 2\r", #"{"a": 1, "b": 2}"#),
        YAMLCase("BOM", "\u{FEFF}a: 1\n", #"{"a": 1}"#),
        YAMLCase("TAB after key: (PyYAML differs here)", "a:\t1\n", #"{"a": 1}"#),
        YAMLCase("TAB after - (PyYAML differs here)", "-\tx\n-\t[1]\n", #"["x", [1]]"#),
        YAMLCase(
            "TAB before a quoted and a block scalar (PyYAML differs here)", #"a:\#t"q"\#nb:\#t|\#n  x\#n"#, #"{"a": "q", "b": "x\n"}"#),
        YAMLCase("TAB between the key and ':' (PyYAML differs here)", "a\t: 1\n", #"{"a": 1}"#),
    ]

    static let coreSchema: [YAMLCase] = [
        YAMLCase(
            "YAML 1.1 look-alikes stay strings",
            "[on, off, yes, no, y, n, tRue, nUll, 2_17, 1_000, 12:30, 0b101, 0xg, 0o8, 1.2.3, 1e, e3, +, -1-]\n",
            #"["on", "off", "yes", "no", "y", "n", "tRue", "nUll", "2_17", "1_000", "12:30", "0b101", "0xg", "0o8", "1.2.3", "1e", "e3", "+", "-1-"]"#
        ),
        YAMLCase("integers", "[0755, 0x1F, 0x1f, 0o17, +12, -12, -0, 0, 007]\n", "[755, 31, 31, 15, 12, -12, 0, 0, 7]"),
        YAMLCase(
            "floats", "[3.10, 1e3, 1E3, 1e-3, 1.5e+3, .5, 1., -.5, +.5, -0.0, 0.0]\n",
            "[3.1, 1000.0, 1000.0, 0.001, 1500.0, 0.5, 1.0, -0.5, 0.5, -0.0, 0.0]"),
        YAMLCase(
            "infinity and NaN", "[.inf, -.inf, +.inf, .Inf, .INF, .nan, .NaN, .NAN]\n",
            "[Infinity, -Infinity, Infinity, Infinity, Infinity, NaN, NaN, NaN]"),
        YAMLCase("nulls, and quoted empties are strings", #"[~, null, Null, NULL, '', ""]\#n"#, #"[null, null, null, null, "", ""]"#),
        YAMLCase("booleans", "[true, True, TRUE, false, False, FALSE]\n", "[true, true, true, false, false, false]"),
        YAMLCase(
            "quoted numbers stay strings", #"a: '12'\#nb: "3.10"\#nc: 'true'\#nd: "null"\#n"#,
            #"{"a": "12", "b": "3.10", "c": "true", "d": "null"}"#),
        YAMLCase(
            "keys are always strings", "on: 1\n3.10: 2\n~: 3\nnull: 4\ntrue: 5\n1: 6\n0755: 7\n",
            #"{"0755": 7, "1": 6, "3.10": 2, "null": 4, "on": 1, "true": 5, "~": 3}"#),
        YAMLCase("flow keys are always strings", "{1: a, .inf: b, ~: c}\n", #"{".inf": "b", "1": "a", "~": "c"}"#),
        YAMLCase("block scalars are strings", "a: |-\n  12\nb: >-\n  true\n", #"{"a": "12", "b": "true"}"#),
        YAMLCase("3.10 is the float 3.1", "python-version: 3.10\nnode: 20\n", #"{"node": 20, "python-version": 3.1}"#),
    ]

    static let tags: [YAMLCase] = [
        YAMLCase("!!str", "a: !!str 123\n", #"{"a": "123"}"#),
        YAMLCase("!!int on a quoted scalar", #"a: !!int "7"\#n"#, #"{"a": 7}"#),
        YAMLCase("! non-specific makes a string (PyYAML differs here)", "a: ! 12\nb: ! true\n", #"{"a": "12", "b": "true"}"#),
        YAMLCase("!!float on integers", "a: !!float 1\nb: !!float -0\n", #"{"a": 1.0, "b": -0.0}"#),
        YAMLCase("!!bool, !!null, empty !!str", "a: !!bool true\nb: !!null ~\nc: !!str\n", #"{"a": true, "b": null, "c": ""}"#),
        YAMLCase("!!map and !!seq", "a: !!map {b: 1}\nc: !!seq [1]\n", #"{"a": {"b": 1}, "c": [1]}"#),
        YAMLCase("verbatim tag", "a: !<tag:yaml.org,2002:str> 1\n", #"{"a": "1"}"#),
        YAMLCase("verbatim tag in a flow collection", "[!<tag:yaml.org,2002:str> 1, 2]\n", #"["1", 2]"#),
        YAMLCase("tag on a key", "!!str 1: a\n", #"{"1": "a"}"#),
        YAMLCase("!!int on hex", "a: !!int 0x1F\n", #"{"a": 31}"#),
        YAMLCase("!!str on core-schema values", "a: !!str true\nb: !!str ~\n", #"{"a": "true", "b": "~"}"#),
        YAMLCase("!!str on an empty flow entry", "[!!str , a]\n", #"["", "a"]"#),
    ]

    static let regressions: [YAMLCase] = [
        YAMLCase(
            "an anchor on the first key of the root mapping (the mapping took the key's column as its indentation)",
            "&k key: v\nother: *k\n", #"{"key": "v", "other": "key"}"#),
        YAMLCase("an anchor on the first key of a compact mapping", "- &a key: v\n  k2: x\n- *a\n", #"[{"k2": "x", "key": "v"}, "key"]"#),
        YAMLCase("!!float -0 lost the sign of zero", "a: !!float -0\n", #"{"a": -0.0}"#),
        YAMLCase(
            "a verbatim tag in a flow collection was cut at its ','", "[!<tag:yaml.org,2002:str> 1, !<tag:yaml.org,2002:int> '2']\n",
            #"["1", 2]"#),
        YAMLCase(
            "a closing bracket at the key's indentation stays accepted", "on:\n  push:\n    branches: [\n      main\n    ]\n",
            #"{"on": {"push": {"branches": ["main"]}}}"#),
        YAMLCase(
            #"a UTF-16 surrogate pair written as two \u escapes (was 'unknown escape')"#, #"a: "\uD83D\uDE00 \u00e9"\#n"#,
            #"{"a": "\ud83d\ude00 \u00e9"}"#),
        YAMLCase("an empty block scalar followed by a line of spaces stays accepted", "a: |\n     \nb: 1\n", #"{"a": "", "b": 1}"#),
        YAMLCase(
            "root block scalar text in column 1, YAML 1.2 example 9.5 (was rejected; PyYAML rejects it too)",
            "--- |\n%!PS-Adobe-2.0\n...\n", #""%!PS-Adobe-2.0\n""#),
        YAMLCase("root folded scalar text in column 1 (PyYAML differs here)", "--- >\nfoo\nbar\n", #""foo bar\n""#),
        YAMLCase("a root block scalar of one line of spaces, then ...", "--- |+\n  \n...\n", #""\n""#),
        YAMLCase("a key in a flow mapping may span lines (PyYAML rejects it)", #"{a\#nb: c, "d\#ne": f}\#n"#, #"{"a b": "c", "d e": "f"}"#),
        YAMLCase(
            "more-indented lines of a root block scalar indented 0 keep their spaces (were stripped) (PyYAML differs here)",
            "--- |-\n|\n  # not a comment\n  text\n...\n", #""|\n  # not a comment\n  text""#),
        YAMLCase(
            "root literal in column 1 with a more-indented line (PyYAML differs here)", "--- |\nfoo\n  bar\n\nbaz\n",
            #""foo\n  bar\n\nbaz\n""#),
    ]

    static let errors: [YAMLErrorCase] = [
        YAMLErrorCase(
            "duplicate key", "a: 1\na: 2\n", .duplicateKey, line: 2, column: 1,
            message: "duplicate key 'a'; it is already defined at line 1, column 1"),
        YAMLErrorCase("duplicate key in a flow mapping", "{a: 1, a: 2}\n", .duplicateKey, line: 1, column: 8),
        YAMLErrorCase("duplicate quoted key", "a: 1\n'a': 2\n", .duplicateKey, line: 2, column: 1),
        YAMLErrorCase(
            "unknown alias", "a: *nope\n", .unknownAnchor, line: 1, column: 4,
            message: "unknown anchor 'nope'; define '&nope' on a node before using '*nope'"),
        YAMLErrorCase("alias before its anchor", "a: *x\nb: &x 1\n", .unknownAnchor, line: 1, column: 4),
        YAMLErrorCase("recursive alias", "a: &x [1, *x]\n", .recursiveAlias, line: 1, column: 11),
        YAMLErrorCase("recursive alias in a block mapping", "a: &x\n  b: *x\n", .recursiveAlias, line: 2, column: 6),
        YAMLErrorCase(
            "custom tag", "a: !foo bar\n", .unsupported, line: 1, column: 4,
            message:
                "the tag '!foo' is not supported in workflows; only the core tags !!str, !!int, !!float, !!bool, !!null, !!map, !!seq and ! are"
        ),
        YAMLErrorCase(
            "complex key", "? a\n: b\n", .unsupported, line: 1, column: 1,
            message: "complex mapping keys ('? ') are not supported in workflows; write the key as a plain or quoted scalar"),
        YAMLErrorCase("complex key in a flow mapping", "{? a: b}\n", .unsupported, line: 1, column: 2),
        YAMLErrorCase(
            "a second document", "a: 1\n---\nb: 2\n", .unsupported, line: 2, column: 1,
            message:
                "a second YAML document starts here; a workflow file holds exactly one document, so remove this '---' or split the file"),
        YAMLErrorCase("a second document after ...", "a: 1\n...\n---\nb: 2\n", .unsupported, line: 3, column: 1),
        YAMLErrorCase(
            "unterminated double quote", #"a: "abc\#n"#, .syntax, line: 1, column: 4,
            message: #"this double-quoted string is never closed; add the closing '"'"#),
        YAMLErrorCase(
            "unterminated single quote", "a:\n  - 'abc\n", .syntax, line: 2, column: 5,
            message: #"this single-quoted string is never closed; add the closing "'""#),
        YAMLErrorCase(
            "unterminated flow sequence", "a: [1, 2\n", .syntax, line: 1, column: 4, message: "this flow sequence is never closed; add ']'"),
        YAMLErrorCase(
            "unterminated flow mapping", "a:\n  b: {c: 1,\n     d: 2\n", .syntax, line: 2, column: 6,
            message: "this flow mapping is never closed; add '}'"),
        YAMLErrorCase("key less indented than its siblings", "a:\n  b: 1\n c: 2\n", .syntax, line: 3, column: 2),
        YAMLErrorCase("key more indented than its siblings", "a:\n  b: 1\n    c: 2\n", .syntax, line: 3, column: 6),
        YAMLErrorCase("sequence entry less indented than its siblings", "a:\n  - x\n - y\n", .syntax, line: 3, column: 2),
        YAMLErrorCase(
            "tab indentation", "a:\n\tb: 1\n", .syntax, line: 2, column: 1,
            message: "a TAB is used for indentation; YAML indents with spaces only"),
        YAMLErrorCase(
            "invalid escape", #"a: "\q"\#n"#, .syntax, line: 1, column: 5,
            message: #"unknown escape 'q' in a double-quoted string; write '\\' for a backslash"#),
        YAMLErrorCase("short hex escape", #"a: "\x4"\#n"#, .syntax, line: 1, column: 5),
        YAMLErrorCase(
            "key: - a", "key: - a\n", .syntax, line: 1, column: 6,
            message: "a block sequence entry ('- ') is not allowed here; start the sequence on the next line, indented under its key"),
        YAMLErrorCase(
            "a: b: c", "a: b: c\n", .syntax, line: 1, column: 5,
            message: "mapping values are not allowed in this context; if the value contains ': ', quote it, and a key must fit on one line"),
        YAMLErrorCase(
            "control character", "a: b\u{1}\n", .encoding, line: 1, column: 5,
            message: "control character U+0001 is not allowed in YAML; remove it or write it as an escape in a double-quoted string"),
        YAMLErrorCase("DEL character", "a: \u{7F}\n", .encoding, line: 1, column: 4),
        YAMLErrorCase(
            "invalid UTF-8", bytes: [0x61, 0x3A, 0x20, 0xFF, 0x0A], .encoding, line: 1, column: 4,
            message: "the input is not valid UTF-8; save the file as UTF-8"),
        YAMLErrorCase("truncated UTF-8", bytes: [0x6B, 0x65, 0x79, 0x3A, 0x20, 0x63, 0x61, 0x66, 0xC3], .encoding, line: 1, column: 9),
        YAMLErrorCase("UTF-8 surrogate", bytes: [0x61, 0x3A, 0x20, 0xED, 0xA0, 0x80, 0x0A], .encoding, line: 1, column: 4),
        YAMLErrorCase(
            "comment without a space", ##"a: "x"#c\##n"##, .syntax, line: 1, column: 7, message: "a comment needs a space before '#'"),
        YAMLErrorCase("regression: under-indented flow continuation (was accepted)", "a: [1,\n2]\n", .syntax, line: 2, column: 1),
        YAMLErrorCase(
            "regression: under-indented quoted continuation (was accepted)", #"a:\#n  b: "x\#n  y"\#n"#, .syntax, line: 3, column: 3),
        YAMLErrorCase("regression: anchor not followed by a space (was accepted)", "a: &x[1]\n", .syntax, line: 1, column: 6),
        YAMLErrorCase("regression: two %YAML directives (was accepted)", "%YAML 1.2\n%YAML 1.2\n---\na: 1\n", .syntax, line: 2, column: 1),
        YAMLErrorCase("%YAML 2.0", "%YAML 2.0\n---\na: 1\n", .unsupported, line: 1, column: 7),
        YAMLErrorCase(
            "regression: under-indented flow continuation in a sequence (was accepted)", "- [a,\nb]\n", .syntax, line: 2, column: 1),
        YAMLErrorCase(
            "regression: half a surrogate pair (was 'unknown escape')", #"a: "\uD800x"\#n"#, .syntax, line: 1, column: 5,
            message: #"the escape \uD800 is half of a UTF-16 surrogate pair; write the character, or both halves of the pair"#),
        YAMLErrorCase(
            #"regression: \U beyond U+10FFFF (was 'unknown escape')"#, #"a: "\U00110000"\#n"#, .syntax, line: 1, column: 5,
            message: #"the escape \U00110000 is not a Unicode character (the largest is \U0010FFFF)"#),
        YAMLErrorCase(
            "regression: a leading empty line with more spaces than the text (was a confusing indentation error)", "a: |\n     \n  x\n",
            .syntax, line: 3, column: 3,
            message:
                "a leading empty line of this block scalar has more spaces than its first line of text; remove them or give the indentation with an indicator, 2 here"
        ),
        YAMLErrorCase(
            "regression: a multi-line key of a pair in a flow sequence (was accepted)", "a: [b\n  c: d]\n", .syntax, line: 1, column: 5,
            message:
                "the key of a 'key: value' entry in a flow sequence must fit on one line, with its ':'; join the lines or use a flow mapping"
        ),
        YAMLErrorCase(
            "regression: root block scalar whose leading empty line has more spaces than its text", "--- |+\n   \n# text\n", .syntax,
            line: 3, column: 1),
        YAMLErrorCase(
            "regression: a quoted key on two lines gets the key error (was an indentation error)", #"a: 1\#n"b\#nc": 2\#n"#, .syntax,
            line: 2, column: 1, message: "a mapping key must fit on one line"),
        YAMLErrorCase("%TAG", "%TAG ! tag:x,2000:\n---\na: 1\n", .unsupported, line: 1, column: 1),
        YAMLErrorCase("directive without ---", "%YAML 1.2\na: 1\n", .syntax, line: 2, column: 1),
        YAMLErrorCase("regression: !!float on hex (was 31.0)", "a: !!float 0x1F\n", .syntax, line: 1, column: 4),
        YAMLErrorCase("!!int on text", "a: !!int abc\n", .syntax, line: 1, column: 4),
        YAMLErrorCase("flow collection as a key", "[a]: b\n", .syntax, line: 1, column: 4),
        YAMLErrorCase("alias as a key", "a: &x k\n*x : v\n", .unsupported, line: 2, column: 1),
        YAMLErrorCase("document marker inside a flow collection", "a: [1,\n---\n]\n", .syntax, line: 2, column: 1),
        YAMLErrorCase("content after a flow collection", "a: [1] x\n", .syntax, line: 1, column: 8),
        YAMLErrorCase("@ cannot start a plain scalar", "a: @x\n", .syntax, line: 1, column: 4),
        YAMLErrorCase("empty key in a flow mapping (valid YAML, not supported)", "{: b}\n", .unsupported, line: 1, column: 2),
        YAMLErrorCase(
            "regression: an anchored empty key (was 'unexpected :')", "a:\n  &x : 1\n", .unsupported, line: 2, column: 6,
            message: "a mapping key is empty; YAML allows that, but it is not supported in workflows: write a key before ':'"),
        YAMLErrorCase("empty key in a block mapping", ": b\n", .unsupported, line: 1, column: 1),
        YAMLErrorCase("indentation indicator 0", "a: |0\n  x\n", .syntax, line: 1, column: 5),
        YAMLErrorCase("text after a block scalar header", "a: | x\n  y\n", .syntax, line: 1, column: 6),
    ]
}
