/// An open-addressing hash table from ASCII keys, without regard to case, to their positions in
/// an object's `keys`: how `ExpressionObject` finds a key without lower-casing or hashing a
/// `String` (used only when every key of the object is ASCII).
struct ASCIIKeyTable: Sendable {
    /// Each slot: the key's hash in the high 32 bits and its position + 1 in the low 32; 0 when empty.
    private var slots: [UInt64]
    private let mask: Int
    /// The keys, upper-cased, one after another.
    private var folded: [UInt8] = []
    /// Where each key ends in `folded` (it starts where the one before ends).
    private var ends: [Int] = []

    /// A table with room for `capacity` keys (at most half the slots are used, so probes end).
    init(capacity: Int) {
        var size = 4
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        ends.reserveCapacity(capacity)
    }

    /// A hash of the bytes that is the same for both cases of a letter (bit 5 set in every byte),
    /// eight bytes at a time, mixed at the end (murmur3's finalizer).
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let raw = UnsafeRawBufferPointer(bytes)
        let caseBits: UInt64 = 0x2020_2020_2020_2020
        var hash = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        var index = 0
        while index + 8 <= raw.count {
            hash = (hash ^ (raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) | caseBits)) &* 0x9E37_79B9_7F4A_7C15
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < raw.count {
            tail |= UInt64(raw[index] | 0x20) << shift
            shift += 8
            index += 1
        }
        hash ^= tail
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash = hash &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return UInt32(truncatingIfNeeded: hash)
    }

    /// Whether the key at `position` is `key` (ASCII bytes) without regard to case.
    @inline(__always)
    private func matches(_ position: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = position == 0 ? 0 : ends[position - 1]
        guard ends[position] - start == key.count else { return false }
        return folded.withUnsafeBufferPointer { folded in
            for index in 0..<key.count where folded[start + index] != ASCIICaseFolding.upper(key[index]) { return false }
            return true
        }
    }

    /// Where the probe for `key` (ASCII bytes) stops: the position of the key equal to it without
    /// regard to case, or nil and the empty slot where it would go.
    @inline(__always)
    private func probe(_ key: UnsafeBufferPointer<UInt8>, hash: UInt32) -> (position: Int?, slot: Int) {
        var slot = Int(hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return (nil, slot) }
            if UInt32(truncatingIfNeeded: entry >> 32) == hash {
                let position = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if matches(position, key) { return (position, slot) }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The position of `key` (ASCII bytes), matched without regard to case.
    func position(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        probe(key, hash: Self.hash(key)).position
    }

    /// Adds `key` (ASCII bytes) as the next position, unless a key equal to it without regard to
    /// case is already there; whether it was added.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let hash = Self.hash(key)
        let (existing, slot) = probe(key, hash: hash)
        guard existing == nil else { return false }
        slots[slot] = UInt64(hash) << 32 | UInt64(truncatingIfNeeded: ends.count + 1)
        folded.append(contentsOf: key.lazy.map(ASCIICaseFolding.upper))
        ends.append(folded.count)
        return true
    }
}
