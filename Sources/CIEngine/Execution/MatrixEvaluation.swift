import CIBasics
import CIExpressions
import CIWorkflow
import OrderedCollections

/// Evaluates a matrix that holds expressions (`${{ fromJSON(needs.a.outputs.m) }}`, keys given
/// by expressions, `${{ insert }}`, an array item that is an expression yielding an array) into
/// a plain definition, then expands it.
enum MatrixEvaluation {
    struct Failure: Error {
        var message: String
    }

    /// The matrix instances of `matrix` in `context`.
    static func instances(_ matrix: Matrix, context: EvaluationContext) throws(Failure) -> [OrderedDictionary<String, JSONValue>] {
        let definition: MatrixDefinition
        switch matrix {
        case .definition(let written):
            if case .success(let expansion) = MatrixExpansion.expand(written) { return expansion.combinations }
            definition = try evaluate(written, context: context)
        case .expression(let text):
            let value = try evaluateTemplate(text, context)
            guard case .object = value else {
                throw Failure(message: "the matrix must evaluate to an object, but '\(text)' gives \(value.kindName)")
            }
            definition = try parse(value.jsonValue)
        }
        switch MatrixExpansion.expand(definition, evaluated: true) {
        case .success(let expansion): return expansion.combinations
        case .failure(let dynamic): throw Failure(message: "the matrix could not be expanded: \(dynamic.reason)")
        }
    }

    private static func evaluateTemplate(_ text: String, _ context: EvaluationContext) throws(Failure) -> ExpressionValue {
        do {
            return try Template.evaluate(text, in: context)
        } catch {
            throw Failure(message: "the expression '\(text)' failed: \(error.description)")
        }
    }

    /// Evaluates every expression in a JSON tree, as GitHub evaluates template values.
    static func evaluate(_ value: JSONValue, _ context: EvaluationContext, splice: Bool = false) throws(Failure) -> [JSONValue] {
        switch value {
        case .string(let text) where text.containsExpression:
            let result = try evaluateTemplate(text, context).jsonValue
            if splice, text.isSingleExpression, case .array(let items) = result { return items }
            return [result]
        case .array(let items):
            var result: [JSONValue] = []
            for item in items { result += try evaluate(item, context, splice: true) }
            return [.array(result)]
        case .object(let members):
            var result: [(key: String, value: JSONValue)] = []
            for member in members {
                let evaluated = try evaluate(member.value, context)
                guard let value = evaluated.first else { continue }
                if member.key.containsExpression {
                    if member.key.trimmingWhitespace().replacing(" ", with: "") == "${{insert}}" {
                        guard case .object(let inserted) = value else {
                            throw Failure(message: "'${{ insert }}' needs an object, but its value is not one")
                        }
                        result += inserted
                        continue
                    }
                    result.append((try evaluateTemplate(member.key, context).stringValue, value))
                } else {
                    result.append((member.key, value))
                }
            }
            return [.object(result)]
        default:
            return [value]
        }
    }

    private static func evaluate(_ definition: MatrixDefinition, context: EvaluationContext) throws(Failure) -> MatrixDefinition {
        var tree: [(key: String, value: JSONValue)] = []
        for (name, axis) in definition.axes {
            switch axis {
            case .values(let values): tree.append((name, .array(values)))
            case .expression(let text): tree.append((name, .string(text)))
            }
        }
        for (key, rows) in [("include", definition.include), ("exclude", definition.exclude)] {
            switch rows {
            case .rows(let values)?: tree.append((key, .array(values)))
            case .expression(let text)?: tree.append((key, .string(text)))
            case nil: break
            }
        }
        guard let evaluated = try evaluate(.object(tree), context).first else { throw Failure(message: "the matrix is empty") }
        return try parse(evaluated)
    }

    /// A plain (already evaluated) matrix object as a definition.
    static func parse(_ value: JSONValue) throws(Failure) -> MatrixDefinition {
        guard case .object(let members) = value else { throw Failure(message: "the matrix must be an object") }
        var definition = MatrixDefinition()
        for member in members {
            switch member.key {
            case "include", "exclude":
                guard case .array(let rows) = member.value else {
                    throw Failure(message: "'\(member.key)' must be an array of objects")
                }
                if member.key == "include" { definition.include = .rows(rows) } else { definition.exclude = .rows(rows) }
            default:
                guard case .array(let values) = member.value else {
                    throw Failure(message: "matrix axis '\(member.key)' must be an array, but it is \(member.value.serialized())")
                }
                definition.axes[member.key] = .values(values)
            }
        }
        return definition
    }
}
