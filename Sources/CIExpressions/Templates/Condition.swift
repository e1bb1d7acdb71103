/// A job's or step's `if:` condition, read and evaluated as GitHub does.
///
/// A condition without `${{` is one bare expression. With `${{`, it is a template: when it is
/// exactly one `${{ }}`, that expression is the condition; when there is text outside the braces,
/// the result is a non-empty string and the condition is always true. Unless the condition calls
/// `success()`, `failure()`, `cancelled()` or `always()`, it only runs after success:
/// `success() && (condition)`.
public struct Condition: Sendable {
    /// The condition as written.
    public var text: String
    private var bare: Expression?
    private var template: Template?
    /// Whether the condition calls a status function, so no implicit `success()` is added.
    public var callsStatusFunction: Bool
    /// When text outside `${{ }}` makes the condition a non-empty string, so it is always true.
    public var isAlwaysTrueString: Bool

    /// The status functions: calling one turns off the implicit `success()`.
    private static let statusNames: Set<String> = ["success", "failure", "cancelled", "always"]

    /// Reads a condition. An empty condition is `success()`.
    public init(_ text: String, options: ParseOptions = .permissive) throws(Template.Problem) {
        self.text = text
        let statusNames = Self.statusNames
        if let template = try Template.parse(text, options: options) {
            self.template = template
            self.bare = nil
            callsStatusFunction = template.expressions.contains { !($0.expression?.calledFunctions.isDisjoint(with: statusNames) ?? true) }
            isAlwaysTrueString =
                !template.isSingleExpression
                && template.segments.contains { segment in
                    if case .text(let text) = segment { return !JSNumber.trimWhitespace(text).isEmpty }
                    return false
                }
                && !template.expressions.isEmpty
        } else {
            do {
                bare = try Expression.parse(text, options: options)
            } catch {
                throw Template.Problem(message: error.description, offset: error.offset ?? 0, expressionError: error)
            }
            template = nil
            callsStatusFunction = !(bare?.calledFunctions.isDisjoint(with: statusNames) ?? true)
            isAlwaysTrueString = false
        }
    }

    /// The expressions of the condition, as `Template.expressions` gives them: the bare expression
    /// (at offset 0), or those of the `${{ }}` template.
    public var expressions: [(expression: Expression?, source: String, offset: Int)] {
        if let template { return template.expressions }
        return [(bare, text, 0)]
    }

    /// Whether the job or step runs: the condition's truthiness, after `success()` when no status
    /// function is called.
    public func evaluate(in context: EvaluationContext) throws(ExpressionError) -> Bool {
        if !callsStatusFunction {
            let succeeded = context.status.map { $0.current == .success } ?? true
            guard succeeded else { return false }
        }
        let value: ExpressionValue
        if let template {
            value = try template.evaluate(in: context)
        } else if let bare {
            value = try bare.evaluate(in: context, text: text)
        } else {
            return true
        }
        return value.isTruthy
    }
}
