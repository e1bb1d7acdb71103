/// How a scalar was written. Only plain scalars are resolved by the core schema; the others are strings.
public enum ScalarStyle: UInt8, Sendable, Hashable {
    /// Unquoted.
    case plain
    /// In single quotes.
    case singleQuoted
    /// In double quotes.
    case doubleQuoted
    /// A `|` block scalar.
    case literal
    /// A `>` block scalar.
    case folded
}

/// The explicit tags the parser understands: the YAML core schema's, and `!`.
public enum Tag: String, Sendable, Hashable {
    /// `!!str`
    case str = "!!str"
    /// `!!int`
    case int = "!!int"
    /// `!!float`
    case float = "!!float"
    /// `!!bool`
    case bool = "!!bool"
    /// `!!null`
    case null = "!!null"
    /// `!!map`
    case map = "!!map"
    /// `!!seq`
    case seq = "!!seq"
    /// `!`, the non-specific tag: a scalar with it is a string.
    case nonSpecific = "!"
}

/// The value of a scalar under the YAML 1.2 core schema.
public enum ScalarValue: Sendable, Hashable {
    /// `~`, `null`, `Null`, `NULL` or nothing.
    case null
    /// `true`/`True`/`TRUE`/`false`/`False`/`FALSE`.
    case bool(Bool)
    /// Decimal, `0o` octal or `0x` hex integers.
    case int(Int)
    /// Decimal floats, `.inf` and `.nan` in their spellings.
    case float(Double)
    /// Everything else, and every quoted or block scalar.
    case string(String)
}

/// The core-schema resolution of plain scalars.
public enum CoreSchema {
    /// Resolves plain scalar text as the YAML 1.2 core schema does.
    ///
    /// `on`, `yes` and `2_17` stay strings; `0755` is 755; `3.10` is the float 3.1. Integers too
    /// large for `Int` become floats.
    public static func resolve(plain text: String) -> ScalarValue {
        guard let first = text.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "~"):
            return text.utf8.count == 1 ? .null : .string(text)
        case UInt8(ascii: "n"), UInt8(ascii: "N"):
            return text == "null" || text == "Null" || text == "NULL" ? .null : .string(text)
        case UInt8(ascii: "t"), UInt8(ascii: "T"):
            return text == "true" || text == "True" || text == "TRUE" ? .bool(true) : .string(text)
        case UInt8(ascii: "f"), UInt8(ascii: "F"):
            return text == "false" || text == "False" || text == "FALSE" ? .bool(false) : .string(text)
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            return number(text) ?? .string(text)
        default:
            return .string(text)
        }
    }

    private static func number(_ text: String) -> ScalarValue? {
        let bytes = Array(text.utf8)
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            if bytes[1] == UInt8(ascii: "o") {
                return integer(bytes[2...], radix: 8, text: text)
            }
            if bytes[1] == UInt8(ascii: "x") {
                return integer(bytes[2...], radix: 16, text: text)
            }
        }
        var index = 0
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") { index = 1 }
        let body = bytes[index...]
        if body.isEmpty { return nil }
        // .inf / .nan
        if body.first == UInt8(ascii: ".") {
            let word = String(decoding: body.dropFirst(), as: UTF8.self)
            if word == "inf" || word == "Inf" || word == "INF" {
                return .float(bytes[0] == UInt8(ascii: "-") ? -.infinity : .infinity)
            }
            if index == 0 && (word == "nan" || word == "NaN" || word == "NAN") { return .float(.nan) }
        }
        var digitsBefore = 0
        var i = body.startIndex
        while i < body.endIndex, isDigit(body[i]) {
            digitsBefore += 1
            i += 1
        }
        if i == body.endIndex {
            return integer(bytes[...], radix: 10, text: text)
        }
        var digitsAfter = 0
        var hasPoint = false
        if body[i] == UInt8(ascii: ".") {
            hasPoint = true
            i += 1
            while i < body.endIndex, isDigit(body[i]) {
                digitsAfter += 1
                i += 1
            }
        }
        // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
        if digitsBefore == 0 && !(hasPoint && digitsAfter > 0) { return nil }
        if i < body.endIndex {
            guard body[i] == UInt8(ascii: "e") || body[i] == UInt8(ascii: "E") else { return nil }
            i += 1
            if i < body.endIndex, body[i] == UInt8(ascii: "-") || body[i] == UInt8(ascii: "+") { i += 1 }
            var exponentDigits = 0
            while i < body.endIndex, isDigit(body[i]) {
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0, i == body.endIndex else { return nil }
        }
        var swiftText = text
        if swiftText.hasPrefix("+") { swiftText.removeFirst() }
        if swiftText.hasSuffix(".") { swiftText += "0" }
        swiftText = swiftText.replacing(".e", with: ".0e").replacing(".E", with: ".0E")
        if swiftText.hasPrefix(".") { swiftText = "0" + swiftText }
        if swiftText.hasPrefix("-.") { swiftText = "-0" + swiftText.dropFirst() }
        return Double(swiftText).map(ScalarValue.float)
    }

    private static func integer(_ bytes: ArraySlice<UInt8>, radix: Int, text: String) -> ScalarValue? {
        var digits = bytes
        var negative = false
        if radix == 10, let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var value = 0
        var overflow = false
        for byte in digits {
            guard let digit = digitValue(byte), digit < radix else { return nil }
            if !overflow {
                let (m, o1) = value.multipliedReportingOverflow(by: radix)
                let (s, o2) = m.addingReportingOverflow(digit)
                if o1 || o2 { overflow = true } else { value = s }
            }
        }
        if overflow {
            let magnitude = Double(String(decoding: digits, as: UTF8.self)) ?? .infinity
            return .float(negative ? -magnitude : magnitude)
        }
        return .int(negative ? -value : value)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
