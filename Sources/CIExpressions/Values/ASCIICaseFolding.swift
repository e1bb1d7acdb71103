/// Case-insensitive comparisons of strings that are entirely ASCII, on their UTF-8 bytes and
/// without allocating: the fast paths of `==`, `<`, `>`, `contains`, `startsWith` and `endsWith`.
///
/// Each function answers nil when either string has a non-ASCII byte; the caller then takes the
/// exact Unicode path (`upperSpecial`, `lowercased()`), so results never differ from it. For ASCII
/// text, upper-casing, lower-casing and canonical equivalence all act byte by byte, which is what
/// makes the answers here the same.
enum ASCIICaseFolding {
    /// Calls `body` with the UTF-8 bytes of `text` (native strings need no copy).
    @inline(__always)
    static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// Whether every byte is ASCII, eight bytes at a time.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(bytes)
        var index = 0
        var bits: UInt64 = 0
        while index + 8 <= raw.count {
            bits |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < raw.count {
            bits |= UInt64(raw[index])
            index += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    /// Whether every byte of `text` is ASCII.
    static func isASCII(_ text: String) -> Bool {
        withUTF8(text) { isASCII($0) }
    }

    /// Whether two ASCII byte strings are equal without regard to case.
    @inline(__always)
    static func equalASCII(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for index in 0..<a.count {
            let x = a[index]
            let y = b[index]
            if x != y && upper(x) != upper(y) { return false }
        }
        return true
    }

    /// Whether any of the eight bytes of `word` is zero ("Bit Twiddling Hacks", haszero).
    @inline(__always)
    static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// An ASCII byte upper-cased.
    @inline(__always)
    static func upper(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "a") < 26 ? byte &- 0x20 : byte
    }

    /// `upperSpecial(a) == upperSpecial(b)` when both are ASCII (or byte for byte the same); nil otherwise.
    static func equal(_ a: String, _ b: String) -> Bool? {
        withUTF8(a) { a in
            withUTF8(b) { b in
                guard a.count == b.count else {
                    return isASCII(a) && isASCII(b) ? false : nil
                }
                var seen: UInt8 = 0
                var same = true
                for index in 0..<a.count {
                    let x = a[index]
                    let y = b[index]
                    seen |= x | y
                    if x != y && upper(x) != upper(y) { same = false }
                }
                if seen < 0x80 { return same }
                // Not ASCII: only identical bytes are decided here.
                return a.elementsEqual(b) ? true : nil
            }
        }
    }

    /// Compares `upperSpecial(a)` with `upperSpecial(b)` by UTF-16 code units when both are
    /// ASCII: negative, zero or positive; nil otherwise.
    static func compare(_ a: String, _ b: String) -> Int? {
        withUTF8(a) { a in
            withUTF8(b) { b in
                guard isASCII(a), isASCII(b) else { return nil }
                for index in 0..<min(a.count, b.count) {
                    let x = upper(a[index])
                    let y = upper(b[index])
                    if x != y { return x < y ? -1 : 1 }
                }
                return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
            }
        }
    }

    /// `haystack.lowercased().contains(needle.lowercased())` (true for an empty needle) when both
    /// are ASCII; nil otherwise.
    static func contains(_ haystack: String, _ needle: String) -> Bool? {
        withUTF8(haystack) { haystack in
            withUTF8(needle) { needle in
                guard isASCII(needle), isASCII(haystack) else { return nil }
                if needle.isEmpty { return true }
                guard needle.count <= haystack.count else { return false }
                let first = upper(needle[0])
                // Words of the haystack without either case of the first byte are skipped.
                let ones: UInt64 = 0x0101_0101_0101_0101
                let upperFirst = ones &* UInt64(first)
                let lowerFirst = ones &* UInt64(first &- UInt8(ascii: "A") < 26 ? first | 0x20 : first)
                let raw = UnsafeRawBufferPointer(haystack)
                var start = 0
                let last = haystack.count - needle.count
                while start <= last {
                    if start + 8 <= raw.count {
                        let word = raw.loadUnaligned(fromByteOffset: start, as: UInt64.self)
                        if !hasZeroByte(word ^ upperFirst) && !hasZeroByte(word ^ lowerFirst) {
                            start += 8
                            continue
                        }
                    }
                    if upper(haystack[start]) == first {
                        var offset = 1
                        while offset < needle.count, upper(haystack[start + offset]) == upper(needle[offset]) { offset += 1 }
                        if offset == needle.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }

    /// Whether `upperSpecial(text)` starts (or, with `atEnd`, ends) with `upperSpecial(affix)`
    /// when both are ASCII; nil otherwise.
    static func hasAffix(_ text: String, _ affix: String, atEnd: Bool) -> Bool? {
        withUTF8(text) { text in
            withUTF8(affix) { affix in
                guard isASCII(text), isASCII(affix) else { return nil }
                guard affix.count <= text.count else { return false }
                let base = atEnd ? text.count - affix.count : 0
                for index in 0..<affix.count where upper(text[base + index]) != upper(affix[index]) { return false }
                return true
            }
        }
    }
}
