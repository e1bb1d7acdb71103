import ArgumentParser
import CIBasics
import CIWorkflow

extension OutputFormat: ExpressibleByArgument {}

/// `ci-runner validate`: check workflow files the way GitHub does, and lint them.
public struct Validate: ParsableCommand {
    /// The command's name and help.
    public static let configuration = CommandConfiguration(
        // Named explicitly: ArgumentParser compares every path argument with each subcommand's
        // name, and a derived name costs a String(describing:) each time.
        commandName: "validate",
        abstract: "Check workflow files for errors, with a line, column and caret for each.",
        discussion: """
            PATH is a workflow file, or a directory: its .github/workflows/ (or, if it has none, the \
            directory itself) is scanned for *.yml and *.yaml files. Exits 0 when every workflow is \
            valid, 1 otherwise. Warnings (likely mistakes that GitHub accepts) do not change the exit \
            status unless --strict is given.
            """
    )

    @Argument(help: "Workflow files, or directories or repositories to scan.")
    var paths: [String] = ["."]

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(name: .customLong("no-lint"), help: "Only report errors, not lint warnings.")
    var noLint = false

    @Flag(help: "Exit 1 on warnings too.")
    var strict = false

    /// Creates the command with its defaults.
    public init() {}

    /// Runs the command on the standard streams.
    public func run() throws {
        let status = execute(console: .standard())
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs the command, writing to `console`; returns the exit status.
    public func execute(console: Console) -> Int32 {
        let (files, problems) = WorkflowFiles.discover(paths)
        // Of each file, only what the report needs is kept; text output quotes the source.
        let keepSource = format == .text
        var results: [CheckedFile] = []
        var unreadable = problems
        for outcome in WorkflowFiles.loadAll(files, options: LoadOptions(lint: !noLint), keep: { CheckedFile($0, keepSource: keepSource) })
        {
            switch outcome {
            case .success(let result): results.append(result)
            case .failure(let problem): unreadable.append(problem)
            }
        }
        let errors = results.reduce(0) { $0 + $1.diagnostics.filter { $0.severity == .error }.count }
        let warnings = results.reduce(0) { $0 + $1.diagnostics.filter { $0.severity == .warning }.count }
        let invalid = results.filter { !$0.isValid }.count
        let failed = invalid > 0 || !unreadable.isEmpty || (strict && warnings > 0)

        switch format {
        case .json:
            let files: [JSONValue] = results.map { result in
                .object([
                    ("path", .string(result.path)), ("valid", .bool(result.isValid)),
                    ("diagnostics", .array(result.diagnostics.map(\.json))),
                ])
            }
            let document: JSONValue = .object([
                ("valid", .bool(!failed)), ("files", .array(files)),
                ("unreadable", .array(unreadable.map { .object([("path", .string($0.path)), ("message", .string($0.message))]) })),
                ("errors", .int(errors)), ("warnings", .int(warnings)),
            ])
            console.line(document.serialized(.pretty))
        case .text:
            let style = console.outputStyle
            for problem in unreadable { console.line(style.paint("error:", .red) + " \(problem)") }
            for result in results {
                for diagnostic in result.diagnostics {
                    console.line(diagnostic.rendered(source: result.source, style: style))
                    console.line()
                }
            }
            let summary =
                "\(results.count) workflow\(results.count == 1 ? "" : "s") checked: \(results.count - invalid) valid, \(invalid) invalid; \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
            console.line(style.paint(summary, failed ? .red : .green))
        }
        return failed ? 1 : 0
    }
}

/// What `validate` keeps of a loaded file.
struct CheckedFile: Sendable {
    /// The path as given.
    var path: String
    /// Whether the workflow loaded without errors.
    var isValid: Bool
    /// Its errors and warnings.
    var diagnostics: [Diagnostic]
    /// The file's text, to quote in text output.
    var source: SourceText?

    init(_ result: LoadResult, keepSource: Bool) {
        path = result.source.path
        isValid = result.isValid
        diagnostics = result.diagnostics
        source = keepSource ? result.source : nil
    }
}
