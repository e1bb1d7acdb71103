import Foundation

/// Paths to the shared conformance corpus, read in place (never copied or written).
public enum Corpus {
    /// The project's root directory (the one holding Package.swift).
    public static let projectRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `../shared/corpus/`, or `$CI_RUNNER_CORPUS` when set.
    public static let root: URL = {
        if let override = ProcessInfo.processInfo.environment["CI_RUNNER_CORPUS"] {
            return URL(fileURLWithPath: override)
        }
        return projectRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }()

    /// A path inside the corpus.
    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// Whether the corpus is present on this machine.
    public static var isAvailable: Bool { FileManager.default.fileExists(atPath: root.path) }

    /// The sorted file names in a corpus folder that end in one of `extensions`.
    public static func files(in relative: String, extensions: [String]) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url(relative).path)) ?? []
        return names.filter { name in extensions.contains { name.hasSuffix($0) } }.sorted()
    }

    /// A corpus file's bytes.
    public static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(relative)))
    }
}
