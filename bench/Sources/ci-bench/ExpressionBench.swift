// `ci-bench expr EVENT.json`: nanoseconds per expression evaluation (CIExpressions), in process.
//
// The contexts are built once, before timing, the way the engine builds them for a job on a push
// event (the `github` keys of CIEngine's `JobFacts.githubContext`, with EVENT.json as
// `github.event`), and the expressions are parsed once unless the measurement is of parsing.

import CIBasics
import CIExpressions

/// The expression of the "condition" benchmark: three operands joined by `&&`.
private let conditionText =
    "github.ref == 'refs/heads/main' && matrix.os != 'windows' && contains(github.event.head_commit.message, '[skip ci]') == false"

/// The names every workflow expression may use, as `ci-runner eval` and the loader allow them.
private let contextNames: Set<String> = [
    "github", "env", "vars", "secrets", "matrix", "steps", "needs", "inputs", "job", "runner", "strategy", "jobs",
]

/// What the loader allows in a step's expressions.
private let parseOptions = ParseOptions(contexts: contextNames, functions: Functions.workflowFunctions)

/// One set of contexts: the values the condition reads, and whether it must come out true.
private struct Variant {
    var ref: String
    var os: String
    var skipCI: Bool

    /// Every operand is evaluated only when the first two are true and the message has no `[skip ci]`.
    var expected: Bool { ref == "refs/heads/main" && os != "windows" && !skipCI }
}

/// The variants the "mixed" measurement cycles through: true (all three operands evaluated),
/// false at the second, at the first and at the third operand.
private let variants = [
    Variant(ref: "refs/heads/main", os: "ubuntu", skipCI: false),
    Variant(ref: "refs/heads/main", os: "windows", skipCI: false),
    Variant(ref: "refs/heads/feature/metrics", os: "ubuntu", skipCI: false),
    Variant(ref: "refs/heads/main", os: "macos", skipCI: true),
]

/// `object` with `key` set to `value` (replaced in place, or appended).
private func setting(_ object: JSONValue, _ key: String, _ value: JSONValue) -> JSONValue {
    guard case .object(var members) = object else { return object }
    if let index = members.firstIndex(where: { $0.key == key }) {
        members[index].value = value
    } else {
        members.append((key, value))
    }
    return .object(members)
}

/// The contexts of one job step on a push of `event`, changed as `variant` says.
private func evaluationContext(event: JSONValue, variant: Variant) -> EvaluationContext {
    var event = setting(event, "ref", .string(variant.ref))
    if let head = event["head_commit"], case .string(let message)? = head["message"] {
        let newMessage = variant.skipCI ? "[skip ci] " + message : message
        event = setting(event, "head_commit", setting(head, "message", .string(newMessage)))
    }
    let sha = (event["after"].flatMap { if case .string(let text) = $0 { text } else { nil } }) ?? ""
    let refName = String(variant.ref.split(separator: "/").dropFirst(2).joined(separator: "/"))
    let repository = "octo-org/mlops-app"
    let workspace = "/home/runner/work/mlops-app/mlops-app"
    let github = ExpressionValue.object([
        ("action", .string("__run_2")), ("action_path", .string("")), ("action_ref", .string("")),
        ("action_repository", .string("")), ("action_status", .string("")), ("actor", .string("ada")),
        ("actor_id", .string("583231")), ("api_url", .string("https://api.github.com")), ("base_ref", .string("")),
        ("env", .string("/home/runner/work/_temp/_runner_file_commands/set_env_1f6a")),
        ("event", ExpressionValue(json: event)), ("event_name", .string("push")),
        ("event_path", .string("/home/runner/work/_temp/_github_workflow/event.json")),
        ("graphql_url", .string("https://api.github.com/graphql")), ("head_ref", .string("")), ("job", .string("build-and-test")),
        ("path", .string("/home/runner/work/_temp/_runner_file_commands/add_path_1f6a")), ("ref", .string(variant.ref)),
        ("ref_name", .string(refName)), ("ref_protected", .boolean(variant.ref == "refs/heads/main")), ("ref_type", .string("branch")),
        ("repository", .string(repository)), ("repository_id", .string("682451234")), ("repository_owner", .string("octo-org")),
        ("repository_owner_id", .string("9919")), ("repositoryUrl", .string("git://github.com/\(repository).git")),
        ("retention_days", .string("90")), ("run_attempt", .string("1")), ("run_id", .string("11702841933")),
        ("run_number", .string("412")), ("secret_source", .string("Actions")), ("server_url", .string("https://github.com")),
        ("sha", .string(sha)), ("token", .string("")), ("triggering_actor", .string("ada")),
        ("workflow", .string("FastAPI CI/CD Pipeline")),
        ("workflow_ref", .string("\(repository)/.github/workflows/ci-cd.yml@\(variant.ref)")), ("workflow_sha", .string(sha)),
        ("workspace", .string(workspace)),
    ])
    let strings = { (pairs: [(String, String)]) in ExpressionValue.object(pairs.map { ($0.0, .string($0.1)) }) }
    return EvaluationContext(
        contexts: [
            ("github", github),
            ("env", strings([("PYTHON_VERSION", "3.11"), ("REGISTRY", "localhost:5000"), ("IMAGE", "my_fastapi_app")])),
            ("vars", strings([("REGISTRY", "localhost:5000")])),
            (
                "secrets",
                strings([("GITHUB_TOKEN", "ghs_0123456789abcdef"), ("DOCKERHUB_USERNAME", "octo"), ("DOCKERHUB_TOKEN", "dckr_pat_x")])
            ),
            ("matrix", strings([("os", variant.os), ("python", "3.11")])),
            (
                "strategy",
                .object([("fail-fast", .boolean(true)), ("job-index", .number(0)), ("job-total", .number(6)), ("max-parallel", .number(6))])
            ),
            ("job", .object([("status", .string("success")), ("container", .object([])), ("services", .object([]))])),
            ("runner", strings([("os", "Linux"), ("arch", "X64"), ("name", "ci-runner"), ("temp", "/home/runner/work/_temp")])),
            (
                "steps",
                .object([
                    (
                        "deps",
                        .object([
                            ("outputs", strings([("cache-hit", "true")])), ("outcome", .string("success")),
                            ("conclusion", .string("success")),
                        ])
                    )
                ])
            ),
            ("needs", .object([])), ("inputs", .object([])),
        ],
        status: StatusState(current: .success)
    )
}

/// Runs `body` (which does `batch` operations) until `seconds` have passed after `warmup` calls;
/// returns the operation count, the seconds and a checksum of the results.
private func timeLoop(seconds: Double, warmup: Int, batch: Int, _ body: () -> Int) -> (operations: Int, seconds: Double, checksum: Int) {
    var checksum = 0
    for _ in 0..<warmup { checksum &+= body() }
    var calls = 0
    let start = monotonicSeconds()
    var elapsed = 0.0
    repeat {
        checksum &+= body()
        calls += 1
        elapsed = monotonicSeconds() - start
    } while elapsed < seconds
    return (calls * batch, elapsed, checksum)
}

/// Parses `text` as a bare expression with the workflow's contexts and functions, or exits.
private func parseOrFail(_ text: String) -> Expression {
    do {
        guard
            let expression = try Expression.parse(text, options: parseOptions)
        else { fail("empty expression: \(text)") }
        return expression
    } catch {
        fail("cannot parse \(text): \(error)")
    }
}

/// Evaluates, exiting on an error (none is expected: the contexts are made for these expressions).
private func evaluateOrFail(_ expression: Expression, _ context: EvaluationContext) -> ExpressionValue {
    do {
        return try expression.evaluate(in: context)
    } catch {
        fail("evaluation failed: \(error)")
    }
}

/// `ci-bench expr [--seconds S] [--warmup N] [--only NAME] EVENT.json`: prints one JSON line with
/// the ns per operation of each measurement (or only of the one named, for profiling).
func expressionBench(seconds: Double, warmup: Int, only: String?, eventPath: String) {
    let event: JSONValue
    let eventBytes = readFile(eventPath)
    do {
        event = try JSONValue.parse(bytes: eventBytes)
    } catch {
        fail("\(eventPath): \(error)")
    }
    let contexts = variants.map { evaluationContext(event: event, variant: $0) }
    let condition = parseOrFail(conditionText)
    let toJSON = parseOrFail("toJSON(github)")
    let ifCondition: Condition
    do {
        ifCondition = try Condition(
            "${{ \(conditionText) }}", options: parseOptions)
    } catch {
        fail("cannot parse the condition: \(error)")
    }

    // Check the results before timing them.
    for (variant, context) in zip(variants, contexts) {
        let value = evaluateOrFail(condition, context)
        guard value.isTruthy == variant.expected else { fail("\(variant) gave \(value.compactJSON), expected \(variant.expected)") }
    }
    guard case .string(let json) = evaluateOrFail(toJSON, contexts[0]), json.utf8.count > 20_000 else {
        fail("toJSON(github) did not give the whole context")
    }
    let jsonBytes = json.utf8.count

    let full = contexts[0]
    let batch = 1000
    let jsonBatch = 10
    // Each measurement: its name (the JSON field, and what `--only` takes), operations per call, and the call.
    let measurements: [(name: String, batch: Int, body: () -> Int)] = [
        (
            "eval", batch,
            {
                var sum = 0
                for _ in 0..<batch where evaluateOrFail(condition, full).isTruthy { sum += 1 }
                return sum
            }
        ),
        (
            "eval_mixed", batch,
            {
                var sum = 0
                for index in 0..<batch where evaluateOrFail(condition, contexts[index & 3]).isTruthy { sum += 1 }
                return sum
            }
        ),
        (
            "condition", batch,
            {
                var sum = 0
                for _ in 0..<batch {
                    do {
                        if try ifCondition.evaluate(in: full) { sum += 1 }
                    } catch {
                        fail("condition failed: \(error)")
                    }
                }
                return sum
            }
        ),
        (
            "parse_eval", batch,
            {
                var sum = 0
                for _ in 0..<batch where evaluateOrFail(parseOrFail(conditionText), full).isTruthy { sum += 1 }
                return sum
            }
        ),
        (
            "tojson", jsonBatch,
            {
                var sum = 0
                for _ in 0..<jsonBatch {
                    if case .string(let text) = evaluateOrFail(toJSON, full) { sum &+= text.utf8.count }
                }
                return sum
            }
        ),
    ]
    if let only, !measurements.contains(where: { $0.name == only }) {
        fail("--only takes one of \(measurements.map(\.name).joined(separator: ", "))")
    }

    var fields: [(String, String)] = [("mode", "\"expr\"")]
    var checksum = 0
    for measurement in measurements where only == nil || only == measurement.name {
        let run = timeLoop(seconds: seconds, warmup: warmup, batch: measurement.batch, measurement.body)
        fields.append(("\(measurement.name)_ns", String(run.seconds * 1e9 / Double(run.operations))))
        fields.append(("\(measurement.name)_iterations", "\(run.operations)"))
        checksum &+= run.checksum
    }
    fields += [("tojson_bytes", "\(jsonBytes)"), ("event_bytes", "\(eventBytes.count)"), ("checksum", "\(checksum)")]
    print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
}
