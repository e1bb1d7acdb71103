import ArgumentParser
import CIBasics
import CIEngine
import Foundation

/// `ci-runner logs`: print the saved logs of a run.
public struct Logs: ParsableCommand {
    /// The command's name and help.
    public static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print the logs of a run (default: the latest).",
        discussion:
            "Logs are kept per run and job under $CI_RUNNER_HOME/runs/<run>/logs/ (default ~/.local/share/ci-runner), with an index of each step's part."
    )

    @Argument(help: "The run id (as printed at the end of a run); default: the latest run.")
    var runID: String?

    @Option(help: "Only this job (its name, as shown in the run's table).")
    var job: String?

    @Option(help: "Only this step number.")
    var step: Int?

    @Flag(help: "List the runs instead.")
    var list = false

    /// Creates the command with its defaults.
    public init() {}

    /// Runs the command on the standard streams.
    public func run() throws {
        let status = execute(console: .standard())
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs the command, writing to `console`; returns the exit status.
    public func execute(console: Console) -> Int32 {
        let runs = RunnerHome.runs()
        let ids = ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []).sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
        if list {
            for id in ids { console.line(id) }
            return 0
        }
        guard let id = runID ?? ids.last else {
            console.errorLine("error: no runs yet in \(runs)")
            return 1
        }
        guard let jobs = LogStore.saved(runDirectory: runs + "/" + id) else {
            console.errorLine("error: no logs for run '\(id)' in \(runs)")
            return 1
        }
        var printed = false
        for saved in jobs where job.map({ saved.name == LogStore.jobFileName($0) }) ?? true {
            if let step {
                for part in saved.steps where part.number == step {
                    console.line(console.outputStyle.paint("── \(saved.name) / step \(part.number): \(part.name)", .bold))
                    console.write(part.output)
                    printed = true
                }
            } else {
                console.line(console.outputStyle.paint("── \(saved.name)", .bold))
                console.write(saved.text)
                printed = true
            }
        }
        if !printed {
            console.errorLine("error: nothing matches in run '\(id)'")
            return 1
        }
        return 0
    }
}
