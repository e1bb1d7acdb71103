import CIBasics
import CIExpressions
import CITestSupport
import Foundation
import Testing

/// act's expression tables (`../shared/corpus/expr/act_expr_cases.json`). Where act and GitHub
/// disagree, GitHub wins; those cases are marked with the reason.
@Suite struct ActExpressionCasesTests {
    /// Cases where act's expected result is an act quirk, and what GitHub does instead.
    static let actQuirks: [String: String] = [
        "TestOperators/028": "GitHub compares objects by reference, so `secrets != env` is true; act raises an error",
        "TestContexts/004": "GitHub's `.*` on null gives an empty filtered array, so `...labels.*.name` is []; act gives null",
        "TestOperators/007": "GitHub rounds a fractional array index down, so `[0,1][1.1]` is 1; act gives null",
        "TestOperators/008":
            "in GitHub a `*` filter stays a filter through parentheses, so `(a.*.b)[0]` indexes each item and gives []; act gives the first item",
        "TestOperators/027": "two missing properties are both null, and GitHub's `null != null` is false; act gives true",
        "TestFunctionContains/018":
            "GitHub's `.first` on an array is null (arrays have no properties), so `contains(null, 'success')` is false; act maps the access over the items",
    ]

    /// What GitHub gives for each quirk.
    static let githubValues: [String: String] = [
        "TestOperators/028": "true", "TestContexts/004": "[]", "TestOperators/007": "1", "TestOperators/008": "[]",
        "TestOperators/027": "false", "TestFunctionContains/018": "false",
    ]

    /// act's evaluation environment has every context, empty when the table leaves it out.
    static let standardContexts = ["github", "env", "vars", "secrets", "job", "steps", "runner", "strategy", "matrix", "needs", "inputs"]

    static func value(of item: JSONValue) -> String? {
        switch item["expected_special"] {
        case .string("NaN")?: return "NaN"
        case .string("Infinity")?: return "Infinity"
        default: break
        }
        guard let expected = item["expected"] else { return nil }
        return ExpressionValue(json: expected).compactJSON
    }

    static func ours(_ value: ExpressionValue) -> String {
        if case .number(let number) = value, number.isNaN { return "NaN" }
        if case .number(let number) = value, number == .infinity { return "Infinity" }
        return value.compactJSON
    }

    /// Runs one case: nil when it behaves as act expects (or as GitHub, where marked), else why not.
    static func run(_ item: JSONValue, hashRoot: String) -> String? {
        guard case .string(let id)? = item["id"], case .string(let mode)? = item["mode"] else { return "malformed" }
        var contexts: [(String, ExpressionValue)] = []
        if case .object(let members)? = item["context"] {
            contexts = members.filter { !$0.key.hasPrefix("_") && $0.key != "strategy_matrix_definition" }.map {
                ($0.key, ExpressionValue(json: $0.value))
            }
        }
        for name in standardContexts where !contexts.contains(where: { $0.0 == name }) { contexts.append((name, .object([]))) }
        let context = EvaluationContext(
            contexts: contexts, status: StatusState(current: .success), files: WorkspaceFileHasher(root: hashRoot))
        do {
            let result: ExpressionValue
            switch mode {
            case "evaluate":
                guard case .string(let text)? = item["expr"] else { return "no expr" }
                result = try Expression.parse(text)?.evaluate(in: context, text: text) ?? .null
            case "interpolate":
                guard case .string(let template)? = item["template"] else { return "no template" }
                result = .string(try Template.evaluate(template, in: context).stringValue)
            default:
                return nil
            }
            if let github = githubValues[id] { return ours(result) == github ? nil : "got \(ours(result)), GitHub gives \(github)" }
            if item["expected_error"] != nil { return "act expects an error, got \(ours(result))" }
            if case .string(let github)? = item["github_algorithm_value_computed"] {
                return ours(result) == "\"\(github)\"" ? nil : "got \(ours(result)), GitHub's algorithm gives \(github)"
            }
            guard let expected = value(of: item) else { return "no expected value" }
            if ours(result) == expected { return nil }
            if case .number(let a) = result, case .number(let b)? = item["expected"].map(ExpressionValue.init(json:)), a == b { return nil }
            return "got \(ours(result)), act expects \(expected)"
        } catch {
            if item["expected_error"] != nil { return nil }
            return "unexpected error: \(error)"
        }
    }

    @Test func actExpressionCasesBehaveAsGitHub() throws {
        try #require(Corpus.isAvailable)
        let json = try JSONValue.parse(bytes: try Corpus.bytes("expr/act_expr_cases.json"))
        guard case .array(let cases)? = json["cases"] else {
            Issue.record("no cases")
            return
        }
        let hashRoot = Corpus.url("expr/act_hashfiles_testdata").path
        var failures: [String] = []
        var rewrite = 0
        var byTable: [String: (Int, Int)] = [:]
        for item in cases {
            guard case .string(let id)? = item["id"], case .string(let table)? = item["table"] else { continue }
            if case .string("rewrite")? = item["mode"] {
                rewrite += 1
                continue
            }
            let failure = Self.run(item, hashRoot: hashRoot)
            var counts = byTable[table, default: (0, 0)]
            counts.1 += 1
            if let failure {
                failures.append("\(id): \(item["expr"]?.serialized() ?? item["template"]?.serialized() ?? "") → \(failure)")
            } else {
                counts.0 += 1
            }
            byTable[table] = counts
        }
        for (table, counts) in byTable.sorted(by: { $0.key < $1.key }) { print("act_expr_cases \(table): \(counts.0)/\(counts.1)") }
        let total = byTable.values.reduce(0) { $0 + $1.1 }
        print(
            "act_expr_cases: \(total - failures.count)/\(total) as expected (act's value, or GitHub's where act differs: \(Self.actQuirks.count) act quirks, and 6 hashFiles cases checked against GitHub's algorithm); \(rewrite) act-internal rewrite cases not applicable"
        )
        for (id, reason) in Self.actQuirks.sorted(by: { $0.key < $1.key }) { print("  ACT QUIRK \(id): \(reason)") }
        for failure in failures { print("  FAIL \(failure)") }
        #expect(failures.isEmpty)
    }
}
