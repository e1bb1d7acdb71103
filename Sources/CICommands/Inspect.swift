import ArgumentParser
import CIBasics
import CIWorkflow
import CIYAML
import Foundation

/// `ci-runner inspect`: print a workflow as JSON.
public struct Inspect: ParsableCommand {
    /// The command's name and help.
    public static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a workflow as JSON: defaults filled in, matrices expanded.",
        discussion: """
            With --yaml, print the file's raw YAML value instead, as Python's json.dumps(value, \
            sort_keys=True) would (the YAML 1.2 core schema, aliases expanded), so it can be diffed \
            against other YAML parsers.
            """
    )

    @Argument(help: "The workflow file.")
    var file: String

    @Flag(help: "Print the raw YAML value, not the loaded workflow.")
    var yaml = false

    /// Creates the command with its defaults.
    public init() {}

    /// Runs the command on the standard streams.
    public func run() throws {
        let status = execute(console: .standard())
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs the command, writing to `console`; returns the exit status.
    public func execute(console: Console) -> Int32 {
        guard let data = FileManager.default.contents(atPath: file) else {
            console.errorLine("error: \(file): cannot be read")
            return 1
        }
        let bytes = Array(data)
        let source = SourceText(path: file, bytes: bytes)
        if yaml {
            do {
                let document = try YAML.parseStrict(bytes)
                console.write(document.jsonValue.serialized(.python) + (console.outputIsTerminal ? "\n" : ""))
                return 0
            } catch {
                console.errorLine(error.diagnostic(path: file).rendered(source: source, style: console.errorStyle))
                return 1
            }
        }
        let result = WorkflowLoader.load(bytes, path: file)
        for diagnostic in result.diagnostics {
            console.errorLine(diagnostic.rendered(source: source, style: console.errorStyle))
        }
        guard result.isValid, let workflow = result.workflow else { return 1 }
        console.line(workflow.inspectionJSON().serialized(.pretty))
        return 0
    }
}
