/// Evaluates parsed expressions against an `EvaluationContext`, as GitHub's engines do.
struct Evaluator {
    let context: EvaluationContext
    let text: String
    private var memory = 0

    init(context: EvaluationContext, text: String) {
        self.context = context
        self.text = text
    }

    /// Bytes a value holds, counted as GitHub's runner counts them.
    private static func size(_ value: ExpressionValue) -> Int {
        switch value {
        case .string(let text): 26 + 2 * text.utf16.count
        default: 24
        }
    }

    /// Holds `value` while later siblings evaluate; fails past the memory limit.
    private mutating func hold(_ value: ExpressionValue) throws(ExpressionError) -> Int {
        let bytes = Self.size(value)
        memory += bytes
        if memory > ExpressionLimits.maxMemory {
            throw ExpressionError(.evaluation, "The maximum allowed memory size was exceeded", offset: nil, expression: text)
        }
        return bytes
    }

    mutating func evaluate(_ expression: Expression) throws(ExpressionError) -> ExpressionValue {
        switch expression {
        case .literal(let value):
            return value
        case .context(let name, _):
            return context.contexts[name] ?? .null
        case .group(let inner):
            return try evaluate(inner)
        case .not(let operand):
            return .boolean(try evaluate(operand).isFalsy)
        case .and(let operands):
            var result = ExpressionValue.null
            for operand in operands {
                result = try evaluate(operand)
                if result.isFalsy { break }
            }
            return result
        case .or(let operands):
            var result = ExpressionValue.null
            for operand in operands {
                result = try evaluate(operand)
                if result.isTruthy { break }
            }
            return result
        case .comparison(let comparison, let leftExpression, let rightExpression):
            let left = try evaluate(leftExpression)
            let held = try hold(left)
            defer { memory -= held }
            let right = try evaluate(rightExpression)
            switch comparison {
            case .equal: return .boolean(ExpressionValue.looselyEquals(left, right))
            case .notEqual: return .boolean(!ExpressionValue.looselyEquals(left, right))
            case .greater: return .boolean(ExpressionValue.greaterThan(left, right))
            case .greaterOrEqual: return .boolean(ExpressionValue.looselyEquals(left, right) || ExpressionValue.greaterThan(left, right))
            case .less: return .boolean(ExpressionValue.lessThan(left, right))
            case .lessOrEqual: return .boolean(ExpressionValue.looselyEquals(left, right) || ExpressionValue.lessThan(left, right))
            }
        case .index(let baseExpression, let keyExpression):
            let key = try keyExpression.map { expression throws(ExpressionError) in try evaluate(expression) }
            let base = try evaluate(baseExpression)
            return Self.access(base, key: key)
        case .call(let name, let argumentExpressions, _):
            var arguments: [ExpressionValue] = []
            arguments.reserveCapacity(argumentExpressions.count)
            var held = 0
            defer { memory -= held }
            for argumentExpression in argumentExpressions {
                let value = try evaluate(argumentExpression)
                held += try hold(value)
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
            _ = try hold(result)
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
        var evaluator = Evaluator(context: context, text: text)
        return try evaluator.evaluate(self)
    }
}
