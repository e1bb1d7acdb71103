import CIBasics

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
        variants.append(Array(value.replacing("'", with: "''").utf8))
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

    /// The value as a JSON string without its quotes, as Newtonsoft's `JsonConvert.ToString` gives
    /// it (which also escapes U+0085, U+2028 and U+2029, rare in a secret; this does not).
    static func json(_ value: String) -> [UInt8] {
        var quoted: [UInt8] = []
        JSONValue.writeString(value, to: &quoted, asciiOnly: false)
        return Array(quoted.dropFirst().dropLast())
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
