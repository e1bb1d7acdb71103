import Foundation

/// A Python version such as 3.11.7, ordered numerically.
public struct PythonVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Major, minor and patch.
    public var parts: [Int]

    /// Reads `3`, `3.11` or `3.11.7`; nil for anything else.
    public init?(_ text: some StringProtocol) {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(pieces.count) else { return nil }
        var parts: [Int] = []
        for piece in pieces {
            guard !piece.isEmpty, piece.allSatisfy(\.isASCII), let number = Int(piece), number >= 0 else { return nil }
            parts.append(number)
        }
        self.parts = parts
    }

    init(parts: [Int]) { self.parts = parts }

    /// `3.11.7`.
    public var description: String { parts.map(String.init).joined(separator: ".") }

    /// `3.11`.
    public var majorMinor: String { parts.prefix(2).map(String.init).joined(separator: ".") }

    /// Numeric order; a missing part counts as 0.
    public static func < (lhs: PythonVersion, rhs: PythonVersion) -> Bool {
        for index in 0..<3 {
            let left = index < lhs.parts.count ? lhs.parts[index] : 0
            let right = index < rhs.parts.count ? rhs.parts[index] : 0
            if left != right { return left < right }
        }
        return false
    }
}

/// A `python-version` value of actions/setup-python, read as its semver range: `3.11` (any
/// 3.11.x), `3.x`, `3.11.7`, `>=3.9 <3.12`, `~3.10`, `^3.8`, alternatives with `||`.
public struct PythonVersionSpec: Sendable, Hashable, CustomStringConvertible {
    private enum Operator: String, Sendable {
        case greaterOrEqual = ">="
        case lessOrEqual = "<="
        case greater = ">"
        case less = "<"
        case equal = "="
    }
    private struct Comparator: Sendable, Hashable {
        var operation: Operator
        var version: PythonVersion
    }
    /// Alternatives, each a list of comparators that must all hold.
    private var alternatives: [[Comparator]]
    /// The text as written.
    public let description: String

    /// Reads a spec; nil when it is not one (for example `pypy3.10`, which is not available here).
    public init?(_ text: String) {
        description = text
        var alternatives: [[Comparator]] = []
        for alternative in text.split(separator: "||") {
            var comparators: [Comparator] = []
            for word in alternative.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                guard let parsed = Self.comparators(String(word)) else { return nil }
                comparators += parsed
            }
            guard !comparators.isEmpty else { return nil }
            alternatives.append(comparators)
        }
        guard !alternatives.isEmpty else { return nil }
        self.alternatives = alternatives
    }

    /// Whether `version` satisfies the spec.
    public func matches(_ version: PythonVersion) -> Bool {
        alternatives.contains { comparators in
            comparators.allSatisfy { comparator in
                switch comparator.operation {
                case .greaterOrEqual: version >= comparator.version
                case .lessOrEqual: version <= comparator.version
                case .greater: version > comparator.version
                case .less: version < comparator.version
                case .equal: version == comparator.version
                }
            }
        }
    }

    /// The best (newest) version among `candidates` that satisfies the spec.
    public func best(of candidates: [PythonVersion]) -> PythonVersion? {
        candidates.filter(matches).max()
    }

    /// One word of a range: `3.11`, `3.x`, `>=3.9`, `~3.10`, `^3`, `3.11.*`.
    private static func comparators(_ word: String) -> [Comparator]? {
        var text = word
        var operation: String = ""
        for symbol in [">=", "<=", ">", "<", "=", "~", "^", "v"] where text.hasPrefix(symbol) {
            operation = symbol
            text.removeFirst(symbol.count)
            break
        }
        // Wildcards: 3.x, 3.11.x, 3.11.*.
        var pieces = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        while let last = pieces.last, ["x", "X", "*"].contains(last) { pieces.removeLast() }
        guard !pieces.isEmpty, let version = PythonVersion(pieces.joined(separator: ".")) else { return nil }
        let given = version.parts.count
        /// The first version past the range a partial version names (3.11 → 3.12, 3 → 4).
        func next(_ parts: [Int]) -> PythonVersion {
            var upper = parts
            upper[upper.count - 1] += 1
            return PythonVersion(parts: upper)
        }
        switch operation {
        case ">=", ">", "<=", "<":
            if given == 3 || operation == ">=" || operation == "<" {
                return [Comparator(operation: Operator(rawValue: operation) ?? .equal, version: version)]
            }
            // >3.11 means >=3.12; <=3.11 means <3.12.
            return [Comparator(operation: operation == ">" ? .greaterOrEqual : .less, version: next(version.parts))]
        case "~":
            let upper = given == 1 ? next(version.parts) : next(Array(version.parts.prefix(2)))
            return [Comparator(operation: .greaterOrEqual, version: version), Comparator(operation: .less, version: upper)]
        case "^":
            let significant = version.parts.firstIndex { $0 != 0 } ?? (given - 1)
            let upper = next(Array(version.parts.prefix(significant + 1)))
            return [Comparator(operation: .greaterOrEqual, version: version), Comparator(operation: .less, version: upper)]
        default:
            if given == 3 { return [Comparator(operation: .equal, version: version)] }
            return [Comparator(operation: .greaterOrEqual, version: version), Comparator(operation: .less, version: next(version.parts))]
        }
    }
}

/// Python interpreters installed on this host that actions/setup-python can use.
public struct PythonInstallation: Sendable, Hashable {
    /// Its version.
    public var version: PythonVersion
    /// The interpreter.
    public var executable: String

    /// Interpreters in GitHub's tool cache layout (`/opt/hostedtoolcache/Python/<v>/x64`), pyenv's
    /// versions, and `python3.N` in PATH and the usual directories; for each version, the first found.
    public static func discover(environment: [String: String]) -> [PythonInstallation] {
        let manager = FileManager.default
        var found: [PythonInstallation] = []
        var seen = Set<PythonVersion>()
        func add(_ version: PythonVersion?, _ executable: String) {
            guard let version, version.parts.count == 3, manager.isExecutableFile(atPath: executable), seen.insert(version).inserted else {
                return
            }
            found.append(PythonInstallation(version: version, executable: executable))
        }
        // Folders named by version.
        var versionFolders: [(String, String)] = [("/opt/hostedtoolcache/Python", "/x64/bin/python3")]
        let pyenvRoot = environment["PYENV_ROOT"] ?? environment["HOME"].map { $0 + "/.pyenv" }
        if let pyenvRoot { versionFolders.append((pyenvRoot + "/versions", "/bin/python3")) }
        for (folder, suffix) in versionFolders {
            for name in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] { add(PythonVersion(name), folder + "/" + name + suffix) }
        }
        // python3.N executables: ask each for its full version.
        var directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.contains("/shims") }
        directories += ["/usr/local/bin", "/usr/bin"]
        var asked = Set<String>()
        for directory in directories {
            for name in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] where Self.isVersionedName(name) {
                let path = URL(fileURLWithPath: directory + "/" + name).resolvingSymlinksInPath().path
                guard asked.insert(path).inserted, let version = Self.askVersion(path) else { continue }
                add(version, path)
            }
        }
        return found.sorted { $0.version > $1.version }
    }

    /// `python3.11`, not `python3.11-config`.
    static func isVersionedName(_ name: String) -> Bool {
        guard name.hasPrefix("python3.") else { return false }
        return name.dropFirst(8).allSatisfy(\.isNumber) && name.count > 8
    }

    /// Runs the interpreter to read its version.
    static func askVersion(_ executable: String) -> PythonVersion? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return PythonVersion(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
