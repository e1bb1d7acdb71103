/// Prepares raw bytes for the parser: drops a leading BOM, checks that the input is UTF-8 made of
/// characters YAML allows, and turns CRLF and lone CR line breaks into LF.
///
/// Line and column numbers are unchanged by this: a CR only ever ends a line.
enum InputCheck {
    static func normalized(_ bytes: [UInt8]) throws(YAMLError) -> [UInt8] {
        var input = bytes
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input.removeFirst(3) }
        var sawCR = false
        var line = 1
        var lineStart = 0
        var index = 0
        let count = input.count
        while index < count {
            // Runs of printable ASCII, the bulk of a workflow, are skipped in one tight loop.
            index = input.withUnsafeBufferPointer { skipPrintableASCII($0, from: index) }
            guard index < count else { break }
            let byte = input[index]
            switch byte {
            case 0x0A:
                line += 1
                lineStart = index + 1
                index += 1
            case 0x0D:
                sawCR = true
                if index + 1 < count, input[index + 1] == 0x0A { index += 1 }
                line += 1
                lineStart = index + 1
                index += 1
            case 0x09:
                index += 1
            case 0x80...:
                let length = try sequenceLength(input, at: index, line: line, lineStart: lineStart)
                index += length
            default:
                throw YAMLError(
                    .encoding,
                    "control character U+\(hex(UInt32(byte))) is not allowed in YAML; remove it or write it as an escape in a double-quoted string",
                    at: mark(input, index, line: line, lineStart: lineStart))
            }
        }
        guard sawCR else { return input }
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        index = 0
        while index < count {
            let byte = input[index]
            if byte == 0x0D {
                output.append(0x0A)
                if index + 1 < count, input[index + 1] == 0x0A { index += 1 }
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    /// The offset of the first byte at or after `start` that is not printable ASCII (0x20...0x7E),
    /// looking at eight bytes at a time.
    private static func skipPrintableASCII(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var position = start
        let count = buffer.count
        if let base = UnsafeRawPointer(buffer.baseAddress) {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while position + 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                // A byte below 0x20, or one of 0x7F and above, sets its high bit in `below` or `above`.
                let below = (word &- ones &* 0x20) & ~word & highs
                let above = (word | (word &+ ones)) & highs
                if below | above != 0 { break }
                position += 8
            }
        }
        while position < count, buffer[position] >= 0x20 && buffer[position] < 0x7F { position += 1 }
        return position
    }

    /// The length of the valid UTF-8 sequence at `index`, or an error if it is invalid or not printable.
    private static func sequenceLength(_ input: [UInt8], at index: Int, line: Int, lineStart: Int) throws(YAMLError) -> Int {
        let lead = input[index]
        let length: Int
        var scalar: UInt32
        switch lead {
        case 0xC2...0xDF:
            length = 2
            scalar = UInt32(lead & 0x1F)
        case 0xE0...0xEF:
            length = 3
            scalar = UInt32(lead & 0x0F)
        case 0xF0...0xF4:
            length = 4
            scalar = UInt32(lead & 0x07)
        default:
            throw invalid(input, index, line, lineStart)
        }
        guard index + length <= input.count else { throw invalid(input, index, line, lineStart) }
        for offset in 1..<length {
            let byte = input[index + offset]
            guard byte & 0xC0 == 0x80 else { throw invalid(input, index, line, lineStart) }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
            throw invalid(input, index, line, lineStart)
        }
        let printable = scalar == 0x85 || (0xA0...0xD7FF).contains(scalar) || (0xE000...0xFFFD).contains(scalar) || scalar >= 0x10000
        guard printable else {
            throw YAMLError(
                .encoding, "character U+\(hex(scalar)) is not allowed in YAML; remove it",
                at: mark(input, index, line: line, lineStart: lineStart))
        }
        return length
    }

    private static func invalid(_ input: [UInt8], _ index: Int, _ line: Int, _ lineStart: Int) -> YAMLError {
        YAMLError(
            .encoding, "the input is not valid UTF-8; save the file as UTF-8", at: mark(input, index, line: line, lineStart: lineStart))
    }

    private static func mark(_ input: [UInt8], _ index: Int, line: Int, lineStart: Int) -> Mark {
        var column = 1
        for byte in input[lineStart..<index] where byte & 0xC0 != 0x80 { column += 1 }
        return Mark(line: line, column: column, offset: index)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
