import Foundation

/// Runs the built `ci-runner` binary as a separate process, for end-to-end tests.
public enum Binary {
    /// The result of one run.
    public struct Run: Sendable {
        /// The exit status.
        public var status: Int32
        /// Standard output.
        public var output: String
        /// Standard error.
        public var error: String
    }

    /// `.build/debug/ci-runner` (or `$CI_RUNNER_BINARY`).
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["CI_RUNNER_BINARY"] { return override }
        return Corpus.projectRoot.appendingPathComponent(".build/debug/ci-runner").path
    }

    /// Whether the binary has been built.
    public static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Runs the binary with `arguments` in `directory`, with `environment` added to a minimal one.
    /// With `interruptOn`, sends SIGINT once standard output contains that text.
    public static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:], interruptOn marker: String? = nil
    ) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var outData = Data()
        if let marker {
            var sent = false
            while case let chunk = out.fileHandleForReading.availableData, !chunk.isEmpty {
                outData.append(chunk)
                if !sent, String(decoding: outData, as: UTF8.self).contains(marker) {
                    kill(process.processIdentifier, SIGINT)
                    sent = true
                }
            }
        }
        outData.append(out.fileHandleForReading.readDataToEndOfFile())
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
            error: String(decoding: errData, as: UTF8.self))
    }
}

/// A temporary directory removed when the value goes away.
public final class TemporaryDirectory: Sendable {
    /// The directory's path.
    public let path: String

    /// Creates a new empty directory.
    public init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ci-runner-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    /// Writes `text` to `name` inside the directory (creating folders) and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let url = URL(fileURLWithPath: path).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
