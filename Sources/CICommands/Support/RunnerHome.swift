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

    /// The next run number (1, 2, …), kept in `run-number`.
    static func nextRunNumber(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        let file = path(environment: environment) + "/run-number"
        let current =
            (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        try? FileManager.default.createDirectory(atPath: path(environment: environment), withIntermediateDirectories: true)
        try? String(current + 1).write(toFile: file, atomically: true, encoding: .utf8)
        return current + 1
    }
}
