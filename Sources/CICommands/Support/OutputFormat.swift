import CIBasics

/// A plain text table with aligned columns, for terminal output.
struct Table {
    var headers: [String]
    var rows: [[String]] = []

    /// The table as lines; headers are bold when `style` has colour.
    func rendered(style: TextStyle) -> [String] {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }
        return [style.paint(line(headers), .bold)] + rows.map(line)
    }
}

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
