import CIBasics
import Foundation

/// Where ci-runner keeps its runs: `$CI_RUNNER_HOME`, else `$XDG_DATA_HOME/ci-runner`, else
/// `~/.local/share/ci-runner`.
enum RunnerHome {
    static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["CI_RUNNER_HOME"], !home.isEmpty { return home }
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return data + "/ci-runner" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/ci-runner"
    }

    static func runs(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        path(environment: environment) + "/runs"
    }

    /// A new run: the next run number (1, 2, …, kept in `run-number`) and its fresh directory
    /// `runs/<number>`. Concurrent runs take a lock on the counter, and a directory that exists
    /// already is never reused.
    static func newRun(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (number: Int, directory: String) {
        let home = path(environment: environment)
        try Directories.create(home + "/runs")
        let lock = open(home + "/run-number.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { close(lock) } }
        let file = home + "/run-number"
        var number =
            (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        while true {
            number += 1
            let directory = home + "/runs/\(number)"
            if mkdir(directory, 0o755) == 0 {
                try String(number).write(toFile: file, atomically: true, encoding: .utf8)
                return (number, directory)
            }
            guard errno == EEXIST else { throw RunInputError(message: "cannot create \(directory): \(String(cString: strerror(errno)))") }
        }
    }
}
