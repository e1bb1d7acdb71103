/// A value in GitHub's expression language: null, a boolean, a number, a string, an array or an object.
///
/// Arrays and objects are reference types, as in GitHub's engines: `==` on two of them compares
/// identity, not contents.
public enum ExpressionValue: Sendable {
    /// `null`
    case null
    /// `true` or `false`
    case boolean(Bool)
    /// A number (always a double, as in JavaScript).
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array(ExpressionArray)
    /// An object: keys are case-insensitive, the first spelling of a key wins.
    case object(ExpressionObject)

    /// The kind as GitHub names it: `Null`, `Boolean`, `Number`, `String`, `Array`, `Object`.
    public var kindName: String {
        switch self {
        case .null: "Null"
        case .boolean: "Boolean"
        case .number: "Number"
        case .string: "String"
        case .array: "Array"
        case .object: "Object"
        }
    }

    /// Whether the value is a primitive (not an array or object).
    public var isPrimitive: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// Whether the value is falsy: null, false, 0, NaN or the empty string. Arrays and objects are truthy.
    public var isFalsy: Bool {
        switch self {
        case .null: true
        case .boolean(let value): !value
        case .number(let value): value == 0 || value.isNaN
        case .string(let value): value.isEmpty
        case .array, .object: false
        }
    }

    /// Whether the value is truthy.
    public var isTruthy: Bool { !isFalsy }

    /// The value as a number, as JavaScript's `Number()` converts it; NaN for arrays and objects.
    public var numberValue: Double {
        switch self {
        case .null: 0
        case .boolean(let value): value ? 1 : 0
        case .number(let value): value
        case .string(let value): JSNumber.parse(value)
        case .array, .object: .nan
        }
    }

    /// The value as a string, as GitHub converts it: `""` for null, numbers to at most 15 decimal
    /// places, `Array` and `Object` for collections.
    public var stringValue: String {
        switch self {
        case .null: ""
        case .boolean(let value): value ? "true" : "false"
        case .number(let value): JSNumber.coerceString(value)
        case .string(let value): value
        case .array: "Array"
        case .object: "Object"
        }
    }
}

/// An immutable array value. Identity matters: GitHub compares arrays by reference.
public final class ExpressionArray: Sendable {
    /// The items.
    public let items: [ExpressionValue]
    /// Whether this array is the result of a `*` filter, which changes how further `.x` and `[n]` apply.
    public let isFiltered: Bool

    /// Creates an array.
    public init(_ items: [ExpressionValue], filtered: Bool = false) {
        self.items = items
        self.isFiltered = filtered
    }
}

/// An immutable object value whose keys are matched without regard to case.
public final class ExpressionObject: Sendable {
    /// The keys, in insertion order, as first spelled.
    public let keys: [String]
    /// The values, parallel to `keys`.
    public let values: [ExpressionValue]
    /// Positions by key without regard to case, when every key is ASCII (then `index` is empty).
    private let table: ASCIIKeyTable?
    /// Positions by lower-cased key, when some key is not ASCII.
    private let index: [String: Int]

    /// Creates an object; when two keys differ only in case, the first one wins.
    public init(_ pairs: [(String, ExpressionValue)]) {
        var keys: [String] = []
        var values: [ExpressionValue] = []
        keys.reserveCapacity(pairs.count)
        values.reserveCapacity(pairs.count)
        if pairs.allSatisfy({ ASCIICaseFolding.isASCII($0.0) }) {
            // ASCII keys are lower-cased and compared byte by byte, as `lowercased()` and `==` would.
            var table = ASCIIKeyTable(capacity: pairs.count)
            for (key, value) in pairs {
                let inserted = ASCIICaseFolding.withUTF8(key) { table.insert($0) }
                guard inserted else { continue }
                keys.append(key)
                values.append(value)
            }
            self.table = table
            self.index = [:]
        } else {
            var index: [String: Int] = [:]
            for (key, value) in pairs {
                let folded = key.lowercased()
                guard index[folded] == nil else { continue }
                index[folded] = keys.count
                keys.append(key)
                values.append(value)
            }
            self.table = nil
            self.index = index
        }
        self.keys = keys
        self.values = values
    }

    /// The value for `key`, matched without regard to case.
    public subscript(key: String) -> ExpressionValue? {
        guard let position = position(of: key) else { return nil }
        return values[position]
    }

    /// The position of `key` in `keys`, matched without regard to case.
    private func position(of key: String) -> Int? {
        guard let table else { return index[key] ?? index[key.lowercased()] }
        let found = ASCIICaseFolding.withUTF8(key) { bytes -> Int? in
            guard ASCIICaseFolding.isASCII(bytes) else { return -1 }
            return table.position(of: bytes)
        }
        guard found == -1 else { return found }
        // A key that is not ASCII can still equal an ASCII one (U+037E is ';'): compare as
        // `index[key] ?? index[key.lowercased()]` would, the stored keys lower-cased.
        if let position = keys.firstIndex(where: { $0.lowercased() == key }) { return position }
        let lowered = key.lowercased()
        return keys.firstIndex { $0.lowercased() == lowered }
    }

    /// The key-value pairs in insertion order.
    public var pairs: [(key: String, value: ExpressionValue)] { zip(keys, values).map { ($0, $1) } }

    /// The number of keys.
    public var count: Int { keys.count }
}

extension ExpressionValue {
    /// An object value from pairs.
    public static func object(_ pairs: [(String, ExpressionValue)]) -> ExpressionValue { .object(ExpressionObject(pairs)) }
    /// An array value from items.
    public static func array(_ items: [ExpressionValue]) -> ExpressionValue { .array(ExpressionArray(items)) }
}
