import CIBasics

/// Reads `KEY=VALUE` files (`.secrets`, `.vars`, `.env`): `#` comments, blank lines, an optional
/// `export `, and values in single or double quotes (double quotes understand `\n`, `\"`, `\\`).
enum DotEnv {
    struct Problem: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    static func parse(_ text: String) throws(Problem) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            var line = raw
            line = line.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7).drop { $0 == " " } }
            guard let equals = line.firstIndex(of: "=") else {
                throw Problem(line: index + 1, message: "expected NAME=VALUE, but found '\(line)'")
            }
            let name = String(line[..<equals]).trimming(charactersIn: " \t")
            guard !name.isEmpty else { throw Problem(line: index + 1, message: "a name is missing before '='") }
            var value = String(line[line.index(after: equals)...]).trimming(charactersIn: " \t")
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
                if first == "\"" { value = DotEnv.unescape(value) }
            } else if let comment = value.range(of: " #") {
                value = String(value[..<comment.lowerBound]).trimming(charactersIn: " \t")
            }
            pairs.append((name, value))
        }
        return pairs
    }
}

extension DotEnv {
    /// `\n`, `\"` and `\\` in a double-quoted value, in one pass.
    static func unescape(_ value: String) -> String {
        var result = ""
        var escaped = false
        for character in value {
            if escaped {
                switch character {
                case "n": result.append("\n")
                case "\"", "\\": result.append(character)
                default: result += "\\" + String(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        if escaped { result.append("\\") }
        return result
    }
}
