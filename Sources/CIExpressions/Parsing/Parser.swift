/// What an expression may refer to while it is parsed.
public struct ParseOptions: Sendable, Hashable {
    /// The context names the expression may read, lower-cased; nil allows any name.
    public var contexts: Set<String>?
    /// Functions beyond the built-ins (`success`, `hashFiles`, …): lower-cased name to the allowed
    /// number of arguments.
    public var functions: [String: ClosedRange<Int>]

    /// Creates options.
    public init(contexts: Set<String>? = nil, functions: [String: ClosedRange<Int>] = [:]) {
        self.contexts = contexts.map { Set($0.map { $0.lowercased() }) }
        self.functions = functions
    }

    /// Any context; the built-in functions plus the status functions and `hashFiles`.
    public static let permissive = ParseOptions(contexts: nil, functions: Functions.workflowFunctions)
}

/// Reads tokens into an `Expression` with GitHub's precedence — `||` < `&&` < `==`/`!=` <
/// `<`/`<=`/`>`/`>=` < `!` < indexing and property access — and its depth limit of 50.
struct Parser {
    private let tokens: [Token]
    private let text: String
    private let options: ParseOptions
    private var position = 0
    private var depth = 0

    static func parse(_ text: String, options: ParseOptions) throws(ExpressionError) -> Expression? {
        if options.contexts == nil, let chain = propertyChain(text) { return chain }
        return try parseTokens(text, options: options)
    }

    /// `parse` without the `propertyChain` shortcut.
    static func parseTokens(_ text: String, options: ParseOptions) throws(ExpressionError) -> Expression? {
        let tokens = try Lexer.tokenize(text)
        var parser = Parser(tokens: tokens, text: text, options: options)
        return try parser.run()
    }

    /// The most common expression, a context and property names (`matrix.os`,
    /// `secrets.GITHUB_TOKEN`), read without tokens: exactly what the lexer and parser make of
    /// it, or nil for anything else (spaces, brackets, calls, a literal keyword first, names
    /// that are not `[A-Za-z_][A-Za-z0-9_-]*`, or more names than stay clear of the depth limit).
    static func propertyChain(_ text: String) -> Expression? {
        func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F }
        func isNameByte(_ byte: UInt8) -> Bool { isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D }
        var copy = text
        return copy.withUTF8 { bytes -> Expression? in
            guard bytes.count <= 256, let first = bytes.first, isLetter(first) else { return nil }
            var dots = 0
            var atNameStart = true
            for byte in bytes {
                if byte == 0x2E {
                    guard !atNameStart else { return nil }
                    dots += 1
                    atNameStart = true
                } else if atNameStart {
                    guard isLetter(byte) else { return nil }
                    atNameStart = false
                } else {
                    guard isNameByte(byte) else { return nil }
                }
            }
            guard !atNameStart, dots < 40 else { return nil }
            var result: Expression?
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x2E {
                let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                if let base = result {
                    result = .index(base, .literal(.string(name)))
                } else {
                    switch name {
                    case "true", "false", "null", "NaN", "Infinity": return nil
                    default: result = .context(name: name, offset: 0)
                    }
                }
                start = index + 1
            }
            return result
        }
    }

    private init(tokens: [Token], text: String, options: ParseOptions) {
        self.tokens = tokens
        self.text = text
        self.options = options
    }

    private mutating func run() throws(ExpressionError) -> Expression? {
        if atEnd { return nil }
        let result = try expression()
        if !atEnd { throw error("Unexpected symbol", peek) }
        return result
    }

    // MARK: Tokens

    private var peek: Token { tokens[position] }
    private var previous: Token { tokens[max(position - 1, 0)] }
    private var atEnd: Bool { peek.kind == .end }

    private func check(_ kind: TokenKind) -> Bool { !atEnd && peek.kind == kind }

    private mutating func match(_ kinds: TokenKind...) -> Bool {
        for kind in kinds where check(kind) {
            position += 1
            return true
        }
        return false
    }

    private mutating func consume(_ kind: TokenKind) throws(ExpressionError) {
        guard check(kind) else { throw error("Unexpected symbol", peek) }
        position += 1
    }

    private func error(_ description: String, _ token: Token) -> ExpressionError {
        ExpressionError(.parsing, "\(description): '\(token.quoted)'", offset: token.offset, expression: text)
    }

    private mutating func enter() throws(ExpressionError) {
        depth += 1
        if depth > ExpressionLimits.maxDepth { throw error("Exceeded max expression depth \(ExpressionLimits.maxDepth)", peek) }
    }

    // MARK: Grammar

    private mutating func expression() throws(ExpressionError) -> Expression {
        try enter()
        defer { depth -= 1 }
        return try logicalOr()
    }

    private mutating func logicalOr() throws(ExpressionError) -> Expression {
        let first = try logicalAnd()
        guard check(.or) else { return first }
        try enter()
        defer { depth -= 1 }
        var operands = [first]
        while match(.or) { operands.append(try logicalAnd()) }
        return .or(operands)
    }

    private mutating func logicalAnd() throws(ExpressionError) -> Expression {
        let first = try equality()
        guard check(.and) else { return first }
        try enter()
        defer { depth -= 1 }
        var operands = [first]
        while match(.and) { operands.append(try equality()) }
        return .and(operands)
    }

    private mutating func equality() throws(ExpressionError) -> Expression {
        var result = try comparison()
        while match(.bangEqual, .equalEqual) {
            let comparison: Expression.Comparison = previous.kind == .equalEqual ? .equal : .notEqual
            result = .comparison(comparison, result, try self.comparison())
        }
        return result
    }

    private mutating func comparison() throws(ExpressionError) -> Expression {
        var result = try unary()
        while match(.greater, .greaterEqual, .less, .lessEqual) {
            let comparison: Expression.Comparison
            switch previous.kind {
            case .greater: comparison = .greater
            case .greaterEqual: comparison = .greaterOrEqual
            case .less: comparison = .less
            default: comparison = .lessOrEqual
            }
            result = .comparison(comparison, result, try unary())
        }
        return result
    }

    private mutating func unary() throws(ExpressionError) -> Expression {
        guard match(.bang) else { return try index() }
        try enter()
        defer { depth -= 1 }
        return .not(try unary())
    }

    private mutating func index() throws(ExpressionError) -> Expression {
        var result = try call()
        switch result {
        case .group, .call, .context: break
        default: return result
        }
        var levels = 0
        defer { depth -= levels }
        while true {
            if match(.leftBracket) {
                let key: Expression? = match(.star) ? nil : try expression()
                try consume(.rightBracket)
                try enter()
                levels += 1
                result = .index(result, key)
            } else if match(.dot) {
                try enter()
                levels += 1
                if match(.identifier) {
                    result = .index(result, .literal(.string(previous.lexeme)))
                } else if match(.star) {
                    result = .index(result, nil)
                } else {
                    throw error("Unexpected symbol", peek)
                }
            } else {
                return result
            }
        }
    }

    private mutating func call() throws(ExpressionError) -> Expression {
        guard check(.identifier) else { return try primary() }
        let name = peek
        position += 1
        guard match(.leftParen) else {
            if let contexts = options.contexts, !contexts.contains(name.lexeme.lowercased()) {
                throw error("Unrecognized named-value", name)
            }
            return .context(name: name.lexeme, offset: name.offset)
        }
        var arguments: [Expression] = []
        while !match(.rightParen) {
            arguments.append(try expression())
            if !check(.rightParen) { try consume(.comma) }
        }
        let lowered = name.lexeme.lowercased()
        guard let arity = Functions.builtins[lowered] ?? options.functions[lowered] else {
            throw error("Unrecognized function", name)
        }
        if arguments.count < arity.lowerBound { throw error("Too few parameters supplied", name) }
        if arguments.count > arity.upperBound { throw error("Too many parameters supplied", name) }
        if lowered == "case" && arguments.count % 2 == 0 {
            throw error("Even number of parameters supplied, requires an odd number of parameters", name)
        }
        return .call(name: lowered, arguments: arguments, offset: name.offset)
    }

    private mutating func primary() throws(ExpressionError) -> Expression {
        if match(.falseLiteral) { return .literal(.boolean(false)) }
        if match(.trueLiteral) { return .literal(.boolean(true)) }
        if match(.nullLiteral) { return .literal(.null) }
        if match(.number) { return .literal(.number(previous.number)) }
        if match(.string) { return .literal(.string(previous.string)) }
        if match(.leftParen) {
            let inner = try expression()
            if atEnd { throw error("Unexpected end of expression", previous) }
            try consume(.rightParen)
            return .group(inner)
        }
        if atEnd { throw error("Unexpected end of expression", previous) }
        throw error("Unexpected symbol", peek)
    }
}

extension Expression {
    /// Parses an expression (the text inside `${{ }}`, or a bare `if:` condition).
    ///
    /// An empty expression parses to nil, which evaluates to null.
    public static func parse(_ text: String, options: ParseOptions = .permissive) throws(ExpressionError) -> Expression? {
        try Parser.parse(text, options: options)
    }
}
