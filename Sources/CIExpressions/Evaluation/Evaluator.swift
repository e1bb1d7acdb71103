/// Evaluates parsed expressions against an `EvaluationContext`, as GitHub's engines do.
///
/// The context and the expression's text are passed down each call rather than stored, so an
/// evaluation does not copy (retain and release) them.
struct Evaluator {
    private var memory = 0

    /// Bytes a value holds, counted as GitHub's runner counts them.
    private static func size(_ value: ExpressionValue) -> Int {
        switch value {
        case .string(let text): 26 + 2 * text.utf16.count
        default: 24
        }
    }

    /// Holds `value` while later siblings evaluate; fails past the memory limit.
    private mutating func hold(_ value: ExpressionValue, text: String) throws(ExpressionError) -> Int {
        let bytes = Self.size(value)
        memory += bytes
        if memory > ExpressionLimits.maxMemory {
            throw ExpressionError(.evaluation, "The maximum allowed memory size was exceeded", offset: nil, expression: text)
        }
        return bytes
    }

    /// Evaluates `expression` in `context`; `text` is the expression's source, for error messages.
    mutating func evaluate(_ expression: Expression, in context: EvaluationContext, text: String) throws(ExpressionError) -> ExpressionValue
    {
        switch expression {
        case .literal(let value):
            return value
        case .context(let name, _):
            return context.contexts[name] ?? .null
        case .group(let inner):
            return try evaluate(inner, in: context, text: text)
        case .not(let operand):
            return .boolean(try evaluate(operand, in: context, text: text).isFalsy)
        case .and(let operands):
            var result = ExpressionValue.null
            for index in operands.indices {
                result = try evaluate(operands[index], in: context, text: text)
                if result.isFalsy { break }
            }
            return result
        case .or(let operands):
            var result = ExpressionValue.null
            for index in operands.indices {
                result = try evaluate(operands[index], in: context, text: text)
                if result.isTruthy { break }
            }
            return result
        case .comparison(let comparison, let leftExpression, let rightExpression):
            let left = try evaluate(leftExpression, in: context, text: text)
            let held = try hold(left, text: text)
            defer { memory -= held }
            let right = try evaluate(rightExpression, in: context, text: text)
            switch comparison {
            case .equal: return .boolean(ExpressionValue.looselyEquals(left, right))
            case .notEqual: return .boolean(!ExpressionValue.looselyEquals(left, right))
            case .greater: return .boolean(ExpressionValue.greaterThan(left, right))
            case .greaterOrEqual: return .boolean(ExpressionValue.looselyEquals(left, right) || ExpressionValue.greaterThan(left, right))
            case .less: return .boolean(ExpressionValue.lessThan(left, right))
            case .lessOrEqual: return .boolean(ExpressionValue.looselyEquals(left, right) || ExpressionValue.lessThan(left, right))
            }
        case .index(let baseExpression, .literal(let key)?):
            // `base.name`, `base['name']`, `base[0]`: the key needs no evaluation.
            return Self.access(try evaluate(baseExpression, in: context, text: text), key: key)
        case .index(let baseExpression, let keyExpression):
            let key = try keyExpression.map { expression throws(ExpressionError) in try evaluate(expression, in: context, text: text) }
            let base = try evaluate(baseExpression, in: context, text: text)
            return Self.access(base, key: key)
        case .call(let name, let argumentExpressions, _):
            var arguments: [ExpressionValue] = []
            arguments.reserveCapacity(argumentExpressions.count)
            var held = 0
            defer { memory -= held }
            for index in argumentExpressions.indices {
                let value = try evaluate(argumentExpressions[index], in: context, text: text)
                held += try hold(value, text: text)
                arguments.append(value)
            }
            let result: ExpressionValue
            do {
                result = try Functions.call(name, arguments, context: context, expression: text)
            } catch {
                var error = error
                if error.expression.isEmpty { error.expression = text }
                throw error
            }
            _ = try hold(result, text: text)
            memory -= Self.size(result)
            return result
        }
    }

    /// `base[key]`, `base.key`, or `base.*` (key nil), including access through a `*` filter.
    static func access(_ base: ExpressionValue, key: ExpressionValue?) -> ExpressionValue {
        guard let key else { return star(base) }
        switch base {
        case .array(let array) where array.isFiltered:
            let name = key.isPrimitive ? key.stringValue : nil
            // The key as an index, worked out when the first inner array needs it.
            var position: Int?
            var positionKnown = false
            var result: [ExpressionValue] = []
            for item in array.items {
                switch item {
                case .object(let object):
                    if let name, let value = object[name] { result.append(value) }
                case .array(let inner):
                    if !positionKnown {
                        position = index(key)
                        positionKnown = true
                    }
                    if let position, position < inner.items.count { result.append(inner.items[position]) }
                default: break
                }
            }
            return .array(ExpressionArray(result, filtered: true))
        case .array(let array):
            if let position = index(key), position < array.items.count { return array.items[position] }
            return .null
        case .object(let object):
            if key.isPrimitive, let value = object[key.stringValue] { return value }
            return .null
        default:
            return .null
        }
    }

    /// `base.*`: the items of an array or the values of an object (or of each, through a filter).
    private static func star(_ base: ExpressionValue) -> ExpressionValue {
        switch base {
        case .array(let array) where array.isFiltered:
            var result: [ExpressionValue] = []
            for item in array.items {
                switch item {
                case .object(let object): result += object.values
                case .array(let inner): result += inner.items
                default: break
                }
            }
            return .array(ExpressionArray(result, filtered: true))
        case .array(let array): return .array(ExpressionArray(array.items, filtered: true))
        case .object(let object): return .array(ExpressionArray(object.values, filtered: true))
        default: return .array(ExpressionArray([], filtered: true))
        }
    }

    /// The key as an array index: its number rounded down, when finite and not negative.
    private static func index(_ key: ExpressionValue) -> Int? {
        let number = key.numberValue
        guard number.isFinite, number >= 0, number < Double(Int.max) else { return nil }
        return Int(number.rounded(.down))
    }
}

extension Expression {
    /// Evaluates the expression. `text` is the expression's source, for error messages.
    public func evaluate(in context: EvaluationContext, text: String = "") throws(ExpressionError) -> ExpressionValue {
        var evaluator = Evaluator()
        return try evaluator.evaluate(self, in: context, text: text)
    }
}
