import ArgumentParser
import CIGit
import CISandbox

/// The `ci-runner` command: run GitHub-Actions-style workflows on this machine.
public struct CIRunner: AsyncParsableCommand {
    /// The version `--version` prints.
    public static let version = "0.1.0"

    /// The command's name, summary and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "ci-runner",
        abstract: "Run GitHub-Actions-style workflows on this machine.",
        discussion: """
            ci-runner reads GitHub Actions workflow files with its own YAML parser and checks them \
            the way GitHub does. See docs/cli.md for every command.
            """,
        version: version,
        subcommands: [Run.self, Validate.self, Inspect.self, List.self, Eval.self, Logs.self, SandboxAgentCommand.self]
    )

    /// Creates the command.
    public init() {}

    /// ArgumentParser's `main` (parse, run, exit with the error's status), except that every way
    /// out first waits for the libgit2 load that started with the process: exiting while it runs
    /// would clean up OpenSSL (an `atexit` handler) under libgit2's start-up and crash.
    public static func mainWaitingForLibgit2() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Repository.finishPreload()
        } catch {
            Repository.finishPreload()
            exit(withError: error)
        }
    }

    /// What comes before argument parsing. Runs the sandbox agent as bubblewrap starts it
    /// (`ci-runner sandbox-agent`, once per job, where the parser's start-up would add a few
    /// milliseconds to every job) and returns its exit status; for everything else returns nil,
    /// after starting what `run` needs first.
    public static func beforeParsing(_ arguments: [String]) -> Int32? {
        // `run` reads the repository through libgit2, whose start (parsing the system's CA
        // certificates) then overlaps the argument parser's, as does the kernel's part of the
        // first job's cgroup. (CGitPreload's constructor has usually started libgit2 already;
        // prepareLibrary then does nothing.) `run --help` needs neither.
        if arguments.count > 1, arguments[1] == Run.configuration.commandName,
            !arguments.contains(where: { ["-h", "--help"].contains($0) })
        {
            Repository.prepareLibrary()
            if !arguments.contains(where: { ["-n", "--dry-run", "-l", "--list"].contains($0) }) {
                SandboxSettings.prepareRun()
            }
        }
        guard arguments.count == 2, arguments[1] == SandboxAgentCommand.configuration.commandName else { return nil }
        return SandboxAgent.serve(socket: 3)
    }
}
