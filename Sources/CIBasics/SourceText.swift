#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        self.lines = bytes.withUnsafeBufferPointer(Self.lineRanges)
    }

    /// Where each line starts and ends. Without CRs, lines are found with `memchr`.
    private static func lineRanges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        let count = bytes.count
        var start = count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        guard let base = bytes.baseAddress else { return [start..<count] }
        var lines: [Range<Int>] = []
        lines.reserveCapacity(count / 32 + 1)
        if memchr(base, 0x0D, count) == nil {
            while start < count, let found = memchr(base + start, 0x0A, count - start) {
                let position = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                lines.append(start..<position)
                start = position + 1
            }
            lines.append(start..<count)
            return lines
        }
        var index = start
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
        return lines
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
    ///
    /// Columns count Unicode scalars, as `SourceLocation` does.
    public func locate(_ needle: String, from start: SourceLocation, occurrence: Int = 0) -> SourceLocation? {
        var needle = needle
        return needle.withUTF8 { target in
            guard !target.isEmpty, !target.contains(0x0A) else { return nil }
            var remaining = occurrence
            var lineNumber = start.line
            guard lineNumber >= 1 else { return nil }
            while lineNumber <= lines.count {
                let range = lines[lineNumber - 1]
                let skip = lineNumber == start.line ? max(start.column - 1, 0) : 0
                let found: Int?
                if Self.isValidUTF8(bytes[range]) {
                    found = Self.search(target, in: bytes, range, skippingScalars: skip, remaining: &remaining)
                } else {
                    found = searchDecoded(Array(String(decoding: target, as: UTF8.self).unicodeScalars), line: lineNumber, skip, &remaining)
                }
                if let column = found { return SourceLocation(file: start.file, line: lineNumber, column: column) }
                lineNumber += 1
            }
            return nil
        }
    }

    /// Searches one line of valid UTF-8 for `target` after `skip` scalars, counting matches
    /// (without overlaps) down from `remaining`; returns the 1-based column of the match wanted.
    private static func search(
        _ target: UnsafeBufferPointer<UInt8>, in bytes: [UInt8], _ range: Range<Int>, skippingScalars skip: Int, remaining: inout Int
    ) -> Int? {
        var position = range.lowerBound
        var skipped = 0
        while skipped < skip {
            guard position < range.upperBound else { return nil }
            position += 1
            while position < range.upperBound, bytes[position] & 0xC0 == 0x80 { position += 1 }
            skipped += 1
        }
        let first = target[0]
        let count = target.count
        while position + count <= range.upperBound {
            if bytes[position] == first && Self.matches(target, bytes, at: position) {
                if remaining == 0 {
                    var column = 1
                    for index in range.lowerBound..<position where bytes[index] & 0xC0 != 0x80 { column += 1 }
                    return column
                }
                remaining -= 1
                position += count
            } else {
                position += 1
            }
        }
        return nil
    }

    private static func matches(_ target: UnsafeBufferPointer<UInt8>, _ bytes: [UInt8], at position: Int) -> Bool {
        for index in 1..<target.count where bytes[position + index] != target[index] { return false }
        return true
    }

    /// Whether `slice` is valid UTF-8 (decoding it changes nothing).
    private static func isValidUTF8(_ slice: ArraySlice<UInt8>) -> Bool {
        guard slice.contains(where: { $0 >= 0x80 }) else { return true }
        return String(decoding: slice, as: UTF8.self).utf8.elementsEqual(slice)
    }

    /// The search of `search(_:in:_:skippingScalars:remaining:)` on a line that is not valid
    /// UTF-8, over its decoded scalars (invalid bytes read as U+FFFD).
    private func searchDecoded(_ target: [Unicode.Scalar], line lineNumber: Int, _ skip: Int, _ remaining: inout Int) -> Int? {
        guard let text = line(lineNumber) else { return nil }
        let scalars = Array(text.unicodeScalars)
        var column = skip
        while column + target.count <= scalars.count {
            if Array(scalars[column..<column + target.count]) == target {
                if remaining == 0 { return column + 1 }
                remaining -= 1
                column += target.count
            } else {
                column += 1
            }
        }
        return nil
    }
}
