import CIBasics
import CIExpressions

let fuzzContexts = EvaluationContext(
    contexts: [
        (
            "github",
            .object([("ref", .string("refs/heads/main")), ("event", .object([("commits", .array([.object([("id", .number(1))])]))]))])
        ),
        ("matrix", .object([("os", .string("linux")), ("list", .array([.number(1), .string("2"), .null, .boolean(true)]))])),
        ("env", .object([("A", .string("1"))])),
    ],
    status: StatusState(current: .failure))

/// libFuzzer entry point: read the input as an expression and as a template, then evaluate them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let expression = try? Expression.parse(text) {
        _ = try? expression.evaluate(in: fuzzContexts, text: text).prettyJSON
    }
    if let template = try? Template.parse(text) {
        _ = try? template.evaluate(in: fuzzContexts)
    }
    if let condition = try? Condition(text) {
        _ = try? condition.evaluate(in: fuzzContexts)
    }
    return 0
}
