#if canImport(Glibc)
    import Glibc
#endif

/// Replaces secrets with `***` in output, line by line, as GitHub does.
///
/// A secret with line breaks is registered as its separate lines (and the whole value), so a
/// multi-line secret is masked in every line it appears in. Matching works on whole blocks of
/// complete lines: no secret piece contains a line break, so no match can cross a block edge.
/// Output is scanned as Wu and Manber search for many patterns at once: a table of how far the
/// window may move for each pair of bytes skips up to the shortest secret's length minus one
/// bytes per look-up, so output without secrets streams faster than memory can be read a byte at
/// a time. A two-byte prefix table then rejects most of the positions left.
public struct SecretMasker: Sendable {
    /// The byte sequences to hide, longest first (so `abcd` wins over `abc`).
    private(set) var secrets: [[UInt8]] = []
    /// Bit `(b0 << 8 | b1)` is set when some secret starts with bytes b0 b1; one-byte secrets set all bits of b0.
    private var prefixes = [UInt64](repeating: 0, count: 1024)
    /// The shortest secret's length: the scanning window.
    private var window = 0
    /// For each pair of bytes `(b0 << 8 | b1)` ending the window, how far the window may move
    /// without passing the start of a secret (Wu–Manber's SHIFT table); used when `window >= 2`.
    private var shifts: [UInt8] = []
    /// Whether any secret is registered.
    public var isEmpty: Bool { secrets.isEmpty }

    /// Creates a masker for `values`.
    public init(_ values: [String] = []) {
        for value in values { add(value) }
    }

    /// Registers a value to hide. Empty values and pure white space are ignored, as on GitHub.
    public mutating func add(_ value: String) {
        var pieces = [value]
        if value.contains("\n") || value.contains("\r") {
            pieces += value.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
        }
        for piece in pieces {
            guard !piece.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else { continue }
            let bytes = Array(piece.utf8)
            guard !secrets.contains(bytes), !bytes.contains(0x0A) else { continue }
            secrets.append(bytes)
            if bytes.count == 1 {
                for second in 0..<256 { setPrefix(bytes[0], UInt8(second)) }
            } else {
                setPrefix(bytes[0], bytes[1])
            }
        }
        secrets.sort { $0.count > $1.count }
        buildShifts()
    }

    /// Fills the shift table from the first `window` bytes of every secret.
    private mutating func buildShifts() {
        window = secrets.last?.count ?? 0
        guard window >= 2 else {
            shifts = []
            return
        }
        let largest = UInt8(min(window - 1, 255))
        shifts = [UInt8](repeating: largest, count: 1 << 16)
        for secret in secrets {
            // The pair ending at offset q (1 ..< window) of the secret: the window may move window-1-q.
            for q in 1..<window {
                let pair = Int(secret[q - 1]) << 8 | Int(secret[q])
                shifts[pair] = min(shifts[pair], UInt8(min(window - 1 - q, 255)))
            }
        }
    }

    private mutating func setPrefix(_ first: UInt8, _ second: UInt8) {
        let bit = Int(first) << 8 | Int(second)
        prefixes[bit >> 6] |= 1 << UInt64(bit & 63)
    }

    /// Masks `input` (complete lines, or a final partial line) into `output`.
    public func mask(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        guard !secrets.isEmpty, input.count > 0 else {
            output.append(contentsOf: input)
            return
        }
        let bytes = input.bindMemory(to: UInt8.self)
        let count = bytes.count
        guard let base = bytes.baseAddress else { return }
        var copied = 0
        var index = 0
        shifts.withUnsafeBufferPointer { shiftTable in
            prefixes.withUnsafeBufferPointer { prefixTable in
                guard let words = prefixTable.baseAddress else { return }
                /// Whether some secret starts with the two bytes at `p` (a pair is looked up as one 16-bit number).
                @inline(__always) func startsPair(_ p: UnsafePointer<UInt8>) -> UInt64 {
                    let pair = Int(p[0]) << 8 | Int(p[1])
                    return (words[pair >> 6] >> UInt64(pair & 63)) & 1
                }
                /// The first position from `start` on where a secret may start.
                @inline(__always) func candidate(from start: Int) -> Int? {
                    var index = start
                    if window >= 2, let shift = shiftTable.baseAddress {
                        // The pair that ends the window says how far no secret can start.
                        while index + window <= count {
                            let end = base + index + window - 2
                            let move = Int(shift[Int(end[0]) << 8 | Int(end[1])])
                            if move == 0 { return index }
                            index += move
                        }
                        return nil
                    }
                    // A one-byte secret: skip eight positions at once while none can start one.
                    while index + 9 <= count {
                        let p = base + index
                        let any =
                            startsPair(p) | startsPair(p + 1) | startsPair(p + 2) | startsPair(p + 3) | startsPair(p + 4)
                            | startsPair(p + 5) | startsPair(p + 6) | startsPair(p + 7)
                        if any != 0 { break }
                        index += 8
                    }
                    return index < count ? index : nil
                }
                while let start = candidate(from: index) {
                    guard let length = match(bytes, at: start) else {
                        index = start + 1
                        continue
                    }
                    output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copied..<start]))
                    output.append(contentsOf: [0x2A, 0x2A, 0x2A])
                    index = start + length
                    copied = index
                }
            }
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copied..<count]))
    }

    /// The length of the longest secret at `index`, if one starts there.
    private func match(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        if index + 1 < bytes.count {
            let pair = Int(bytes[index]) << 8 | Int(bytes[index + 1])
            guard prefixes[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else { return nil }
        }
        for secret in secrets where secret.count <= bytes.count - index {
            guard let start = bytes.baseAddress else { return nil }
            let equal = secret.withUnsafeBufferPointer { secretBytes in
                guard let secretBase = secretBytes.baseAddress else { return false }
                return memcmp(secretBase, start + index, secret.count) == 0
            }
            if equal { return secret.count }
        }
        return nil
    }

    /// Masks a string.
    public func mask(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var output: [UInt8] = []
        var text = text
        text.withUTF8 { mask(UnsafeRawBufferPointer($0), into: &output) }
        return String(decoding: output, as: UTF8.self)
    }
}
