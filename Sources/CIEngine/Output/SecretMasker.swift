#if canImport(Glibc)
    import Glibc
#endif

/// Replaces secrets with `***` in output, line by line, as GitHub does.
///
/// A secret with line breaks is registered as its separate lines (and the whole value), so a
/// multi-line secret is masked in every line it appears in. Matching works on whole blocks of
/// complete lines: no secret piece contains a line break, so no match can cross a block edge.
/// A two-byte prefix table rejects almost every position cheaply, so output without secrets
/// streams at memory speed.
public struct SecretMasker: Sendable {
    /// The byte sequences to hide, longest first (so `abcd` wins over `abc`).
    private(set) var secrets: [[UInt8]] = []
    /// Bit `(b0 << 8 | b1)` is set when some secret starts with bytes b0 b1; one-byte secrets set all bits of b0.
    private var prefixes = [UInt64](repeating: 0, count: 1024)
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
        prefixes.withUnsafeBufferPointer { table in
            guard let words = table.baseAddress else { return }
            /// Whether some secret starts with the two bytes at `p` (a pair is looked up as one 16-bit number).
            @inline(__always) func candidate(_ p: UnsafePointer<UInt8>) -> UInt64 {
                let pair = Int(p[0]) << 8 | Int(p[1])
                return (words[pair >> 6] >> UInt64(pair & 63)) & 1
            }
            while index < count {
                // Skip eight positions at once while none of them can start a secret.
                while index + 9 <= count {
                    let p = base + index
                    let any =
                        candidate(p) | candidate(p + 1) | candidate(p + 2) | candidate(p + 3) | candidate(p + 4) | candidate(p + 5)
                        | candidate(p + 6) | candidate(p + 7)
                    if any != 0 { break }
                    index += 8
                }
                guard index < count else { break }
                let second = index + 1 < count ? Int(base[index + 1]) : 0
                let bit = Int(base[index]) << 8 | second
                guard words[bit >> 6] & (1 << UInt64(bit & 63)) != 0, let length = match(bytes, at: index) else {
                    index += 1
                    continue
                }
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copied..<index]))
                output.append(contentsOf: [0x2A, 0x2A, 0x2A])
                index += length
                copied = index
            }
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copied..<count]))
    }

    /// The length of the longest secret at `index`, if one starts there.
    private func match(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
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
