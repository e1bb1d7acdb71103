import CIBasics
import CIYAML

extension Loader {
    /// Keys whose values are numbers on purpose, so a number there is not a YAML 1.1 trap.
    private static let numericKeys: Set<String> = ["timeout-minutes", "cancel-timeout-minutes", "max-parallel", "default"]
    /// YAML 1.1 booleans that YAML 1.2 (and GitHub) read as strings.
    private static let yaml11Booleans: Set<String> = ["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"]
    /// Context names that, after `${`, show shell syntax where `${{ }}` was meant.
    private static let contextNames: Set<String> = [
        "secrets", "github", "env", "vars", "matrix", "inputs", "steps", "needs", "job", "runner", "strategy",
    ]

    /// Warnings for valid workflows that probably do not do what their author meant.
    mutating func lint(root: Node, workflow: Workflow, source: SourceText) {
        lintScalars(root, parentKey: nil)
        guard let jobs = root["jobs"]?.mapping else { return }
        for job in jobs {
            for step in job.value["steps"]?.sequence ?? [] {
                if let run = step["run"], case .string(let script)? = run.resolved {
                    lintSingleBraces(script, node: run, source: source)
                }
            }
        }
    }

    /// YAML 1.1 look-alikes: numbers whose text changes (`3.10` → 3.1, `0755` → 755) and
    /// `yes`/`no`/`on`/`off`, which are strings, not booleans.
    private mutating func lintScalars(_ node: Node, parentKey: String?) {
        switch node.value {
        case .scalar(let scalar):
            guard scalar.style == .plain, node.tag == nil, let key = parentKey else { return }
            // `isNumericKey` is asked last: most scalars are neither numbers nor YAML 1.1 booleans.
            switch node.resolved {
            case .int(let value)? where String(value) != scalar.text && !Self.numericKeys.contains(key):
                warning(
                    .yaml11,
                    "'\(key): \(scalar.text)' is the number \(value) in YAML 1.2\(scalar.text.hasPrefix("0") ? " (not an octal number)" : ""); quote it ('\(scalar.text)') to keep the text",
                    at: node.mark)
            case .float(let value)? where GitHubNumber.string(value) != scalar.text && !Self.numericKeys.contains(key):
                warning(
                    .yaml11,
                    "'\(key): \(scalar.text)' is the number \(GitHubNumber.string(value)), so it becomes '\(GitHubNumber.string(value))'; quote it ('\(scalar.text)') to keep the text",
                    at: node.mark)
            case .string(let text)?
            where text.utf8.count <= 3 && Self.yaml11Booleans.contains(text) && !Self.numericKeys.contains(key):
                warning(
                    .yaml11,
                    "'\(key): \(text)' is the string '\(text)' (GitHub reads YAML 1.2), not a boolean as in YAML 1.1; write true or false for a boolean, or quote '\(text)' to make the string plain",
                    at: node.mark)
            default:
                return
            }
        case .sequence(let items):
            for item in items { lintScalars(item, parentKey: parentKey) }
        case .mapping(let pairs):
            for pair in pairs { lintScalars(pair.value, parentKey: pair.key) }
        }
    }

    /// `${ secrets.X }` in a script: shell parameter syntax where `${{ secrets.X }}` was meant.
    ///
    /// Works on the UTF-8 bytes: a context name is ASCII letters, so a name that runs on into
    /// another letter (ASCII or not) is not followed by '.' and is skipped either way.
    private mutating func lintSingleBraces(_ script: String, node: Node, source: SourceText) {
        // Only `${` not followed by `{` can start a finding; most scripts have none.
        guard Self.hasSingleBrace(script) else { return }
        let bytes = Array(script.utf8)
        let count = bytes.count
        func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) }
        var seen: [String: Int] = [:]
        var index = 0
        while index + 1 < count {
            guard bytes[index] == 0x24, bytes[index + 1] == 0x7B, index + 2 >= count || bytes[index + 2] != 0x7B else {
                index += 1
                continue
            }
            var cursor = index + 2
            while cursor < count, bytes[cursor] == 0x20 { cursor += 1 }
            let nameStart = cursor
            while cursor < count, isLetter(bytes[cursor]) { cursor += 1 }
            guard cursor < count, bytes[cursor] == 0x2E,
                Self.contextNames.contains(String(decoding: bytes[nameStart..<cursor], as: UTF8.self).lowercased())
            else {
                index += 1
                continue
            }
            guard let close = bytes[cursor...].firstIndex(where: { $0 == 0x7D || $0 == 0x0A }), bytes[close] == 0x7D else {
                index += 1
                continue
            }
            let written = String(decoding: bytes[index...close], as: UTF8.self)
            let inner = String(decoding: bytes[nameStart..<close], as: UTF8.self).trimmingWhitespace()
            let occurrence = seen[written, default: 0]
            seen[written] = occurrence + 1
            let start = location(node.mark)
            let at = source.locate(written, from: start, occurrence: occurrence) ?? start
            diagnostics.append(
                .warning(
                    .singleBrace,
                    "'\(written)' is shell syntax, not an expression, so the shell sees no value; write '${{ \(inner) }}'",
                    at: at))
            index = close + 1
        }
    }

    /// Whether `text` has `${` not followed by a second `{`.
    private static func hasSingleBrace(_ text: String) -> Bool {
        var previous: UInt8 = 0
        var pending = false
        for byte in text.utf8 {
            if pending && byte != 0x7B { return true }
            pending = previous == 0x24 && byte == 0x7B
            previous = byte
        }
        return pending
    }
}
