import Foundation
import OrderedCollections

/// The files a step writes to talk back to the runner: `GITHUB_ENV`, `GITHUB_OUTPUT`,
/// `GITHUB_PATH`, `GITHUB_STATE` and `GITHUB_STEP_SUMMARY`. Each step gets new, empty files.
struct StepFiles {
    let env: String
    let output: String
    let path: String
    let state: String
    let summary: String

    init(directory: String) throws(StepFailure) {
        let id = UUID().uuidString.lowercased()
        env = "\(directory)/set_env_\(id)"
        output = "\(directory)/set_output_\(id)"
        path = "\(directory)/add_path_\(id)"
        state = "\(directory)/save_state_\(id)"
        summary = "\(directory)/step_summary_\(id)"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StepFailure(message: "cannot create \(directory): \(error)")
        }
        for file in [env, output, path, state, summary] {
            guard FileManager.default.createFile(atPath: file, contents: nil) else {
                throw StepFailure(message: "cannot create \(file)")
            }
        }
    }

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
        func text(_ file: String) -> String {
            (FileManager.default.contents(atPath: file)).map { String(decoding: $0, as: UTF8.self) } ?? ""
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

    /// Deletes the files.
    func remove() {
        for file in [env, output, path, state, summary] { try? FileManager.default.removeItem(atPath: file) }
    }
}
