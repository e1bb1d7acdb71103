import CIBasics
import CIExpressions
import CITestSupport
import Foundation
import Testing

/// GitHub's cross-language expression tests (`../shared/corpus/expr/languageservices/`), which
/// its TypeScript, Go and C# engines run. 100% is the bar.
@Suite struct LanguageServicesCorpusTests {
    /// Runs one case; nil when it passes, else what went wrong.
    static func run(_ item: JSONValue) -> String? {
        guard case .string(let text)? = item["expr"] else { return "no expr" }
        var pairs: [(String, ExpressionValue)] = []
        if case .object(let members)? = item["contexts"] {
            pairs = members.map { ($0.key, ExpressionValue(json: $0.value)) }
        }
        let options = ParseOptions(contexts: Set(pairs.map(\.0)), functions: [:])
        let expectedError = item["err"]
        do {
            let parsed = try Expression.parse(text, options: options)
            let value = try parsed?.evaluate(in: EvaluationContext(contexts: pairs), text: text) ?? .null
            if let expectedError { return "expected \(expectedError.serialized()), got \(value.compactJSON)" }
            guard case .string(let kind)? = item["result"]?["kind"], let expected = item["result"]?["value"] else {
                return "no result"
            }
            let expectedJSON = ExpressionValue(json: expected).compactJSON
            if value.kindName != kind || value.compactJSON != expectedJSON {
                return "got \(value.kindName) \(value.compactJSON), expected \(kind) \(expectedJSON)"
            }
            return nil
        } catch {
            guard case .string(let kind)? = expectedError?["kind"], case .string(let message)? = expectedError?["value"] else {
                return "unexpected error: \(error)"
            }
            if error.kind.rawValue != kind || !error.description.contains(message) {
                return "got \(error.kind) error '\(error.description)', expected \(kind) '\(message)'"
            }
            return nil
        }
    }

    @Test func everyCaseGivesGitHubsResult() throws {
        try #require(Corpus.isAvailable)
        var total = 0
        var failures: [String] = []
        for file in Corpus.files(in: "expr/languageservices", extensions: [".json"]) {
            let json = try JSONValue.parse(bytes: try Corpus.bytes("expr/languageservices/\(file)"))
            guard case .object(let groups) = json else { continue }
            var fileTotal = 0
            var filePassed = 0
            for (group, cases) in groups {
                guard case .array(let items) = cases else { continue }
                for item in items {
                    fileTotal += 1
                    if let failure = Self.run(item) {
                        failures.append("\(file) \(group): \(item["expr"]?.serialized() ?? "") → \(failure)")
                    } else {
                        filePassed += 1
                    }
                }
            }
            total += fileTotal
            print("languageservices \(file): \(filePassed)/\(fileTotal)")
        }
        print("languageservices: \(total - failures.count)/\(total) as GitHub")
        for failure in failures { print("  FAIL \(failure.prefix(400))") }
        #expect(total == 1020)
        #expect(failures.isEmpty)
    }
}
