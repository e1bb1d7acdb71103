import CIYAML

/// The pairs of a mapping that a reader accepted, looked up by key.
///
/// Workflow mappings are small, so a scan beats hashing every key into a dictionary.
struct KeyedPairs {
    private var pairs: [Pair] = []

    /// Whether no pair was accepted.
    var isEmpty: Bool { pairs.isEmpty }

    /// Accepts a pair.
    mutating func add(_ pair: Pair) { pairs.append(pair) }

    /// The pair with `key` (the last, as a dictionary would keep it).
    subscript(key: String) -> Pair? { pairs.last { $0.key == key } }
}
