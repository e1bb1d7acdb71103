/// The text of an input file, kept so that diagnostics can quote the line they point at.
public struct SourceText: Sendable {
    /// The path of the file as the user named it.
    public let path: String
    /// The file's bytes, as read.
    public let bytes: [UInt8]

    /// Creates a source text from bytes.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// Creates a source text from a string.
    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// The text of the 1-based line `number`, without its line break, or nil past the end.
    ///
    /// A line ends at LF, CRLF or a lone CR, as YAML defines line breaks.
    public func line(_ number: Int) -> String? {
        guard number >= 1 else { return nil }
        var current = 1
        var start = 0
        var index = 0
        let count = bytes.count
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            start = 3
            index = 3
        }
        while index < count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                if current == number { return decode(start..<index) }
                if byte == 0x0D, index + 1 < count, bytes[index + 1] == 0x0A { index += 1 }
                current += 1
                start = index + 1
            }
            index += 1
        }
        return current == number ? decode(start..<count) : nil
    }

    private func decode(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }
}
