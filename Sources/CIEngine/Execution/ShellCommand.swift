import CIWorkflow

/// How a `run` step's script is run: the command line built from the `shell` template, and the
/// script file's extension, as GitHub does it on Linux.
struct ShellCommand: Sendable, Hashable {
    /// The program (a name looked up in PATH, or a path).
    var executable: String
    /// The arguments, with `{0}` already replaced by the script's path.
    var arguments: [String]
    /// The script file's extension (with the dot), or "".
    var fileExtension: String
    /// Text to put before and after the script (PowerShell's error handling).
    var prologue: String
    var epilogue: String

    /// The command for `shell` (nil: no shell given anywhere) and a script at `scriptPath`.
    /// `bashAvailable` decides GitHub's default: `bash -e {0}`, else `sh -e {0}`.
    static func make(shell: String?, bashAvailable: Bool) -> (template: String, name: String) {
        guard let shell else { return bashAvailable ? (Shells.defaultTemplate, "bash") : ("sh -e {0}", "sh") }
        if let template = Shells.templates[shell.lowercased()] { return (template, shell.lowercased()) }
        return (shell, shell.split(separator: " ").first.map(String.init) ?? shell)
    }

    /// Builds the command from a template such as `bash --noprofile --norc -eo pipefail {0}`.
    static func from(template: String, name: String, scriptPath: String) -> ShellCommand {
        let words = split(template).map { substitute($0, scriptPath) }
        var prologue = ""
        var epilogue = ""
        if ["pwsh", "powershell"].contains(baseName(name)) {
            prologue = "$ErrorActionPreference = 'stop'\n"
            epilogue = "\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }\n"
        }
        return ShellCommand(
            executable: words.first ?? "sh", arguments: Array(words.dropFirst()), fileExtension: fileExtension(shell: name),
            prologue: prologue, epilogue: epilogue)
    }

    /// The script file's extension for the shell `name` (with the dot), or "".
    static func fileExtension(shell name: String) -> String {
        switch baseName(name) {
        case "bash", "sh": ".sh"
        case "python", "python3": ".py"
        case "pwsh", "powershell": ".ps1"
        case "cmd": ".cmd"
        default: ""
        }
    }

    /// `word` with each `{0}` replaced by `path` (byte by byte: Foundation's replacing goes
    /// through NSString, tens of microseconds a step).
    static func substitute(_ word: String, _ path: String) -> String {
        let bytes = Array(word.utf8)
        guard bytes.count >= 3 else { return word }
        var out: [UInt8] = []
        var index = 0
        var replaced = false
        while index < bytes.count {
            if index + 2 < bytes.count && bytes[index] == UInt8(ascii: "{") && bytes[index + 1] == UInt8(ascii: "0")
                && bytes[index + 2] == UInt8(ascii: "}")
            {
                out += path.utf8
                index += 3
                replaced = true
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return replaced ? String(decoding: out, as: UTF8.self) : word
    }

    private static func baseName(_ name: String) -> String {
        (name.split(separator: "/").last.map(String.init) ?? name).lowercased()
    }

    /// Splits a command line on blanks, keeping single- and double-quoted parts together.
    static func split(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Unicode.Scalar?
        var inWord = false
        for character in line.unicodeScalars {
            if let open = quote {
                if character == open { quote = nil } else { current.unicodeScalars.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            } else {
                current.unicodeScalars.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
