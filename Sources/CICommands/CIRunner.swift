import ArgumentParser

/// The `ci-runner` command.
public struct CIRunner: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "ci-runner", abstract: "Run GitHub-Actions-style workflows on this machine.")
    public init() {}
}
