/// A parsed expression.
public indirect enum Expression: Sendable {
    /// A literal: `null`, `true`, `1.5`, `'text'`.
    case literal(ExpressionValue)
    /// A context such as `github`; `offset` is where its name starts.
    case context(name: String, offset: Int)
    /// `base[index]`, `base.name` or `base.*` / `base[*]` (index nil).
    case index(Expression, Expression?)
    /// `!operand`.
    case not(Expression)
    /// A comparison.
    case comparison(Comparison, Expression, Expression)
    /// `a && b && …`: the first falsy operand, or the last.
    case and([Expression])
    /// `a || b || …`: the first truthy operand, or the last.
    case or([Expression])
    /// `( inner )`.
    case group(Expression)
    /// A function call; the name is lower-cased.
    case call(name: String, arguments: [Expression], offset: Int)

    /// The comparison operators.
    public enum Comparison: Sendable {
        /// `==`
        case equal
        /// `!=`
        case notEqual
        /// `<`
        case less
        /// `<=`
        case lessOrEqual
        /// `>`
        case greater
        /// `>=`
        case greaterOrEqual
    }
}

extension Expression {
    /// The names of the functions the expression calls (lower-cased), anywhere in it.
    public var calledFunctions: Set<String> {
        var names = Set<String>()
        visit { if case .call(let name, _, _) = $0 { names.insert(name) } }
        return names
    }

    /// The contexts the expression reads (lower-cased), with the offset of each use.
    public var contextUses: [(name: String, offset: Int)] {
        var uses: [(name: String, offset: Int)] = []
        visit { if case .context(let name, let offset) = $0 { uses.append((name.lowercased(), offset)) } }
        return uses
    }

    /// Calls `body` on this node and every node inside it.
    public func visit(_ body: (Expression) -> Void) {
        body(self)
        switch self {
        case .literal, .context: break
        case .index(let base, let index):
            base.visit(body)
            index?.visit(body)
        case .not(let operand), .group(let operand): operand.visit(body)
        case .comparison(_, let left, let right):
            left.visit(body)
            right.visit(body)
        case .and(let operands), .or(let operands): for operand in operands { operand.visit(body) }
        case .call(_, let arguments, _): for argument in arguments { argument.visit(body) }
        }
    }
}
