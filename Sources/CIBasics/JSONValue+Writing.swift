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
        String(decoding: serializedBytes(format), as: UTF8.self)
    }

    /// The value as JSON text in `format`, in UTF-8 bytes.
    public func serializedBytes(_ format: JSONFormat = .compact) -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out, format: format, level: 0)
        return out
    }

    /// The value as one line of compact JSON (NDJSON), with its line feed, in UTF-8 bytes.
    public func serializedLine() -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out, format: .compact, level: 0)
        out.append(0x0A)
        return out
    }

    private func write(to out: inout [UInt8], format: JSONFormat, level: Int) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .int(let value): out += String(value).utf8
        case .double(let value): out += (format.pythonFloats ? Self.pythonRepr(value) : Self.plainNumber(value)).utf8
        case .string(let value): Self.writeString(value, to: &out, asciiOnly: format.asciiOnly)
        case .array(let values):
            if values.isEmpty {
                out += "[]".utf8
                return
            }
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out += (format.indent == nil ? ", " : ",").utf8 }
                newline(&out, format: format, level: level + 1)
                value.write(to: &out, format: format, level: level + 1)
            }
            newline(&out, format: format, level: level)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                out += "{}".utf8
                return
            }
            let ordered = format.sortKeys ? members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : members
            out.append(UInt8(ascii: "{"))
            for (index, member) in ordered.enumerated() {
                if index > 0 { out += (format.indent == nil ? ", " : ",").utf8 }
                newline(&out, format: format, level: level + 1)
                Self.writeString(member.key, to: &out, asciiOnly: format.asciiOnly)
                out += ": ".utf8
                member.value.write(to: &out, format: format, level: level + 1)
            }
            newline(&out, format: format, level: level)
            out.append(UInt8(ascii: "}"))
        }
    }

    private func newline(_ out: inout [UInt8], format: JSONFormat, level: Int) {
        guard let indent = format.indent else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    /// Writes `value` as a JSON string literal.
    public static func writeString(_ value: String, to out: inout String, asciiOnly: Bool) {
        var bytes: [UInt8] = []
        writeString(value, to: &bytes, asciiOnly: asciiOnly)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `value` as a JSON string literal, in UTF-8: `"`, `\\`, `\n`, `\r`, `\t`, `\b` and
    /// `\f` escaped by name, other control characters (and, with `asciiOnly`, everything past
    /// `~`) as `\uXXXX`, the rest as it is.
    public static func writeString(_ value: String, to out: inout [UInt8], asciiOnly: Bool) {
        var value = value
        value.withUTF8 { writeUTF8String($0, to: &out, asciiOnly: asciiOnly) }
    }

    /// Writes valid UTF-8 `bytes` as a JSON string literal (see `writeString`), in one pass into
    /// memory sized for the worst case (every byte becoming six): steps' output goes through here,
    /// hundreds of megabytes of it for a chatty step.
    private static func writeUTF8String(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], asciiOnly: Bool) {
        guard let source = bytes.baseAddress else {
            out += #""""#.utf8
            return
        }
        let count = bytes.count
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: count * 6 + 2)
        defer { buffer.deallocate() }
        var written = 0
        /// Writes `\uXXXX` (lower-case hex digits).
        func escape(_ code: UInt32) {
            buffer[written] = UInt8(ascii: "\\")
            buffer[written + 1] = UInt8(ascii: "u")
            for offset in 0..<4 {
                let digit = UInt8(truncatingIfNeeded: code >> UInt32(12 - 4 * offset)) & 0xF
                buffer[written + 2 + offset] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
            }
            written += 6
        }
        buffer[written] = UInt8(ascii: "\"")
        written += 1
        var index = 0
        while index < count {
            // Eight bytes at a time: all of them are copied, and kept up to the first that needs
            // an escape (the buffer has room for the extra bytes).
            if index + 8 <= count {
                let word = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
                UnsafeMutableRawPointer(buffer + written).storeBytes(of: word, as: UInt64.self)
                let found = escapes(UInt64(littleEndian: word), asciiOnly: asciiOnly)
                let clean = found.trailingZeroBitCount >> 3
                written += clean
                index += clean
                if clean == 8 { continue }
            }
            let byte = source[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && (!asciiOnly || byte < 0x7F) {
                buffer[written] = byte
                written += 1
                index += 1
            } else if byte < 0x80 {
                if let letter = namedEscape(byte) {
                    buffer[written] = UInt8(ascii: "\\")
                    buffer[written + 1] = letter
                    written += 2
                } else {
                    escape(UInt32(byte))
                }
                index += 1
            } else {
                // Not ASCII, escaped (asciiOnly): decode the scalar; 2 to 4 bytes become 6 or 12.
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                var scalar = UInt32(byte) & (0x7F >> length)
                for offset in 1..<length where index + offset < count {
                    scalar = scalar << 6 | UInt32(source[index + offset] & 0x3F)
                }
                if scalar > 0xFFFF {
                    escape(0xD800 + ((scalar - 0x10000) >> 10))
                    escape(0xDC00 + ((scalar - 0x10000) & 0x3FF))
                } else {
                    escape(scalar)
                }
                index += length
            }
        }
        buffer[written] = UInt8(ascii: "\"")
        written += 1
        out.append(contentsOf: UnsafeBufferPointer(start: buffer, count: written))
    }

    /// The high bit of each of the eight bytes in `word` (little-endian) that needs an escape:
    /// below 0x20, `"`, `\\`, or (with `asciiOnly`) 0x7F and above. Bit tricks from "Bit Twiddling
    /// Hacks" (haszero, hasless); a byte above one that needs an escape may be flagged too, so only
    /// the lowest flag is exact, and that is the one used.
    @inline(__always)
    private static func escapes(_ word: UInt64, asciiOnly: Bool) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        var found = hasZero(word ^ (ones &* 0x22)) | hasZero(word ^ (ones &* 0x5C)) | ((word &- ones &* 0x20) & ~word & highs)
        if asciiOnly { found |= (word & highs) | hasZero(word ^ (ones &* 0x7F)) }
        return found
    }

    /// The letter of a byte's short escape (`n` for a line feed, `"` for a quote), if it has one.
    @inline(__always)
    private static func namedEscape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""): UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        case UInt8(ascii: "\n"): UInt8(ascii: "n")
        case UInt8(ascii: "\r"): UInt8(ascii: "r")
        case UInt8(ascii: "\t"): UInt8(ascii: "t")
        case 0x08: UInt8(ascii: "b")
        case 0x0C: UInt8(ascii: "f")
        default: nil
        }
    }

    /// A double written as a JSON number: integral values without a fraction.
    static func plainNumber(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        // Swift and Python both print the shortest round-trip digits, positionally in this range.
        if abs(value) >= 1e-4 && abs(value) < 1e15 { return "\(value)" }
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
