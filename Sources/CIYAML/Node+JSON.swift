import CIBasics

extension Node {
    /// The node's value as JSON: scalars resolved by the core schema, mapping keys as strings,
    /// aliases already expanded. This is the value the corpus's `expected12/` files hold.
    public var jsonValue: JSONValue {
        switch value {
        case .scalar:
            switch resolved ?? .null {
            case .null: return .null
            case .bool(let value): return .bool(value)
            case .int(let value): return .int(value)
            case .float(let value): return .double(value)
            case .string(let value): return .string(value)
            }
        case .sequence(let items): return .array(items.map(\.jsonValue))
        case .mapping(let pairs): return .object(pairs.map { ($0.key, $0.value.jsonValue) })
        }
    }
}

extension YAMLDocument {
    /// The document's value as JSON; `null` for an empty document.
    public var jsonValue: JSONValue { root?.jsonValue ?? .null }
}
