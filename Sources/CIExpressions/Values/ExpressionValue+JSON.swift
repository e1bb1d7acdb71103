import CIBasics

/// Spaces to indent `toJSON` output with, copied a run at a time.
private let jsonIndentSpaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)

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
        var out: [UInt8] = []
        writeJSON(to: &out, level: 0, pretty: true)
        return String(decoding: out, as: UTF8.self)
    }

    /// JavaScript's `JSON.stringify(value)`: one line, no spaces.
    public var compactJSON: String {
        var out: [UInt8] = []
        writeJSON(to: &out, level: 0, pretty: false)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the value as JSON in UTF-8; `pretty` puts each item on its own line, indented by
    /// two spaces a level, with `": "` after keys.
    private func writeJSON(to out: inout [UInt8], level: Int, pretty: Bool) {
        func newline(_ level: Int) {
            guard pretty else { return }
            out.append(UInt8(ascii: "\n"))
            var spaces = 2 * level
            while spaces > 0 {
                let run = min(spaces, jsonIndentSpaces.count)
                out.append(contentsOf: jsonIndentSpaces[0..<run])
                spaces -= run
            }
        }
        switch self {
        case .null: out += "null".utf8
        case .boolean(let value): out += (value ? "true" : "false").utf8
        case .number(let value): out += (value.isFinite ? JSNumber.format(value) : "null").utf8
        case .string(let value): JSONValue.writeString(value, to: &out, asciiOnly: false)
        case .array(let array):
            guard !array.items.isEmpty else {
                out += "[]".utf8
                return
            }
            out.append(UInt8(ascii: "["))
            for (index, item) in array.items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                item.writeJSON(to: &out, level: level + 1, pretty: pretty)
            }
            newline(level)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            guard object.count > 0 else {
                out += "{}".utf8
                return
            }
            out.append(UInt8(ascii: "{"))
            for index in object.keys.indices {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                JSONValue.writeString(object.keys[index], to: &out, asciiOnly: false)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                object.values[index].writeJSON(to: &out, level: level + 1, pretty: pretty)
            }
            newline(level)
            out.append(UInt8(ascii: "}"))
        }
    }
}
