/// How `JSONValue` is turned into text.
public struct JSONFormat: Sendable, Hashable {
    /// Indent nested values by this many spaces on new lines; nil writes everything on one line.
    public var indent: Int?
    /// Sort object members by key (by Unicode code point, as Python does).
    public var sortKeys: Bool
    /// Escape every non-ASCII character as `\uXXXX`.
    public var asciiOnly: Bool
    /// Write floats as Python's `repr` does, and `NaN`/`Infinity` for non-finite values.
    public var pythonFloats: Bool

    /// Creates a format.
    public init(indent: Int? = nil, sortKeys: Bool = false, asciiOnly: Bool = false, pythonFloats: Bool = false) {
        self.indent = indent
        self.sortKeys = sortKeys
        self.asciiOnly = asciiOnly
        self.pythonFloats = pythonFloats
    }

    /// `json.dumps(value, sort_keys=True)` from Python: the form of the corpus's `expected12/` files.
    public static let python = JSONFormat(indent: nil, sortKeys: true, asciiOnly: true, pythonFloats: true)
    /// Two-space indented, keys in their order: for people reading `inspect` output.
    public static let pretty = JSONFormat(indent: 2)
    /// One line, keys in their order: for NDJSON and machine-readable output.
    public static let compact = JSONFormat()
}

extension JSONValue {
    /// The value as JSON text in `format`.
    public func serialized(_ format: JSONFormat = .compact) -> String {
        var out = ""
        write(to: &out, format: format, level: 0)
        return out
    }

    private func write(to out: inout String, format: JSONFormat, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value): out += format.pythonFloats ? Self.pythonRepr(value) : Self.plainNumber(value)
        case .string(let value): Self.writeString(value, to: &out, asciiOnly: format.asciiOnly)
        case .array(let values):
            if values.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += format.indent == nil ? ", " : "," }
                newline(&out, format: format, level: level + 1)
                value.write(to: &out, format: format, level: level + 1)
            }
            newline(&out, format: format, level: level)
            out += "]"
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            let ordered = format.sortKeys ? members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : members
            out += "{"
            for (index, member) in ordered.enumerated() {
                if index > 0 { out += format.indent == nil ? ", " : "," }
                newline(&out, format: format, level: level + 1)
                Self.writeString(member.key, to: &out, asciiOnly: format.asciiOnly)
                out += ": "
                member.value.write(to: &out, format: format, level: level + 1)
            }
            newline(&out, format: format, level: level)
            out += "}"
        }
    }

    private func newline(_ out: inout String, format: JSONFormat, level: Int) {
        guard let indent = format.indent else { return }
        out += "\n"
        out += String(repeating: " ", count: indent * level)
    }

    /// Writes `value` as a JSON string literal.
    public static func writeString(_ value: String, to out: inout String, asciiOnly: Bool) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        appendEscape(0xD800 + (v >> 10), to: &out)
                        appendEscape(0xDC00 + (v & 0x3FF), to: &out)
                    } else {
                        appendEscape(scalar.value, to: &out)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func appendEscape(_ code: UInt32, to out: inout String) {
        let hex = String(code, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// A double written as a JSON number: integral values without a fraction.
    static func plainNumber(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return pythonRepr(value)
    }

    /// The shortest round-trip digits of `value` and its decimal exponent: value = 0.DIGITS × 10^exponent.
    public static func shortestDigits(_ value: Double) -> (digits: String, exponent: Int) {
        let text = "\(abs(value))"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits = ""
        var pointPosition = mantissa.count
        for (offset, character) in mantissa.enumerated() {
            if character == "." {
                pointPosition = offset
            } else {
                digits.append(character)
            }
        }
        var decimalExponent = pointPosition + exponent
        while digits.first == "0" && digits.count > 1 {
            digits.removeFirst()
            decimalExponent -= 1
        }
        while digits.last == "0" && digits.count > 1 { digits.removeLast() }
        if digits == "0" { decimalExponent = 1 }
        return (digits, decimalExponent)
    }

    /// Python's `repr(float)`: shortest round-trip digits, fixed notation for exponents in
    /// [-4, 16), else `d.ddde+XX`.
    public static func pythonRepr(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        let sign = value.sign == .minus ? "-" : ""
        if value == 0 { return sign + "0.0" }
        let (digits, decpt) = shortestDigits(value)
        if decpt > -4 && decpt <= 16 {
            if decpt <= 0 {
                return sign + "0." + String(repeating: "0", count: -decpt) + digits
            }
            if digits.count <= decpt {
                return sign + digits + String(repeating: "0", count: decpt - digits.count) + ".0"
            }
            let split = digits.index(digits.startIndex, offsetBy: decpt)
            return sign + digits[..<split] + "." + digits[split...]
        }
        let exponent = decpt - 1
        var mantissa = String(digits.prefix(1))
        if digits.count > 1 { mantissa += "." + digits.dropFirst() }
        let expDigits = String(abs(exponent))
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (expDigits.count < 2 ? "0" : "") + expDigits
    }
}
