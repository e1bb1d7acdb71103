import Testing

@testable import CIExpressions

/// The parser reads `context.name.name` without tokens; that shortcut must give exactly what the
/// lexer and parser give, and leave everything else to them.
@Suite struct PropertyChainTests {
    static let pieces = [
        "a", "b", "Z", "_", "-", "1", "9", ".", ".", " ", "(", ")", "[", "]", "*", "'", "é", "true", "True", "false", "null",
        "NaN", "Infinity", "github", "matrix", "os", "x-y", "__", "0",
    ]

    /// A small deterministic generator (a linear congruential one), so failures reproduce.
    struct Generator {
        var state: UInt64

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func described(_ parse: () throws(ExpressionError) -> Expression?) -> String {
        do {
            return String(describing: try parse())
        } catch {
            return "error: \(error)"
        }
    }

    @Test func theShortcutAgreesWithTheTokenParser() {
        var generator = Generator(state: 42)
        var taken = 0
        var texts = ["a", "a.b", "github.event.pull_request.head.sha", "a.true", "a.NaN", "x-y.z-", "_._", "a.b.c.d.e"]
        texts += ["true", "NaN", "a.", ".a", "a..b", "a.1", "a b", "a.é", "é", "a.*", "a[0]", "a()"]
        for _ in 0..<20_000 {
            texts.append((0..<(1 + generator.next(6))).map { _ in Self.pieces[generator.next(Self.pieces.count)] }.joined())
        }
        texts.append((0..<39).map { _ in "a" }.joined(separator: "."))
        texts.append((0..<60).map { _ in "a" }.joined(separator: "."))
        for text in texts {
            let full = Self.described { () throws(ExpressionError) in try Parser.parseTokens(text, options: .permissive) }
            guard let chain = Parser.propertyChain(text) else { continue }
            taken += 1
            #expect(String(describing: Optional(chain)) == full, "\(text)")
        }
        #expect(taken > 1000)
    }

    @Test func namedContextsStillCheckTheirNames() throws {
        let options = ParseOptions(contexts: ["github"])
        #expect(throws: ExpressionError.self) { try Expression.parse("matrix.os", options: options) }
        #expect(try Expression.parse("github.sha", options: options) != nil)
    }
}
