/// The kinds of token in an expression.
enum TokenKind: Sendable, Hashable {
    case leftParen, rightParen, leftBracket, rightBracket, comma, dot
    case bang, bangEqual, equalEqual, greater, greaterEqual, less, lessEqual, and, or
    case star, number, string, identifier, trueLiteral, falseLiteral, nullLiteral
    case end
}

/// One token: its kind, its text, its value for literals, and where it starts (UTF-16 offset).
struct Token: Sendable {
    var kind: TokenKind
    var lexeme: String
    var number: Double = 0
    var string: String = ""
    var offset: Int

    /// The token as GitHub quotes it in messages.
    var quoted: String {
        switch kind {
        case .end: "EOF"
        case .string: string
        default: lexeme
        }
    }
}
