/// An expression that could not be read or evaluated, with GitHub's message and position.
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which phase failed.
    public enum Kind: String, Sendable, Hashable {
        /// Reading characters into tokens.
        case lexing
        /// Reading tokens into an expression (also unknown contexts and functions, argument counts).
        case parsing
        /// Evaluating: bad `format` strings, bad JSON, memory, ….
        case evaluation
    }

    /// Which phase failed.
    public var kind: Kind
    /// GitHub's message, such as `Unexpected symbol: '='`.
    public var message: String
    /// The 0-based offset of the problem in the expression, in UTF-16 code units, when known.
    public var offset: Int?
    /// The expression text.
    public var expression: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, offset: Int?, expression: String) {
        self.kind = kind
        self.message = message
        self.offset = offset
        self.expression = expression
    }

    /// GitHub's full text: `message. Located at position N within expression: expr`.
    public var description: String {
        if let offset { return "\(message). Located at position \(offset + 1) within expression: \(expression)" }
        return "\(message). Located within expression: \(expression)"
    }
}

/// The limits GitHub puts on expressions.
public enum ExpressionLimits {
    /// The longest expression, in characters.
    public static let maxLength = 21_000
    /// The deepest nesting of operators, accesses and calls.
    public static let maxDepth = 50
    /// The most memory intermediate results may hold while one expression evaluates, in bytes
    /// (counted as GitHub's runner counts: 2 bytes a character plus object overheads).
    public static let maxMemory = 1_048_576
}
