import CIBasics

extension ExpressionValue {
    /// The expression value of a JSON value (contexts arrive as JSON).
    public init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .boolean(value)
        case .int(let value): self = .number(Double(value))
        case .double(let value): self = .number(value)
        case .string(let value): self = .string(value)
        case .array(let values): self = .array(values.map(ExpressionValue.init(json:)))
        case .object(let members): self = .object(members.map { ($0.key, ExpressionValue(json: $0.value)) })
        }
    }

    /// The value as JSON: numbers that are whole and small become integers, NaN and infinities null.
    public var jsonValue: JSONValue {
        switch self {
        case .null: return .null
        case .boolean(let value): return .bool(value)
        case .number(let value):
            guard value.isFinite else { return .null }
            if value == value.rounded(), abs(value) < 9e15 { return .int(Int(value)) }
            return .double(value)
        case .string(let value): return .string(value)
        case .array(let array): return .array(array.items.map(\.jsonValue))
        case .object(let object): return .object(object.pairs.map { ($0.key, $0.value.jsonValue) })
        }
    }

    /// `toJSON(value)`: JavaScript's `JSON.stringify(value, null, 2)`, which GitHub's engines match.
    public var prettyJSON: String {
        var out = ""
        writeJSON(to: &out, level: 0, pretty: true)
        return out
    }

    /// JavaScript's `JSON.stringify(value)`: one line, no spaces.
    public var compactJSON: String {
        var out = ""
        writeJSON(to: &out, level: 0, pretty: false)
        return out
    }

    private func writeJSON(to out: inout String, level: Int, pretty: Bool) {
        let newline = pretty ? "\n" : ""
        func indent(_ level: Int) -> String { pretty ? String(repeating: "  ", count: level) : "" }
        switch self {
        case .null: out += "null"
        case .boolean(let value): out += value ? "true" : "false"
        case .number(let value): out += value.isFinite ? JSNumber.format(value) : "null"
        case .string(let value): JSONValue.writeString(value, to: &out, asciiOnly: false)
        case .array(let array):
            guard !array.items.isEmpty else {
                out += "[]"
                return
            }
            out += "["
            for (index, item) in array.items.enumerated() {
                out += (index == 0 ? "" : ",") + newline + indent(level + 1)
                item.writeJSON(to: &out, level: level + 1, pretty: pretty)
            }
            out += newline + indent(level) + "]"
        case .object(let object):
            guard object.count > 0 else {
                out += "{}"
                return
            }
            out += "{"
            for (index, pair) in object.pairs.enumerated() {
                out += (index == 0 ? "" : ",") + newline + indent(level + 1)
                JSONValue.writeString(pair.key, to: &out, asciiOnly: false)
                out += pretty ? ": " : ":"
                pair.value.writeJSON(to: &out, level: level + 1, pretty: pretty)
            }
            out += newline + indent(level) + "}"
        }
    }
}
