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

    /// A new run: the next run number (1, 2, …) and its fresh directory `runs/<number>`. The last
    /// number is kept in `run-number`, written in place under a lock (concurrent runs wait for
    /// each other there); a directory that exists already is never reused, so the number is only
    /// a hint, and a damaged file costs a scan, never a clash.
    static func newRun(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (number: Int, directory: String) {
        let home = path(environment: environment)
        try Directories.create(home + "/runs")
        let lock = open(home + "/run-number.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { close(lock) } }
        // Written in place, not replaced: a new file per run would cost an inode each time.
        let counter = open(home + "/run-number", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        defer { if counter >= 0 { close(counter) } }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = counter >= 0 ? pread(counter, &buffer, buffer.count, 0) : -1
        var number =
            count > 0 ? Int(String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 : 0
        while true {
            number += 1
            let directory = home + "/runs/\(number)"
            if mkdir(directory, 0o755) == 0 {
                let text = Array("\(number)\n".utf8)
                if counter >= 0, pwrite(counter, text, text.count, 0) == text.count { _ = ftruncate(counter, off_t(text.count)) }
                return (number, directory)
            }
            guard errno == EEXIST else { throw RunInputError(message: "cannot create \(directory): \(String(cString: strerror(errno)))") }
        }
    }
}
