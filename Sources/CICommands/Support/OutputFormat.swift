import CIBasics

/// `--format` of commands that can print text or JSON.
enum OutputFormat: String, CaseIterable, Sendable {
    case text
    case json
}

extension Diagnostic {
    /// The diagnostic as a JSON object for `--format json`.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("severity", .string(severity.rawValue)), ("code", .string(code.rawValue)), ("message", .string(message)),
        ]
        if let location {
            members += [("file", .string(location.file)), ("line", .int(location.line)), ("column", .int(location.column))]
        }
        if !notes.isEmpty { members.append(("notes", .array(notes.map(JSONValue.string)))) }
        return .object(members)
    }
}
