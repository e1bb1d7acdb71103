/// Reads the files steps write to: `GITHUB_ENV`, `GITHUB_OUTPUT`, `GITHUB_STATE` (`NAME=value`
/// lines and `NAME<<DELIMITER` heredocs) and `GITHUB_PATH` (one directory per line).
public enum EnvironmentFile {
    /// A line of a file that is neither `NAME=value` nor a complete heredoc.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// The 1-based line.
        public var line: Int
        /// `line N: message`.
        public var description: String { "line \(line): \(message)" }
    }

    /// The name-value pairs of an env, output or state file, in order (a later value of a name wins).
    public static func parsePairs(_ text: String) throws(Problem) -> [(name: String, value: String)] {
        var pairs: [(String, String)] = []
        let lines = lines(of: text, omittingEmpty: false)
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.isEmpty { continue }
            let equals = line.firstIndex(of: "=")
            let heredoc = line.range(of: "<<")
            if let heredoc, equals.map({ heredoc.lowerBound < $0 }) ?? true {
                let name = String(line[..<heredoc.lowerBound])
                let delimiter = String(line[heredoc.upperBound...])
                guard !name.isEmpty else { throw Problem(message: "a name is missing before '<<'", line: index) }
                guard !delimiter.isEmpty else { throw Problem(message: "a delimiter is missing after '\(name)<<'", line: index) }
                var body: [Substring] = []
                var closed = false
                while index < lines.count {
                    let candidate = lines[index]
                    index += 1
                    if candidate == delimiter {
                        closed = true
                        break
                    }
                    body.append(candidate)
                }
                guard closed else { throw Problem(message: "the value of '\(name)' is never closed by '\(delimiter)'", line: index) }
                pairs.append((name, body.joined(separator: "\n")))
            } else if let equals {
                let name = String(line[..<equals])
                guard !name.isEmpty else { throw Problem(message: "a name is missing before '='", line: index) }
                pairs.append((name, String(line[line.index(after: equals)...])))
            } else {
                throw Problem(message: "'\(line)' is neither NAME=value nor NAME<<DELIMITER", line: index)
            }
        }
        return pairs
    }

    /// The directories of a `GITHUB_PATH` file, in the order written.
    public static func parsePaths(_ text: String) -> [String] {
        lines(of: text, omittingEmpty: true).map(String.init)
    }

    /// The lines of `text`, split at LF or CRLF (a Swift `Character` holds CRLF as one).
    private static func lines(of text: String, omittingEmpty: Bool) -> [Substring] {
        text.split(omittingEmptySubsequences: omittingEmpty) { $0 == "\n" || $0 == "\r\n" }
    }
}
