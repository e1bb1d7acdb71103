/// Numbers as GitHub Actions turns them into text: in expressions, and when a YAML number fills a
/// string field (so `python-version: 3.10` becomes `3.1`).
///
/// GitHub's expression engine follows JavaScript's `Number.prototype.toString`: shortest
/// round-trip digits, plain notation for exponents in (-7, 21), `1e+21` style beyond.
public enum GitHubNumber {
    /// The text of `value`.
    public static func string(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        let sign = value < 0 ? "-" : ""
        let (digits, n) = JSONValue.shortestDigits(value)
        let k = digits.count
        if k <= n && n <= 21 {
            return sign + digits + String(repeating: "0", count: n - k)
        }
        if 0 < n && n <= 21 {
            let split = digits.index(digits.startIndex, offsetBy: n)
            return sign + digits[..<split] + "." + digits[split...]
        }
        if -6 < n && n <= 0 {
            return sign + "0." + String(repeating: "0", count: -n) + digits
        }
        let exponent = n - 1
        var mantissa = String(digits.prefix(1))
        if k > 1 { mantissa += "." + digits.dropFirst() }
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String(abs(exponent))
    }
}
