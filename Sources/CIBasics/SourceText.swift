/// The text of an input file, kept so that diagnostics can quote the line they point at.
public struct SourceText: Sendable {
    /// The path of the file as the user named it.
    public let path: String
    /// The file's bytes, as read.
    public let bytes: [UInt8]
    /// Where each line starts, and where it ends (before its line break).
    private let lines: [Range<Int>]

    /// Creates a source text from bytes.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var lines: [Range<Int>] = []
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var index = start
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                lines.append(start..<index)
                if byte == 0x0D, index + 1 < count, bytes[index + 1] == 0x0A { index += 1 }
                start = index + 1
            }
            index += 1
        }
        lines.append(start..<count)
        self.lines = lines
    }

    /// Creates a source text from a string.
    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// The number of lines.
    public var lineCount: Int { lines.count }

    /// The text of the 1-based line `number`, without its line break, or nil past the end.
    ///
    /// A line ends at LF, CRLF or a lone CR, as YAML defines line breaks.
    public func line(_ number: Int) -> String? {
        guard number >= 1, number <= lines.count else { return nil }
        return String(decoding: bytes[lines[number - 1]], as: UTF8.self)
    }
}

extension SourceText {
    /// The location of the `occurrence`-th (from 0) appearance of `needle` at or after `start`,
    /// searching line by line. Used to point inside a YAML string at a piece of its text.
    public func locate(_ needle: String, from start: SourceLocation, occurrence: Int = 0) -> SourceLocation? {
        guard !needle.isEmpty, !needle.contains("\n") else { return nil }
        var remaining = occurrence
        var lineNumber = start.line
        while let text = line(lineNumber) {
            let scalars = Array(text.unicodeScalars)
            let target = Array(needle.unicodeScalars)
            var column = lineNumber == start.line ? max(start.column - 1, 0) : 0
            while column + target.count <= scalars.count {
                if Array(scalars[column..<column + target.count]) == target {
                    if remaining == 0 { return SourceLocation(file: start.file, line: lineNumber, column: column + 1) }
                    remaining -= 1
                    column += target.count
                } else {
                    column += 1
                }
            }
            lineNumber += 1
        }
        return nil
    }
}
