/// A workflow command a step printed: `::name key=value,…::message`.
public struct WorkflowCommand: Sendable, Hashable {
    /// The command name, such as `add-mask` or `error`.
    public var name: String
    /// The `key=value` properties, unescaped.
    public var properties: [String: String]
    /// The text after the second `::`, unescaped.
    public var message: String

    /// Reads one output line as a command, or nil when it is not one.
    ///
    /// The line must start with `::`; properties and data use GitHub's escapes (`%25`, `%0D`,
    /// `%0A`, and in properties `%3A`, `%2C`).
    public static func parse(_ line: Substring) -> WorkflowCommand? {
        guard line.hasPrefix("::") else { return nil }
        let body = line.dropFirst(2)
        guard let end = body.range(of: "::") else { return nil }
        let header = body[..<end.lowerBound]
        let message = body[end.upperBound...]
        let nameEnd = header.firstIndex(of: " ") ?? header.endIndex
        let name = String(header[..<nameEnd])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        var properties: [String: String] = [:]
        if nameEnd < header.endIndex {
            for pair in header[header.index(after: nameEnd)...].split(separator: ",") {
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let key = pair[..<equals].trimmingSpaces()
                guard !key.isEmpty else { continue }
                properties[key] = unescapeProperty(String(pair[pair.index(after: equals)...]))
            }
        }
        let trimmed = message.hasSuffix("\r") ? message.dropLast() : message
        return WorkflowCommand(name: name, properties: properties, message: unescapeData(String(trimmed)))
    }

    static func unescapeData(_ text: String) -> String {
        guard text.contains("%") else { return text }
        return text.replacing("%0D", with: "\r").replacing("%0A", with: "\n").replacing("%25", with: "%")
    }

    static func unescapeProperty(_ text: String) -> String {
        guard text.contains("%") else { return text }
        return text.replacing("%0D", with: "\r").replacing("%0A", with: "\n").replacing("%3A", with: ":").replacing("%2C", with: ",")
            .replacing("%25", with: "%")
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
