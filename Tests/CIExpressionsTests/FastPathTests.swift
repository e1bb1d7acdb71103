import CIBasics
import Testing

@testable import CIExpressions

/// The evaluator's fast paths (ASCII bytes, cached key lookups, the JSON writer) give exactly what
/// the general Unicode paths give.
@Suite struct FastPathTests {
    static let context = EvaluationContext(contexts: [
        ("matrix", .object([("os", .string("Ubuntu")), ("Name", .string("straße")), ("ı", .string("dotless"))])),
        ("list", .array([.string("a"), .object([("K", .number(1))]), .array([.string("x"), .string("y")])])),
    ])

    static func evaluate(_ text: String) throws -> String {
        try Expression.parse(text)?.evaluate(in: context, text: text).compactJSON ?? "null"
    }

    @Test(arguments: [
        // ASCII: case-insensitive, on bytes.
        ("'ABC' == 'abc'", "true"), ("'abc' == 'abd'", "false"), ("'abc' == 'ab'", "false"), ("'' == ''", "true"),
        ("'a_b' == 'A_B'", "true"), ("'@' == '`'", "false"), ("'[' == '{'", "false"), ("'abc' != 'ABC'", "false"),
        ("matrix.os == 'ubuntu'", "true"), ("matrix.os != 'windows'", "true"),
        // Ordering uses upper case: '_' sorts after letters.
        ("'a' < 'B'", "true"), ("'B' < 'a'", "false"), ("'_' > 'z'", "true"), ("'ab' < 'abc'", "true"), ("'ABC' <= 'abc'", "true"),
        ("'abc' >= 'ABD'", "false"),
        // The dotless i is never upper-cased; the dotted capital I has no ASCII lower case here.
        ("'ı' == 'I'", "false"), ("'ı' == 'i'", "false"), ("'ı' == 'ı'", "true"), ("'i' == 'I'", "true"), ("'İ' == 'i'", "false"),
        ("'aıb' == 'AıB'", "true"), ("'aıb' == 'AIB'", "false"),
        // Non-ASCII: upper-cased as Unicode says, compared by canonical equivalence.
        ("'straße' == 'STRASSE'", "true"), ("matrix.name == 'STRASSE'", "true"), ("'ﬀ' == 'FF'", "true"), ("'é' == 'É'", "true"),
        ("'e\u{301}' == 'É'", "true"), ("'ü' == 'u'", "false"), ("'日本' == '日本'", "true"), ("'日本' == '日本語'", "false"),
        // contains on strings.
        ("contains('Hello World', 'WORLD')", "true"), ("contains('Hello', 'hello!')", "false"), ("contains('abc', '')", "true"),
        ("contains('', 'a')", "false"), ("contains('a\r\nb', '\n')", "true"), ("contains('aaab', 'AAB')", "true"),
        ("contains('[skip ci] x', '[SKIP CI]')", "true"), ("contains('STRASSE', 'ß')", "false"), ("contains('straße', 'SS')", "false"),
        ("contains('Straße', 'STRASSE')", "false"), ("contains('é', 'e')", "false"), ("contains('É', 'é')", "true"),
        ("contains('KELVIN', '\u{212A}')", "true"), ("contains('ı', 'I')", "false"), ("contains(123, '23')", "true"),
        // startsWith / endsWith.
        ("startsWith('Hello', 'he')", "true"), ("startsWith('he', 'hello')", "false"), ("endsWith('Hello', 'LLO')", "true"),
        ("endsWith('Hello', 'hel')", "false"), ("startsWith('ıx', 'I')", "false"), ("endsWith('ſ', 's')", "true"),
        // Keys of objects: case-insensitive.
        ("matrix.OS", "\"Ubuntu\""), ("matrix['name']", "\"straße\""), ("matrix['ı']", "\"dotless\""), ("matrix['I']", "null"),
        ("matrix.missing", "null"), ("list[1].k", "1"), ("list[2][1]", "\"y\""), ("list['1'].k", "1"), ("list[1.9].k", "1"),
        ("list[-1]", "null"), ("list[3]", "null"), ("list.*.k", "[1]"), ("list.*[0]", "[\"x\"]"), ("matrix[0]", "null"),
        ("matrix[true]", "null"),
    ])
    func expressionsGiveGitHubsResults(_ text: String, _ expected: String) throws {
        #expect(try Self.evaluate(text) == expected, "\(text)")
    }

    /// A fixed pseudo-random sequence (a 64-bit LCG), so failures reproduce.
    struct Generator: RandomNumberGenerator {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        mutating func next() -> UInt64 {
            UInt64(next(1 << 30)) << 30 | UInt64(next(1 << 30))
        }
        mutating func string(from alphabet: [String], maxLength: Int) -> String {
            (0..<next(maxLength + 1)).map { _ in alphabet[next(alphabet.count)] }.joined()
        }
    }

    static let asciiAlphabet = ["a", "A", "b", "B", "z", "_", "@", "`", "[", "{", "\r", "\n", " ", "0"]
    static let mixedAlphabet =
        asciiAlphabet + ["ı", "I", "i", "İ", "ß", "S", "s", "ſ", "é", "e\u{301}", "\u{301}", "ﬀ", "K", "\u{212A}", "日"]

    @Test(arguments: [asciiAlphabet, mixedAlphabet])
    func fastPathsMatchTheUnicodePaths(_ alphabet: [String]) {
        var generator = Generator()
        for _ in 0..<4000 {
            let a = generator.string(from: alphabet, maxLength: 6)
            let b = generator.next(4) == 0 ? a.uppercased() : generator.string(from: alphabet, maxLength: 3)
            let upperA = ExpressionValue.upperSpecial(a)
            let upperB = ExpressionValue.upperSpecial(b)
            #expect(ExpressionValue.stringsEqual(a, b) == (upperA == upperB), "\(a.debugDescription) == \(b.debugDescription)")
            #expect(
                ExpressionValue.stringLess(a, b) == ExpressionValue.utf16Less(upperA, upperB),
                "\(a.debugDescription) < \(b.debugDescription)")
            #expect(
                Functions.containsIgnoringCase(a, b) == Functions.unicodeContainsIgnoringCase(a, b),
                "contains(\(a.debugDescription), \(b.debugDescription))")
            if let starts = ASCIICaseFolding.hasAffix(a, b, atEnd: false) {
                #expect(starts == upperA.utf16.starts(with: upperB.utf16), "startsWith(\(a.debugDescription), \(b.debugDescription))")
            }
            if let ends = ASCIICaseFolding.hasAffix(a, b, atEnd: true) {
                #expect(
                    ends == upperA.utf16.reversed().starts(with: upperB.utf16.reversed()),
                    "endsWith(\(a.debugDescription), \(b.debugDescription))")
            }
        }
    }

    /// The lookup `ExpressionObject` had before its ASCII table: a dictionary by lower-cased key.
    struct ReferenceObject {
        var keys: [String] = []
        var index: [String: Int] = [:]
        init(_ keys: [String]) {
            for key in keys where index[key.lowercased()] == nil {
                index[key.lowercased()] = self.keys.count
                self.keys.append(key)
            }
        }
        func position(of key: String) -> Int? { index[key] ?? index[key.lowercased()] }
    }

    @Test(arguments: [asciiAlphabet, mixedAlphabet + [";", "\u{037E}", "k"]])
    func objectKeysMatchAsTheDictionaryDid(_ alphabet: [String]) {
        var generator = Generator()
        for _ in 0..<400 {
            let keys = (0..<generator.next(12)).map { _ in generator.string(from: alphabet, maxLength: 3) }
            let object = ExpressionObject(keys.enumerated().map { ($0.element, .number(Double($0.offset))) })
            let reference = ReferenceObject(keys)
            #expect(object.keys == reference.keys)
            for _ in 0..<20 {
                let key =
                    generator.next(3) == 0 ? generator.string(from: alphabet, maxLength: 3) : keys.randomElement(using: &generator) ?? ""
                let expected = reference.position(of: key).map {
                    ExpressionValue.number(Double(keys.firstIndex(of: reference.keys[$0]) ?? -1))
                }
                #expect(object[key]?.compactJSON == expected?.compactJSON, "\(keys) [\(key.debugDescription)]")
            }
        }
    }

    @Test func objectKeysThatAreNotASCII() {
        let first = ExpressionObject([("Name", .number(1)), ("NAME", .number(2)), ("name", .number(3))])
        #expect(first.keys == ["Name"])
        #expect(first["nAmE"]?.compactJSON == "1")
        // U+037E is canonically ';'; the Kelvin sign lower-cases to 'k'.
        let ascii = ExpressionObject([(";", .number(1)), ("k", .number(2))])
        #expect(ascii["\u{037E}"]?.compactJSON == "1")
        #expect(ascii["\u{212A}"]?.compactJSON == "2")
        #expect(ascii["K"]?.compactJSON == "2")
        let kelvin = ExpressionObject([("\u{212A}", .number(1)), ("k", .number(2)), ("é", .number(3))])
        #expect(kelvin.keys == ["\u{212A}", "é"])
        #expect(kelvin["K"]?.compactJSON == "1")
        #expect(kelvin["É"]?.compactJSON == "3")
        #expect(kelvin["e"] == nil)
        #expect(ExpressionObject([])["a"] == nil)
        let many = ExpressionObject((0..<100).map { ("Key\($0)", .number(Double($0))) })
        #expect((0..<100).allSatisfy { many["kEY\($0)"]?.compactJSON == "\($0)" })
        #expect(many["key100"] == nil)
    }

    @Test func longStringsMatchTheUnicodePaths() {
        // Long enough for the eight-bytes-at-a-time loops (contains skips words, keys hash by word).
        var generator = Generator()
        let alphabet = ["a", "B", "x", "_", "[", "{", " ", "Ab", "aB", "abcdefgh", "ABCDEFGH", "é"]
        for _ in 0..<3000 {
            let haystack = generator.string(from: alphabet, maxLength: 12)
            let needle = generator.string(from: alphabet, maxLength: 3)
            #expect(
                Functions.containsIgnoringCase(haystack, needle) == Functions.unicodeContainsIgnoringCase(haystack, needle),
                "contains(\(haystack.debugDescription), \(needle.debugDescription))")
        }
        for _ in 0..<300 {
            let keys = (0..<generator.next(20)).map { _ in generator.string(from: alphabet, maxLength: 5) }
            let object = ExpressionObject(keys.map { ($0, .string($0)) })
            let reference = ReferenceObject(keys)
            #expect(object.keys == reference.keys)
            for key in keys + [generator.string(from: alphabet, maxLength: 5)] {
                #expect(
                    object[key.uppercased()]?.compactJSON
                        == reference.position(of: key.uppercased()).map { ExpressionValue.string(reference.keys[$0]).compactJSON })
            }
        }
    }

    @Test func nonASCIIStringsTakeTheUnicodePath() {
        #expect(ASCIICaseFolding.equal("straße", "STRASSE") == nil)
        #expect(ASCIICaseFolding.equal("ı", "ı") == true)
        #expect(ASCIICaseFolding.equal("abc", "ABC") == true)
        #expect(ASCIICaseFolding.contains("Straße", "SS") == nil)
        #expect(ASCIICaseFolding.contains("KELVIN", "\u{212A}") == nil)
        #expect(ASCIICaseFolding.compare("a", "é") == nil)
        // Long strings go through the eight-bytes-at-a-time check.
        #expect(ASCIICaseFolding.withUTF8("0123456789abcdefé") { ASCIICaseFolding.isASCII($0) } == false)
        #expect(ASCIICaseFolding.withUTF8("0123456789abcdefg") { ASCIICaseFolding.isASCII($0) } == true)
        let long = String(repeating: "abcdefgh", count: 9)
        #expect(ASCIICaseFolding.equal(long, long.uppercased()) == true)
        #expect(ASCIICaseFolding.equal(long + "é", long.uppercased() + "É") == nil)
    }
}

/// The JSON writers (bytes, runs copied at once) against the scalar-at-a-time writers they replaced.
extension FastPathTests {
    /// The string writer as it was: one Unicode scalar at a time.
    static func referenceString(_ value: String, asciiOnly: Bool) -> String {
        var out = "\""
        func escape(_ code: UInt32) {
            let hex = String(code, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        escape(0xD800 + ((scalar.value - 0x10000) >> 10))
                        escape(0xDC00 + ((scalar.value - 0x10000) & 0x3FF))
                    } else {
                        escape(scalar.value)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `toJSON` as it was: strings through `referenceString`, pieces appended to a `String`.
    static func referenceJSON(_ value: ExpressionValue, level: Int = 0, pretty: Bool) -> String {
        let newline = pretty ? "\n" : ""
        func indent(_ level: Int) -> String { pretty ? String(repeating: "  ", count: level) : "" }
        switch value {
        case .null: return "null"
        case .boolean(let value): return value ? "true" : "false"
        case .number(let value): return value.isFinite ? JSNumber.format(value) : "null"
        case .string(let value): return referenceString(value, asciiOnly: false)
        case .array(let array):
            guard !array.items.isEmpty else { return "[]" }
            var out = "["
            for (index, item) in array.items.enumerated() {
                out += (index == 0 ? "" : ",") + newline + indent(level + 1) + referenceJSON(item, level: level + 1, pretty: pretty)
            }
            return out + newline + indent(level) + "]"
        case .object(let object):
            guard object.count > 0 else { return "{}" }
            var out = "{"
            for (index, pair) in object.pairs.enumerated() {
                out += (index == 0 ? "" : ",") + newline + indent(level + 1) + referenceString(pair.key, asciiOnly: false)
                out += (pretty ? ": " : ":") + referenceJSON(pair.value, level: level + 1, pretty: pretty)
            }
            return out + newline + indent(level) + "}"
        }
    }

    static let jsonAlphabet = [
        "a", "Z", " ", "~", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{00}", "\u{1F}", "\u{7F}", "\u{80}", "é",
        "\u{2028}", "日本", "\u{FFFF}", "😀", "\u{10FFFF}", "0123456789abcdef",
    ]

    @Test func jsonStringsAreWrittenAsBefore() {
        var generator = Generator()
        for _ in 0..<3000 {
            let text = generator.string(from: Self.jsonAlphabet, maxLength: 12)
            for asciiOnly in [false, true] {
                var bytes: [UInt8] = []
                JSONValue.writeString(text, to: &bytes, asciiOnly: asciiOnly)
                #expect(
                    String(decoding: bytes, as: UTF8.self) == Self.referenceString(text, asciiOnly: asciiOnly), "\(text.debugDescription)")
                var string = "x"
                JSONValue.writeString(text, to: &string, asciiOnly: asciiOnly)
                #expect(string == "x" + Self.referenceString(text, asciiOnly: asciiOnly))
            }
            #expect(JSONValue.string(text).serialized(.python) == Self.referenceString(text, asciiOnly: true))
        }
        #expect(JSONValue.string("a\u{7F}é😀").serialized(.python) == #""a\u007f\u00e9\ud83d\ude00""#)
        #expect(JSONValue.string("a\u{7F}é\u{1}").serialized() == "\"a\u{7F}é\\u0001\"")
    }

    /// A random value: nested arrays and objects of strings, numbers, booleans and nulls.
    static func randomValue(_ generator: inout Generator, depth: Int) -> ExpressionValue {
        switch generator.next(depth > 3 ? 4 : 6) {
        case 0: return .null
        case 1: return .boolean(generator.next(2) == 0)
        case 2: return .number([0, -1, 1.5, 1e21, 123_456_789, 0.000001, .nan, .infinity][generator.next(8)])
        case 3: return .string(generator.string(from: jsonAlphabet, maxLength: 4))
        case 4: return .array((0..<generator.next(4)).map { _ in randomValue(&generator, depth: depth + 1) })
        default:
            return .object(
                (0..<generator.next(4)).map { _ in
                    (generator.string(from: jsonAlphabet, maxLength: 2), randomValue(&generator, depth: depth + 1))
                })
        }
    }

    @Test func toJSONIsWrittenAsBefore() {
        var generator = Generator()
        for _ in 0..<500 {
            let value = Self.randomValue(&generator, depth: 0)
            #expect(value.prettyJSON == Self.referenceJSON(value, pretty: true))
            #expect(value.compactJSON == Self.referenceJSON(value, pretty: false))
        }
    }
}
