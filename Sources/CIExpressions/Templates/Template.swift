/// A string with `${{ }}` expressions in it, read the way GitHub reads workflow values.
///
/// An expression runs from `${{` to the first `}}` outside a single-quoted string literal. A value
/// that is exactly one expression keeps the expression's type; otherwise the pieces are joined as
/// text. `${{ 'literal' }}` alone is read as the literal text.
public struct Template: Sendable {
    /// One piece of a template.
    public enum Segment: Sendable {
        /// Text outside any expression.
        case text(String)
        /// An expression: its parse (nil when empty after trimming is impossible — see `parse`), its
        /// source text (trimmed), and the UTF-16 offset of that text in the template.
        case expression(Expression?, source: String, offset: Int)
    }

    /// A problem in a template: GitHub's message and where it is (UTF-16 offset in the template).
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// The UTF-16 offset in the template where it is.
        public var offset: Int
        /// The expression error behind it, if any.
        public var expressionError: ExpressionError?
        /// The message.
        public var description: String { message }

        /// Creates a problem.
        public init(message: String, offset: Int, expressionError: ExpressionError? = nil) {
            self.message = message
            self.offset = offset
            self.expressionError = expressionError
        }
    }

    /// The pieces, in order.
    public var segments: [Segment]
    /// Whether the template is the `${{ insert }}` directive (a mapping key that merges a mapping in).
    public var isInsertDirective: Bool

    /// Whether the template is exactly one expression, so its value keeps its type.
    public var isSingleExpression: Bool {
        if segments.count == 1, case .expression = segments[0] { return true }
        return false
    }

    /// The expressions in the template.
    public var expressions: [(expression: Expression?, source: String, offset: Int)] {
        segments.compactMap { segment in
            if case .expression(let expression, let source, let offset) = segment { return (expression, source, offset) }
            return nil
        }
    }

    /// Reads `text` as a template; nil when it holds no `${{`.
    public static func parse(_ text: String, options: ParseOptions = .permissive) throws(Problem) -> Template? {
        var copy = text
        let result: Result<Template?, Problem> = copy.withUTF8 { bytes in
            do throws(Problem) {
                return .success(try parse(bytes, utf16Count: text.utf16.count, options: options))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// `parse(_:options:)` on the text's UTF-8 bytes; offsets in problems and segments are UTF-16.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, utf16Count: Int, options: ParseOptions) throws(Problem) -> Template? {
        func find(_ from: Int) -> Int? {
            guard bytes.count >= 3, from <= bytes.count - 3 else { return nil }
            var index = from
            while index <= bytes.count - 3 {
                if bytes[index] == 0x24 && bytes[index + 1] == 0x7B && bytes[index + 2] == 0x7B { return index }
                index += 1
            }
            return nil
        }
        guard var start = find(0) else { return nil }
        let positions = UTF16Positions(bytes, utf16Count: utf16Count)
        func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        var segments: [Segment] = []
        var index = 0
        // Text outside expressions, waiting for the next expression (pieces around `insert` join).
        var pendingText: [Range<Int>] = []
        func flushText() {
            guard !pendingText.isEmpty else { return }
            if pendingText.count == 1 {
                segments.append(.text(string(pendingText[0])))
            } else {
                segments.append(.text(pendingText.map(string).joined()))
            }
            pendingText = []
        }
        var isInsert = false
        while index < bytes.count {
            if index == start {
                var end: Int?
                var inString = false
                var cursor = start + 3
                while cursor < bytes.count {
                    if bytes[cursor] == 0x27 {
                        inString.toggle()
                    } else if !inString && bytes[cursor] == 0x7D && bytes[cursor - 1] == 0x7D && cursor - 1 >= start + 3 {
                        end = cursor
                        break
                    }
                    cursor += 1
                }
                guard let end else {
                    throw Problem(
                        message:
                            "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found.",
                        offset: positions[start])
                }
                var innerStart = start + 3
                var innerEnd = end - 1
                while innerStart < innerEnd, UTF16Positions.isWhitespace(in: bytes, at: innerStart) {
                    innerStart += UTF16Positions.scalar(in: bytes, at: innerStart).length
                }
                guard innerStart < innerEnd else { throw Problem(message: "An expression was expected", offset: positions[start]) }
                while true {
                    var last = innerEnd - 1
                    while bytes[last] & 0xC0 == 0x80 { last -= 1 }
                    guard UTF16Positions.isWhitespace(in: bytes, at: last) else { break }
                    innerEnd = last
                }
                let trimmed = string(innerStart..<innerEnd)
                let offset = positions[innerStart]
                if trimmed == "insert" {
                    isInsert = true
                } else {
                    let expression: Expression?
                    do {
                        expression = try Expression.parse(trimmed, options: options)
                    } catch {
                        throw Problem(message: error.description, offset: offset + (error.offset ?? 0), expressionError: error)
                    }
                    flushText()
                    segments.append(.expression(expression, source: trimmed, offset: offset))
                }
                index = end + 1
                start = find(index) ?? bytes.count
            } else if index < start {
                pendingText.append(index..<start)
                index = start
            } else {
                pendingText.append(index..<bytes.count)
                break
            }
        }
        flushText()
        if isInsert {
            guard segments.isEmpty else {
                throw Problem(
                    message:
                        "The directive 'insert' is not allowed in this context. Directives are not supported for expressions that are embedded within a string. Directives are only supported when the entire value is an expression.",
                    offset: 0)
            }
            return Template(segments: [], isInsertDirective: true)
        }
        // `${{ 'text' }}` alone is the literal text.
        if segments.count == 1, case .expression(.literal(.string(let literal))?, _, _) = segments[0] {
            return Template(segments: [.text(literal)], isInsertDirective: false)
        }
        return Template(segments: segments, isInsertDirective: false)
    }

    /// Evaluates the template: the expression's own value when the template is one expression,
    /// else the text with each expression's value as a string.
    public func evaluate(in context: EvaluationContext) throws(ExpressionError) -> ExpressionValue {
        if isSingleExpression, case .expression(let expression, let source, _) = segments[0] {
            return try expression?.evaluate(in: context, text: source) ?? .null
        }
        var result = ""
        for segment in segments {
            switch segment {
            case .text(let text): result += text
            case .expression(let expression, let source, _):
                result += try (expression?.evaluate(in: context, text: source) ?? .null).stringValue
            }
        }
        return .string(result)
    }

    /// Evaluates `text` as a template; a string without `${{` is returned as it is.
    public static func evaluate(_ text: String, in context: EvaluationContext, options: ParseOptions = .permissive) throws(ExpressionError)
        -> ExpressionValue
    {
        let template: Template?
        do throws(Problem) {
            template = try parse(text, options: options)
        } catch {
            throw error.expressionError ?? ExpressionError(.parsing, error.message, offset: error.offset, expression: text)
        }
        guard let template else { return .string(text) }
        return try template.evaluate(in: context)
    }
}
