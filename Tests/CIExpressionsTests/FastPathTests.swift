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
