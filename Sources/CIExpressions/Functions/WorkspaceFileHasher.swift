import Crypto
import Foundation

/// `hashFiles()` over a workspace directory, with GitHub's algorithm: the SHA-256 of the
/// concatenated SHA-256 digests of the matching files, in path order; `""` when nothing matches.
///
/// Patterns are relative to the workspace; a pattern outside it is an error. Patterns apply in
/// order: a file is included when the last pattern that matches it is not negated. Directories are
/// never hashed themselves, only the files in them.
public struct WorkspaceFileHasher: FileHasher {
    /// The workspace (`GITHUB_WORKSPACE`) as given.
    private let given: String

    /// The workspace, standardized (made when `hashFiles` runs: every step's context has a
    /// hasher, few steps hash).
    public var root: String {
        let standardized = URL(fileURLWithPath: given).standardizedFileURL.path
        return standardized.count > 1 && standardized.hasSuffix("/") ? String(standardized.dropLast()) : standardized
    }

    /// Creates a hasher for the workspace at `root`.
    public init(root: String) {
        given = root
    }

    /// The relative paths of the files the patterns select, in code-point order.
    public func matchingFiles(_ patterns: [String]) throws(ExpressionError) -> [String] {
        try Resolved(root: root).matchingFiles(patterns)
    }

    /// GitHub's hash of the files the patterns select.
    public func hashFiles(_ patterns: [String]) throws(ExpressionError) -> String {
        try Resolved(root: root).hashFiles(patterns)
    }

    /// The work, on the standardized root.
    private struct Resolved {
        let root: String

        /// The relative paths of the files the patterns select, in code-point order.
        func matchingFiles(_ patterns: [String]) throws(ExpressionError) -> [String] {
            var parsed: [GlobPattern] = []
            for pattern in patterns {
                do {
                    parsed.append(try GlobPattern(pattern, root: root))
                } catch {
                    throw ExpressionError(
                        .evaluation, "hashFiles('\(patterns.joined(separator: ", "))') failed: \(error.message)", offset: nil,
                        expression: "")
                }
            }
            var selected: [String] = []
            for file in allFiles() {
                let segments = file.split(separator: "/")
                var included = false
                for pattern in parsed where pattern.matches(segments) { included = !pattern.isNegated }
                if included { selected.append(file) }
            }
            return selected.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }

        /// GitHub's hash of the files the patterns select.
        func hashFiles(_ patterns: [String]) throws(ExpressionError) -> String {
            let files = try matchingFiles(patterns)
            guard !files.isEmpty else { return "" }
            var outer = SHA256()
            for file in files {
                var inner = SHA256()
                guard let handle = FileHandle(forReadingAtPath: root + "/" + file) else {
                    throw ExpressionError(.evaluation, "hashFiles: cannot read '\(file)'", offset: nil, expression: "")
                }
                defer { try? handle.close() }
                while let chunk = try? handle.read(upToCount: 1 << 16), !chunk.isEmpty { inner.update(data: chunk) }
                outer.update(data: Data(inner.finalize()))
            }
            return outer.finalize().map { String(format: "%02x", $0) }.joined()
        }

        /// Every regular file under the root, following symbolic links (once per directory).
        private func allFiles() -> [String] {
            var files: [String] = []
            var visited = Set<String>()
            var stack: [String] = [""]
            let manager = FileManager.default
            while let relative = stack.popLast() {
                let absolute = relative.isEmpty ? root : root + "/" + relative
                let real =
                    (try? manager.destinationOfSymbolicLink(atPath: absolute)).map { _ in
                        URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
                    } ?? absolute
                guard visited.insert(real).inserted else { continue }
                guard let names = try? manager.contentsOfDirectory(atPath: absolute) else { continue }
                for name in names {
                    let child = relative.isEmpty ? name : relative + "/" + name
                    var isDirectory: ObjCBool = false
                    guard manager.fileExists(atPath: root + "/" + child, isDirectory: &isDirectory) else { continue }
                    if isDirectory.boolValue { stack.append(child) } else { files.append(child) }
                }
            }
            return files
        }
    }
}
