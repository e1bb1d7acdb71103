import ArgumentParser
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

    /// Runs what needs no argument parsing, returning its exit status: the sandbox agent as
    /// bubblewrap starts it (`ci-runner sandbox-agent`), once per job, where the parser's
    /// start-up would add a few milliseconds to every job. Nil for everything else.
    public static func runWithoutParsing(_ arguments: [String]) -> Int32? {
        guard arguments.count == 2, arguments[1] == SandboxAgentCommand.configuration.commandName else { return nil }
        return SandboxAgent.serve(socket: 3)
    }
}
