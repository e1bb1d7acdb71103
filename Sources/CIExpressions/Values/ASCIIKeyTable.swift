/// An open-addressing hash table from ASCII keys, without regard to case, to their positions in
/// an object's `keys`: how `ExpressionObject` finds a key without lower-casing or hashing a
/// `String` (used only when every key of the object is ASCII).
struct ASCIIKeyTable: Sendable {
    /// Each slot: the key's hash in the high 32 bits and its position + 1 in the low 32; 0 when empty.
    private var slots: [UInt64]
    private let mask: Int

    /// A table with room for `capacity` keys (at most half the slots are used, so probes end).
    init(capacity: Int) {
        var size = 4
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// FNV-1a over the bytes with bit 5 set, so that both cases of a letter hash alike.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes { hash = (hash ^ UInt32(byte | 0x20)) &* 16_777_619 }
        return hash
    }

    /// Where the probe for `key` (ASCII bytes) stops: the position of the key equal to it without
    /// regard to case, or nil and the empty slot where it would go.
    @inline(__always)
    private func probe(_ key: UnsafeBufferPointer<UInt8>, hash: UInt32, keys: [String]) -> (position: Int?, slot: Int) {
        var slot = Int(hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return (nil, slot) }
            if UInt32(truncatingIfNeeded: entry >> 32) == hash {
                let position = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if ASCIICaseFolding.withUTF8(keys[position], { ASCIICaseFolding.equalASCII($0, key) }) { return (position, slot) }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The position in `keys` of `key` (ASCII bytes), matched without regard to case.
    func position(of key: UnsafeBufferPointer<UInt8>, in keys: [String]) -> Int? {
        probe(key, hash: Self.hash(key), keys: keys).position
    }

    /// Records that `key` (ASCII bytes) is at `position` in `keys`, unless a key equal to it
    /// without regard to case is already there; whether it was recorded.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, at position: Int, keys: [String]) -> Bool {
        let hash = Self.hash(key)
        let (existing, slot) = probe(key, hash: hash, keys: keys)
        guard existing == nil else { return false }
        slots[slot] = UInt64(hash) << 32 | UInt64(truncatingIfNeeded: position + 1)
        return true
    }
}
