import CIBasics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// JavaScript's number conversions, which GitHub's expression engines follow.
public enum JSNumber {
    /// `Number(text)`: trims white space; `""` is 0; decimal, `0x`, `0o`, `0b` and `Infinity`
    /// forms; anything else is NaN.
    public static func parse(_ text: String) -> Double {
        let trimmed = trimWhitespace(text)
        if trimmed.isEmpty { return 0 }
        let utf8 = Array(trimmed.utf8)
        if utf8.count > 2, utf8[0] == UInt8(ascii: "0") {
            let radix: Int?
            switch utf8[1] {
            case UInt8(ascii: "x"), UInt8(ascii: "X"): radix = 16
            case UInt8(ascii: "o"), UInt8(ascii: "O"): radix = 8
            case UInt8(ascii: "b"), UInt8(ascii: "B"): radix = 2
            default: radix = nil
            }
            if let radix { return integer(utf8[2...], radix: radix) }
        }
        var index = 0
        var negative = false
        if utf8[0] == UInt8(ascii: "+") || utf8[0] == UInt8(ascii: "-") {
            negative = utf8[0] == UInt8(ascii: "-")
            index = 1
        }
        let body = utf8[index...]
        if body.elementsEqual("Infinity".utf8) { return negative ? -.infinity : .infinity }
        // StrDecimalLiteral: digits [. digits] | . digits, then an optional exponent.
        var i = body.startIndex
        var digits = 0
        while i < body.endIndex, isDigit(body[i]) {
            i += 1
            digits += 1
        }
        if i < body.endIndex, body[i] == UInt8(ascii: ".") {
            i += 1
            while i < body.endIndex, isDigit(body[i]) {
                i += 1
                digits += 1
            }
        }
        guard digits > 0 else { return .nan }
        if i < body.endIndex, body[i] == UInt8(ascii: "e") || body[i] == UInt8(ascii: "E") {
            i += 1
            if i < body.endIndex, body[i] == UInt8(ascii: "+") || body[i] == UInt8(ascii: "-") { i += 1 }
            var exponentDigits = 0
            while i < body.endIndex, isDigit(body[i]) {
                i += 1
                exponentDigits += 1
            }
            guard exponentDigits > 0 else { return .nan }
        }
        guard i == body.endIndex else { return .nan }
        return strtod(trimmed, nil)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func integer(_ digits: ArraySlice<UInt8>, radix: Int) -> Double {
        var value = 0.0
        for byte in digits {
            let digit: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(byte - UInt8(ascii: "A")) + 10
            default: return .nan
            }
            guard digit < radix else { return .nan }
            value = value * Double(radix) + Double(digit)
        }
        return value
    }

    /// JavaScript's white space and line terminators, which `Number()` and `trim()` remove.
    public static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
            true
        default:
            false
        }
    }

    /// `text.trim()` as JavaScript does it.
    public static func trimWhitespace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !isWhitespace($0) }),
            let end = scalars.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(scalars[start...end])
    }

    /// `Number.prototype.toString()`: shortest round-trip digits, plain notation for exponents in
    /// (-7, 21), else `1e+21` style. This is how `toJSON` writes numbers.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        let sign = value < 0 ? "-" : ""
        let (digits, n) = JSONValue.shortestDigits(value)
        let k = digits.count
        if k <= n && n <= 21 { return sign + digits + String(repeating: "0", count: n - k) }
        if 0 < n && n <= 21 {
            let split = digits.index(digits.startIndex, offsetBy: n)
            return sign + digits[..<split] + "." + digits[split...]
        }
        if -6 < n && n <= 0 { return sign + "0." + String(repeating: "0", count: -n) + digits }
        let exponent = n - 1
        var mantissa = String(digits.prefix(1))
        if k > 1 { mantissa += "." + digits.dropFirst() }
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String(abs(exponent))
    }

    /// GitHub's number-to-string coercion (`format`, templates, string comparisons): .NET's `G15`.
    public static func coerceString(_ value: Double) -> String { GitHubNumber.string(value) }
}
