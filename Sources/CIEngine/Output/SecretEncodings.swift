/// The encodings of a secret GitHub's runner masks too (its `ValueEncoders`): base64 of the value
/// and of the value without its first one or two bytes (so that base64 of `user:secret` shows at
/// most the prefix's characters), and the value escaped for a workflow expression, JSON, a URI
/// and XML, and without surrounding double quotes.
enum SecretEncodings {
    /// The encodings of `value` (some may equal it, or each other).
    static func variants(of value: String) -> [[UInt8]] {
        let bytes = Array(value.utf8)
        var variants = [base64(bytes[...])]
        for shift in 1...2 { variants.append(base64(bytes.count > shift ? bytes[shift...] : bytes[...])) }
        variants.append(Array(value.replacingAll("'", with: "''").utf8))
        variants.append(json(value))
        variants.append(uri(bytes))
        variants.append(xml(bytes))
        if value.utf16.count > 8, value.hasPrefix("\""), value.hasSuffix("\"") { variants.append(Array(bytes.dropFirst().dropLast())) }
        return variants
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Base64 with padding (.NET's `Convert.ToBase64String`).
    static func base64(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let count = min(3, bytes.endIndex - index)
            var group = 0
            for offset in 0..<3 { group = group << 8 | (offset < count ? Int(bytes[index + offset]) : 0) }
            for offset in 0..<4 {
                out.append(offset <= count ? alphabet[(group >> (18 - 6 * offset)) & 0x3F] : UInt8(ascii: "="))
            }
            index += count
        }
        return out
    }

    /// Newtonsoft's `JsonConvert.ToString` without the quotes: `"`, `\`, control characters
    /// (named where JSON names them, else `\u00xx`), U+0085, U+2028 and U+2029 escaped.
    static func json(_ value: String) -> [UInt8] {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x85 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return Array(out.utf8)
    }

    /// .NET's `Uri.EscapeDataString`: every byte but letters, digits, `-`, `.`, `_` and `~` as `%XX`.
    static func uri(_ bytes: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return out
    }

    /// .NET's `SecurityElement.Escape`: `<`, `>`, `"`, `'` and `&` as entities.
    static func xml(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "\""): out += Array("&quot;".utf8)
            case UInt8(ascii: "'"): out += Array("&apos;".utf8)
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            default: out.append(byte)
            }
        }
        return out
    }
}

extension String {
    /// The string with every `target` replaced (without Foundation).
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
