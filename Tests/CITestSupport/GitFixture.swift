import Foundation

/// A real git repository made for a test with the git command line, removed afterwards.
public final class GitFixture: Sendable {
    /// The repository's directory.
    public let directory: TemporaryDirectory
    /// Its path.
    public var path: String { directory.path }

    /// Creates a repository with `main` as its branch and a fixed identity.
    public init() throws {
        directory = try TemporaryDirectory()
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Test Author")
        try git("config", "user.email", "author@example.com")
        try git("config", "commit.gpgsign", "false")
    }

    /// Runs git in the repository and returns its standard output, trimmed.
    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_AUTHOR_DATE"] = "2026-01-02T03:04:05Z"
        environment["GIT_COMMITTER_DATE"] = "2026-01-02T03:04:05Z"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(
                domain: "git", code: Int(process.terminationStatus), userInfo: [NSLocalizedDescriptionKey: "git \(arguments) failed"])
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes a file into the working tree.
    public func write(_ name: String, _ text: String) throws { try directory.write(name, text) }

    /// Adds everything and commits; returns the new commit's id.
    @discardableResult
    public func commit(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
        return try git("rev-parse", "HEAD")
    }
}
