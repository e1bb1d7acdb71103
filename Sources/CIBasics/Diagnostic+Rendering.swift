extension Diagnostic {
    /// The diagnostic as a user reads it: the `path:line:col: severity: message` line, then the
    /// source line with a caret under the column, then any notes.
    ///
    /// ```
    /// ci.yml:12:9: error: unknown key "run-on" in job "build"; did you mean "runs-on"?
    ///    12 |     run-on: ubuntu-latest
    ///       |     ^
    /// ```
    public func rendered(source: SourceText?, style: TextStyle = .plain) -> String {
        var lines: [String] = []
        let prefix = location.map { style.paint("\($0):", .bold) + " " } ?? ""
        let label: String
        switch severity {
        case .error: label = style.paint("error:", .red)
        case .warning: label = style.paint("warning:", .yellow)
        case .note: label = style.paint("note:", .cyan)
        }
        lines.append("\(prefix)\(label) \(style.paint(message, .bold))")
        if let location, let source, location.line >= 1, let text = source.line(location.line) {
            let number = String(location.line)
            let gutter = String(repeating: " ", count: max(number.count, 4))
            let padded = String(repeating: " ", count: gutter.count - number.count) + number
            lines.append("\(padded) | \(text)")
            lines.append("\(gutter) | \(Self.caretPrefix(for: text, column: location.column))" + style.paint("^", .green))
        }
        for note in notes {
            lines.append("  " + style.paint("note:", .cyan) + " " + note)
        }
        return lines.joined(separator: "\n")
    }

    /// Blanks that line up with `column` under `text`, keeping TABs so terminals align them.
    static func caretPrefix(for text: String, column: Int) -> String {
        var prefix = ""
        var remaining = max(column - 1, 0)
        for scalar in text.unicodeScalars {
            guard remaining > 0 else { break }
            prefix.unicodeScalars.append(scalar == "\t" ? "\t" : " ")
            remaining -= 1
        }
        if remaining > 0 { prefix += String(repeating: " ", count: remaining) }
        return prefix
    }
}
