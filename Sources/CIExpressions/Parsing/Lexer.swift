/// Splits an expression into tokens, exactly as GitHub's engines do, including their quirks:
/// `-`/`+` always start a number, `.` starts one unless it follows a name, `]`, `)` or `*`, and
/// anything that is not a legal token is reported with the run of characters up to the next boundary.
struct Lexer {
    private let text: String
    private let units: [UInt16]
    private var start = 0
    private var offset = 0
    private var tokens: [Token] = []

    init(_ text: String) {
        self.text = text
        self.units = Array(text.utf16)
    }

    static func tokenize(_ text: String) throws(ExpressionError) -> [Token] {
        var lexer = Lexer(text)
        return try lexer.run()
    }

    private mutating func run() throws(ExpressionError) -> [Token] {
        guard units.count <= ExpressionLimits.maxLength else {
            throw ExpressionError(.lexing, "Exceeded max expression length \(ExpressionLimits.maxLength)", offset: nil, expression: text)
        }
        while offset < units.count {
            start = offset
            let unit = units[offset]
            offset += 1
            switch unit {
            case 0x28: add(.leftParen)
            case 0x29: add(.rightParen)
            case 0x5B: add(.leftBracket)
            case 0x5D: add(.rightBracket)
            case 0x2C: add(.comma)
            case 0x2E:
                switch tokens.last?.kind {
                case .identifier?, .rightBracket?, .rightParen?, .star?: add(.dot)
                default: try number()
                }
            case 0x2D, 0x2B: try number()
            case 0x21: add(match(0x3D) ? .bangEqual : .bang)
            case 0x3D:
                if match(0x3D) { add(.equalEqual) } else { try identifier() }
            case 0x3C: add(match(0x3D) ? .lessEqual : .less)
            case 0x3E: add(match(0x3D) ? .greaterEqual : .greater)
            case 0x26:
                if match(0x26) { add(.and) } else { try identifier() }
            case 0x7C:
                if match(0x7C) { add(.or) } else { try identifier() }
            case 0x2A: add(.star)
            case 0x20, 0x0D, 0x09, 0x0A: continue
            case 0x27: try string()
            case 0x30...0x39: try number()
            default: try identifier()
            }
        }
        tokens.append(Token(kind: .end, lexeme: "", offset: units.count))
        return tokens
    }

    private mutating func match(_ unit: UInt16) -> Bool {
        guard offset < units.count, units[offset] == unit else { return false }
        offset += 1
        return true
    }

    private var lexeme: String { String(decoding: units[start..<offset], as: UTF16.self) }

    private mutating func add(_ kind: TokenKind, number: Double = 0, string: String = "") {
        tokens.append(Token(kind: kind, lexeme: lexeme, number: number, string: string, offset: start))
    }

    private func unexpected(_ symbol: String) -> ExpressionError {
        ExpressionError(.lexing, "Unexpected symbol: '\(symbol)'", offset: start, expression: text)
    }

    private mutating func number() throws(ExpressionError) {
        while offset < units.count, !Self.isBoundary(units[offset]) || units[offset] == 0x2E { offset += 1 }
        let value = JSNumber.parse(lexeme)
        guard !value.isNaN else { throw unexpected(lexeme) }
        add(.number, number: value)
    }

    private mutating func string() throws(ExpressionError) {
        while offset < units.count, units[offset] != 0x27 || (offset + 1 < units.count && units[offset + 1] == 0x27) {
            if units[offset] == 0x27 { offset += 1 }
            offset += 1
        }
        guard offset < units.count else { throw unexpected(String(decoding: units[start...], as: UTF16.self)) }
        offset += 1
        let inner = String(decoding: units[(start + 1)..<(offset - 1)], as: UTF16.self)
        add(.string, string: inner.replacing("''", with: "'"))
    }

    private mutating func identifier() throws(ExpressionError) {
        while offset < units.count, !Self.isBoundary(units[offset]) { offset += 1 }
        let word = lexeme
        var kind = TokenKind.identifier
        var value = 0.0
        if tokens.last?.kind != .dot {
            switch word {
            case "true": kind = .trueLiteral
            case "false": kind = .falseLiteral
            case "null": kind = .nullLiteral
            case "NaN":
                kind = .number
                value = .nan
            case "Infinity":
                kind = .number
                value = .infinity
            default: break
            }
        }
        guard Self.isLegalIdentifier(word) else { throw unexpected(word) }
        add(kind, number: value)
    }

    /// Characters that end a number or a name.
    static func isBoundary(_ unit: UInt16) -> Bool {
        switch unit {
        case 0x28, 0x5B, 0x29, 0x5D, 0x2C, 0x2E, 0x21, 0x3E, 0x3C, 0x3D, 0x26, 0x7C: return true
        default:
            guard let scalar = Unicode.Scalar(unit) else { return false }
            return JSNumber.isWhitespace(scalar)
        }
    }

    /// `[A-Za-z_][A-Za-z0-9_-]*`.
    static func isLegalIdentifier(_ word: String) -> Bool {
        let units = Array(word.utf8)
        guard let first = units.first else { return false }
        func isLetter(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) }
        guard isLetter(first) || first == 0x5F else { return false }
        return units.dropFirst().allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }
    }
}
