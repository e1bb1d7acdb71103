import CIBasics
import Foundation
import OrderedCollections

#if canImport(Glibc)
    import Glibc
#endif

/// The files a step writes to talk back to the runner: `GITHUB_ENV`, `GITHUB_OUTPUT`,
/// `GITHUB_PATH`, `GITHUB_STATE` and `GITHUB_STEP_SUMMARY`. Each step gets new, empty files
/// (made while the step before it runs); they go when the job's temp directory does (deleting
/// them one step at a time makes the file system slower to create the next step's).
struct StepFiles {
    let env: String
    let output: String
    let path: String
    let state: String
    let summary: String

    /// New files numbered `number` in `directory` (the job's own).
    init(directory: String, number: Int) throws(StepFailure) {
        let id = String(number)
        env = "\(directory)/set_env_\(id)"
        output = "\(directory)/set_output_\(id)"
        path = "\(directory)/add_path_\(id)"
        state = "\(directory)/save_state_\(id)"
        summary = "\(directory)/step_summary_\(id)"
        for file in paths { try Self.write(file, []) }
    }

    /// Creates `file` with `bytes` in one open and write (no temporary file and rename, which
    /// cost a second inode per step). Creates its directory when a step has removed it.
    static func write(_ file: String, _ bytes: [UInt8]) throws(StepFailure) {
        do {
            try Files.write(file, bytes, makingDirectory: true)
        } catch {
            throw StepFailure(message: error.description)
        }
    }

    /// The files' paths.
    var paths: [String] { [env, output, path, state, summary] }

    /// The variables that name the files.
    var variables: [(String, String)] {
        [("GITHUB_ENV", env), ("GITHUB_OUTPUT", output), ("GITHUB_PATH", path), ("GITHUB_STATE", state), ("GITHUB_STEP_SUMMARY", summary)]
    }

    /// What the step wrote.
    struct Contents {
        var env: [(String, String)]
        var outputs: [(String, String)]
        var paths: [String]
        var state: [(String, String)]
        var summary: String
    }

    /// Reads the files. A malformed env, output or state file is an error naming the file and line.
    func read() throws(StepFailure) -> Contents {
        // One stat for a file the step did not write to, which is most of them.
        func text(_ file: String) -> String {
            var info = stat()
            guard stat(file, &info) == 0, info.st_size > 0 else { return "" }
            return (FileManager.default.contents(atPath: file)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        func pairs(_ file: String, _ variable: String) throws(StepFailure) -> [(String, String)] {
            do {
                return try EnvironmentFile.parsePairs(text(file)).map { ($0.name, $0.value) }
            } catch {
                throw StepFailure(message: "\(variable) (\(file)), \(error.description)")
            }
        }
        return Contents(
            env: try pairs(env, "GITHUB_ENV"), outputs: try pairs(output, "GITHUB_OUTPUT"), paths: EnvironmentFile.parsePaths(text(path)),
            state: try pairs(state, "GITHUB_STATE"), summary: text(summary))
    }
}
