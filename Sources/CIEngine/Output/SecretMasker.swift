#if canImport(Glibc)
    import Glibc
#endif

/// Replaces secrets with `***` in output, line by line, as GitHub does: every occurrence of every
/// secret is found, and occurrences that overlap or touch are replaced by one `***`.
///
/// A secret with line breaks is registered as its separate lines (and the whole value), so a
/// multi-line secret is masked in every line it appears in. Matching works on whole blocks of
/// complete lines: no secret piece contains a line break, so no match can cross a block edge.
///
/// Output is scanned by sampling. Let `window` be the shortest secret's length, `gram` =
/// min(4, window) and `stride` = window - gram + 1. The `gram`-byte pieces that lie in the first
/// `window` bytes of an occurrence start at `stride` consecutive positions, so exactly one of
/// them starts at a multiple of the stride (counted from where the scan starts, or goes on after
/// a match). The scan looks up only the pieces at those multiples,
/// in a bit set of the pieces the secrets' first `window` bytes hold, and tries the starts a hit
/// covers one by one. Unlike a Boyer–Moore or Wu–Manber skip, whose next position waits for the
/// last look-up, these look-ups do not depend on each other, so the processor overlaps them:
/// output without secrets streams at several GB/s.
public struct SecretMasker: Sendable {
    /// The secrets of one length, by a hash of their first bytes.
    private struct Group: Sendable {
        let length: Int
        var byHash: [UInt64: [[UInt8]]] = [:]
    }
    /// The byte sequences to hide, in groups of one length, longest first (so `abcd` wins over
    /// `abc`): a possible start is checked with one hash per length, however many secrets there are.
    private var groups: [Group] = []
    /// Every secret.
    private var known: Set<[UInt8]> = []
    /// Bit `(b0 << 8 | b1)` is set when some secret starts with bytes b0 b1; one-byte secrets set all bits of b0.
    private var prefixes = [UInt64](repeating: 0, count: 1024)
    /// The shortest secret's length.
    private var window = 0
    /// The length of the pieces the scan looks up: 4, or the window when that is shorter.
    private var gram = 0
    /// Bit `key(piece)` is set for every `gram`-byte piece in the first `window` bytes of a secret
    /// (2^18 bits: 32 KB).
    private var pieces = [UInt64](repeating: 0, count: 4096)
    /// Whether any secret is registered.
    public var isEmpty: Bool { known.isEmpty }

    /// Creates a masker for `values`.
    public init(_ values: [String] = []) {
        for value in values { add(value) }
    }

    /// Registers a value to hide, with its encodings (`SecretEncodings`), as GitHub's runner does.
    /// Empty values and pure white space are ignored, as on GitHub. A multi-line value is also
    /// registered line by line (each with its encodings). A value no shorter than the shortest so
    /// far only adds its own pieces (a step may add thousands of masks); a shorter one narrows
    /// the window, and every secret's pieces are set again.
    public mutating func add(_ value: String) {
        var parts = [value]
        if value.utf8.contains(0x0A) || value.utf8.contains(0x0D) {
            parts += value.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
        }
        parts.removeAll { $0.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" } }
        var narrowed = false
        for bytes in parts.flatMap({ [Array($0.utf8)] + SecretEncodings.variants(of: $0) }) {
            guard !bytes.isEmpty, !bytes.contains(0x0A), known.insert(bytes).inserted else { continue }
            // Its group, longest first (found by halving).
            var low = 0
            var high = groups.count
            while low < high {
                let middle = (low + high) / 2
                if groups[middle].length > bytes.count { low = middle + 1 } else { high = middle }
            }
            if low == groups.count || groups[low].length != bytes.count { groups.insert(Group(length: bytes.count), at: low) }
            let hash = bytes.withUnsafeBytes { Self.fnv($0.baseAddress, min($0.count, Self.hashedPrefix)) }
            groups[low].byHash[hash, default: []].append(bytes)
            if bytes.count == 1 {
                for second in 0..<256 { Self.set(&prefixes, Int(bytes[0]) << 8 | second) }
            } else {
                Self.set(&prefixes, Int(bytes[0]) << 8 | Int(bytes[1]))
            }
            if window == 0 || bytes.count < window {
                narrowed = true
            } else if !narrowed {
                setPieces(of: bytes)
            }
        }
        if narrowed { buildPieces() }
    }

    /// Fills the piece set from the first `window` bytes of every secret.
    private mutating func buildPieces() {
        window = groups.last?.length ?? 0
        gram = min(4, window)
        pieces = [UInt64](repeating: 0, count: 4096)
        for secret in known { setPieces(of: secret) }
    }

    /// Sets the pieces in the first `window` bytes of `secret` (at least `window` long).
    private mutating func setPieces(of secret: [UInt8]) {
        secret.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            for offset in 0...(window - gram) { Self.set(&pieces, Self.key(base + offset, gram)) }
        }
    }

    private static func set(_ bits: inout [UInt64], _ bit: Int) {
        bits[bit >> 6] |= 1 << UInt64(bit & 63)
    }

    /// The bit of the `size` (1–4) bytes at `bytes` in `pieces`: the top 18 bits of the piece
    /// times an odd 64-bit constant. With 50 secrets of 16 bytes, ~0.25% of other pieces hit one.
    @inline(__always) private static func key(_ bytes: UnsafeRawPointer, _ size: Int) -> Int {
        if size == 4 { return key4(bytes) }
        var value: UInt32 = 0
        for offset in 0..<size { value = value << 8 | UInt32(bytes.load(fromByteOffset: offset, as: UInt8.self)) }
        return hash(value)
    }

    /// `key(bytes, 4)`.
    @inline(__always) private static func key4(_ bytes: UnsafeRawPointer) -> Int { hash(bytes.loadUnaligned(as: UInt32.self)) }

    @inline(__always) private static func hash(_ value: UInt32) -> Int { Int((UInt64(value) &* 0x9E37_79B9_7F4A_7C15) >> 46) }

    /// Masks `input` (complete lines, or a final partial line) into `output`.
    public func mask(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        guard !known.isEmpty, let base = input.baseAddress, input.count > 0 else {
            output.append(contentsOf: input)
            return
        }
        let bytes = input.bindMemory(to: UInt8.self)
        let count = bytes.count
        let gram = gram
        let stride = window - gram + 1
        var copied = 0
        pieces.withUnsafeBufferPointer { table in
            guard let words = table.baseAddress else { return }
            // `index`: where the next secret may start; `probe`: the next position looked up.
            // The probe at `probe` covers the starts `probe - stride + 1 ... probe` (from `index` on).
            var index = 0
            var probe = 0
            @inline(__always) func isPiece(key: Int) -> Bool { (words[key >> 6] >> UInt64(key & 63)) & 1 != 0 }
            while probe + gram <= count {
                if gram == 4 {
                    // The common case in a loop of its own: four-byte pieces that are no secret's.
                    while probe + 4 <= count, !isPiece(key: Self.key4(base + probe)) { probe += stride }
                    if probe + 4 > count { break }
                } else if !isPiece(key: Self.key(base + probe, gram)) {
                    probe += stride
                    continue
                }
                var start = max(index, probe - stride + 1)
                var found: Int?
                while start <= probe, found == nil {
                    found = match(bytes, at: start)
                    if found == nil { start += 1 }
                }
                guard let length = found else {
                    probe += stride
                    continue
                }
                // As GitHub does: every occurrence of every secret counts, and occurrences that
                // overlap or touch become one `***` (so no piece of a secret shows).
                var end = start + length
                var next = start + 1
                while next <= end, next < count {
                    if let more = match(bytes, at: next) { end = max(end, next + more) }
                    next += 1
                }
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copied..<start]))
                output.append(contentsOf: [0x2A, 0x2A, 0x2A])
                // No secret starts at `end` (it would have been merged): go on from there.
                index = end
                copied = end
                probe = end
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
        guard let start = bytes.baseAddress.map({ $0 + index }) else { return nil }
        for group in groups where group.length <= bytes.count - index {
            guard let candidates = group.byHash[Self.fnv(start, min(group.length, Self.hashedPrefix))] else { continue }
            for secret in candidates where secret.withUnsafeBytes({ $0.baseAddress.map { memcmp($0, start, group.length) == 0 } ?? false })
            {
                return group.length
            }
        }
        return nil
    }

    /// How many leading bytes of a secret its group's hash covers: a possible start costs at most
    /// this many bytes per length, however long the secrets are (the rest is compared).
    private static let hashedPrefix = 8

    /// FNV-1a of `count` bytes at `bytes` (a collision costs only a comparison).
    private static func fnv(_ bytes: UnsafeRawPointer?, _ count: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        guard let bytes else { return hash }
        for offset in 0..<count {
            hash = (hash ^ UInt64(bytes.load(fromByteOffset: offset, as: UInt8.self))) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Masks a string.
    public func mask(_ text: String) -> String {
        guard !known.isEmpty else { return text }
        var output: [UInt8] = []
        var text = text
        text.withUTF8 { mask(UnsafeRawBufferPointer($0), into: &output) }
        return String(decoding: output, as: UTF8.self)
    }
}
