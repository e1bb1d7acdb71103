/// Turns byte offsets in UTF-8 text into the UTF-16 offsets GitHub reports positions in.
///
/// For ASCII text the two are the same and nothing is stored; otherwise a table is built once.
struct UTF16Positions {
    /// The UTF-16 offset at each byte offset (meaningful where a scalar starts), and at the end.
    private let table: [Int]?

    /// Positions for `bytes`, whose text has `utf16Count` UTF-16 code units.
    init(_ bytes: UnsafeBufferPointer<UInt8>, utf16Count: Int) {
        guard bytes.count != utf16Count else {
            table = nil
            return
        }
        var table = [Int](repeating: 0, count: bytes.count + 1)
        var units = 0
        for index in 0..<bytes.count {
            table[index] = units
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 { units += byte >= 0xF0 ? 2 : 1 }
        }
        table[bytes.count] = units
        self.table = table
    }

    /// The UTF-16 offset of the scalar that starts at `byteOffset`.
    subscript(_ byteOffset: Int) -> Int { table?[byteOffset] ?? byteOffset }

    /// The scalar that starts at `index` of valid UTF-8, and its length in bytes.
    static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (scalar: Unicode.Scalar?, length: Int) {
        let byte = bytes[index]
        if byte < 0x80 { return (Unicode.Scalar(byte), 1) }
        var value: UInt32
        let length: Int
        if byte & 0xE0 == 0xC0 {
            value = UInt32(byte & 0x1F)
            length = 2
        } else if byte & 0xF0 == 0xE0 {
            value = UInt32(byte & 0x0F)
            length = 3
        } else if byte & 0xF8 == 0xF0 {
            value = UInt32(byte & 0x07)
            length = 4
        } else {
            return (nil, 1)
        }
        guard index + length <= bytes.count else { return (nil, 1) }
        for next in 1..<length { value = value << 6 | UInt32(bytes[index + next] & 0x3F) }
        return (Unicode.Scalar(value), length)
    }

    /// Whether the scalar at `index` of valid UTF-8 is JavaScript whitespace (`JSNumber.isWhitespace`).
    static func isWhitespace(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let byte = bytes[index]
        if byte < 0x80 { return byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        return scalar(in: bytes, at: index).scalar.map(JSNumber.isWhitespace) ?? false
    }
}
