/// Splits an expression into tokens, exactly as GitHub's engines do, including their quirks:
/// `-`/`+` always start a number, `.` starts one unless it follows a name, `]`, `)` or `*`, and
/// anything that is not a legal token is reported with the run of characters up to the next boundary.
///
/// It reads the UTF-8 bytes of the text; token offsets are in UTF-16 code units, as GitHub counts.
struct Lexer {
    private let text: String
    private let bytes: UnsafeBufferPointer<UInt8>
    private let positions: UTF16Positions
    private let utf16Count: Int
    private var start = 0
    private var offset = 0
    private var tokens: [Token] = []

    private init(text: String, bytes: UnsafeBufferPointer<UInt8>, utf16Count: Int) {
        self.text = text
        self.bytes = bytes
        self.utf16Count = utf16Count
        self.positions = UTF16Positions(bytes, utf16Count: utf16Count)
    }

    static func tokenize(_ text: String) throws(ExpressionError) -> [Token] {
        let utf16Count = text.utf16.count
        guard utf16Count <= ExpressionLimits.maxLength else {
            throw ExpressionError(.lexing, "Exceeded max expression length \(ExpressionLimits.maxLength)", offset: nil, expression: text)
        }
        var copy = text
        let result: Result<[Token], ExpressionError> = copy.withUTF8 { bytes in
            var lexer = Lexer(text: text, bytes: bytes, utf16Count: utf16Count)
            do throws(ExpressionError) {
                return .success(try lexer.run())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func utf16(_ byteOffset: Int) -> Int { positions[byteOffset] }

    private mutating func run() throws(ExpressionError) -> [Token] {
        while offset < bytes.count {
            start = offset
            let byte = bytes[offset]
            offset += 1
            switch byte {
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
            default:
                // The whole character, not just its first byte.
                while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
                try identifier()
            }
        }
        tokens.append(Token(kind: .end, lexeme: "", offset: utf16Count))
        return tokens
    }

    private mutating func match(_ byte: UInt8) -> Bool {
        guard offset < bytes.count, bytes[offset] == byte else { return false }
        offset += 1
        return true
    }

    private var lexeme: String { String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self) }

    /// Adds a punctuation token, whose text is always the same.
    private mutating func add(_ kind: TokenKind) {
        tokens.append(Token(kind: kind, lexeme: kind.spelling, offset: utf16(start)))
    }

    private mutating func add(_ kind: TokenKind, lexeme: String, number: Double = 0, string: String = "") {
        tokens.append(Token(kind: kind, lexeme: lexeme, number: number, string: string, offset: utf16(start)))
    }

    private func unexpected(_ symbol: String) -> ExpressionError {
        ExpressionError(.lexing, "Unexpected symbol: '\(symbol)'", offset: utf16(start), expression: text)
    }

    /// Whether a boundary (see `isBoundary`) starts at `index`.
    private func boundary(at index: Int) -> Bool {
        let byte = bytes[index]
        if byte < 0x80 { return Self.isBoundary(UInt16(byte)) }
        // Past the BMP, UTF-16 has surrogates, which are no boundary (nor is any such scalar).
        return byte < 0xF0 && UTF16Positions.isWhitespace(in: bytes, at: index)
    }

    private mutating func number() throws(ExpressionError) {
        while offset < bytes.count, !boundary(at: offset) || bytes[offset] == 0x2E { offset += 1 }
        let text = lexeme
        let value = JSNumber.parse(text)
        guard !value.isNaN else { throw unexpected(text) }
        add(.number, lexeme: text, number: value)
    }

    private mutating func string() throws(ExpressionError) {
        var doubled = false
        while offset < bytes.count, bytes[offset] != 0x27 || (offset + 1 < bytes.count && bytes[offset + 1] == 0x27) {
            if bytes[offset] == 0x27 {
                offset += 1
                doubled = true
            }
            offset += 1
        }
        guard offset < bytes.count else {
            throw unexpected(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
        }
        offset += 1
        let inner = bytes[(start + 1)..<(offset - 1)]
        let value: String
        if doubled && inner.contains(where: { $0 >= 0x80 }) {
            // Character by character, as before: a quote with a combining mark is not a quote.
            value = String(decoding: UnsafeBufferPointer(rebasing: inner), as: UTF8.self).replacing("''", with: "'")
        } else if doubled {
            // `''` is one quote.
            var unescaped: [UInt8] = []
            unescaped.reserveCapacity(inner.count)
            var index = inner.startIndex
            while index < inner.endIndex {
                unescaped.append(inner[index])
                index += inner[index] == 0x27 ? 2 : 1
            }
            value = String(decoding: unescaped, as: UTF8.self)
        } else {
            value = String(decoding: UnsafeBufferPointer(rebasing: inner), as: UTF8.self)
        }
        add(.string, lexeme: lexeme, string: value)
    }

    private mutating func identifier() throws(ExpressionError) {
        while offset < bytes.count, !boundary(at: offset) { offset += 1 }
        let word = UnsafeBufferPointer(rebasing: bytes[start..<offset])
        var kind = TokenKind.identifier
        var value = 0.0
        if tokens.last?.kind != .dot {
            if Self.equals(word, "true") {
                kind = .trueLiteral
            } else if Self.equals(word, "false") {
                kind = .falseLiteral
            } else if Self.equals(word, "null") {
                kind = .nullLiteral
            } else if Self.equals(word, "NaN") {
                kind = .number
                value = .nan
            } else if Self.equals(word, "Infinity") {
                kind = .number
                value = .infinity
            }
        }
        let text = lexeme
        guard Self.isLegalIdentifier(word) else { throw unexpected(text) }
        add(kind, lexeme: text, number: value)
    }

    private static func equals(_ word: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        word.count == literal.utf8CodeUnitCount
            && word.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
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
    static func isLegalIdentifier(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = word.first else { return false }
        func isLetter(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) }
        guard isLetter(first) || first == 0x5F else { return false }
        return word.dropFirst().allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }
    }
}

extension TokenKind {
    /// The text of a punctuation token (the one way to write it); empty for other kinds.
    var spelling: String {
        switch self {
        case .leftParen: "("
        case .rightParen: ")"
        case .leftBracket: "["
        case .rightBracket: "]"
        case .comma: ","
        case .dot: "."
        case .bang: "!"
        case .bangEqual: "!="
        case .equalEqual: "=="
        case .greater: ">"
        case .greaterEqual: ">="
        case .less: "<"
        case .lessEqual: "<="
        case .and: "&&"
        case .or: "||"
        case .star: "*"
        case .number, .string, .identifier, .trueLiteral, .falseLiteral, .nullLiteral, .end: ""
        }
    }
}
