#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Numbers as GitHub Actions turns them into text: in expressions (`format`, `${{ }}` in strings,
/// comparisons with strings) and when a YAML number fills a string field (so
/// `python-version: 3.10` becomes `3.1`).
///
/// GitHub's runner formats with .NET's `"G15"`: at most 15 significant digits, trailing zeros
/// dropped, and `1.23456789012346E+19`-style scientific notation when the exponent is -5 or less,
/// or 15 or more. Zero is `0`; infinities are `Infinity` and `-Infinity`.
public enum GitHubNumber {
    /// The text of `value`.
    public static func string(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        // 15 significant digits, correctly rounded: d.dddddddddddddde±XX
        var buffer = [CChar](repeating: 0, count: 48)
        let written = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([value]) { vsnprintf(pointer.baseAddress, pointer.count, "%.14e", $0) }
        }
        let text = String(decoding: buffer.prefix(max(Int(written), 0)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]) else { return text }
        let negative = text.hasPrefix("-")
        var digits = text[..<e].filter { $0 >= "0" && $0 <= "9" }
        while digits.count > 1 && digits.hasSuffix("0") { digits.removeLast() }
        let sign = negative ? "-" : ""
        if exponent <= -5 || exponent >= 15 {
            var mantissa = String(digits.prefix(1))
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let magnitude = String(abs(exponent))
            return sign + mantissa + "E" + (exponent < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" : "") + magnitude
        }
        if exponent < 0 {
            return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        if digits.count <= exponent + 1 {
            return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count)
        }
        let split = digits.index(digits.startIndex, offsetBy: exponent + 1)
        return sign + digits[..<split] + "." + digits[split...]
    }
}
