import CIBasics
import CIWorkflow
import Foundation

/// Finds and reads workflow files named on the command line.
public enum WorkflowFiles {
    /// A path that could not be used, and why.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// The path as given.
        public var path: String
        /// What is wrong with it.
        public var message: String
        /// `path: message`.
        public var description: String { "\(path): \(message)" }
    }

    /// The workflow files for `paths`: a file as is; a directory's `.github/workflows/*.yml|yaml`,
    /// or its own `*.yml|yaml` when it has no `.github/workflows`.
    public static func discover(_ paths: [String]) -> (files: [String], problems: [Problem]) {
        var files: [String] = []
        var problems: [Problem] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(Problem(path: path, message: "no such file or directory"))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let nested = (path as NSString).appendingPathComponent(".github/workflows")
            var nestedIsDirectory: ObjCBool = false
            let folder = manager.fileExists(atPath: nested, isDirectory: &nestedIsDirectory) && nestedIsDirectory.boolValue ? nested : path
            let names = ((try? manager.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }
                .sorted()
            if names.isEmpty {
                problems.append(Problem(path: path, message: "no workflow files (*.yml, *.yaml) in \(folder)"))
            }
            files += names.map { (folder as NSString).appendingPathComponent($0) }
        }
        return (files, problems)
    }

    /// Reads and loads one workflow file.
    public static func load(_ path: String, options: LoadOptions = LoadOptions()) -> Result<LoadResult, Problem> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Problem(path: path, message: "cannot be read"))
        }
        return .success(WorkflowLoader.load(Array(data), path: path, options: options))
    }
}
