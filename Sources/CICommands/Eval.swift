import ArgumentParser
import CIBasics
import CIExpressions
import Foundation

extension RunStatus: ExpressibleByArgument {}

/// `ci-runner eval`: evaluate one expression, as a debugging aid.
public struct Eval: ParsableCommand {
    /// The command's name and help.
    public static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate one ${{ }} expression and print the result as JSON.",
        discussion: """
            EXPRESSION is a bare expression (github.ref == 'refs/heads/main') or a template with \
            ${{ }} in it ('v${{ matrix.version }}'). Contexts come from --contexts, a JSON object \
            keyed by context name: github, env, vars, secrets, matrix, steps, needs, inputs, job, \
            runner, strategy. The standard contexts can always be named (they are null when not \
            given); any other name is an error. Errors go to standard error with the column, and \
            the exit status is 1.
            """
    )

    @Argument(help: "The expression, or a string with ${{ }} in it.")
    var expression: String

    @Option(help: ArgumentHelp("A JSON file of contexts keyed by name.", valueName: "file.json"))
    var contexts: String?

    @Option(help: ArgumentHelp("The directory hashFiles() hashes in (default: the current directory).", valueName: "dir"))
    var workspace: String?

    @Option(name: .customLong("job-status"), help: "What success(), failure() and cancelled() see: success, failure or cancelled.")
    var jobStatus: RunStatus = .success

    /// The context names every workflow expression may use.
    static let standardContexts = [
        "github", "env", "vars", "secrets", "matrix", "steps", "needs", "inputs", "job", "runner", "strategy", "jobs",
    ]

    /// Creates the command with its defaults.
    public init() {}

    /// Runs the command on the standard streams.
    public func run() throws {
        let status = execute(console: .standard())
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs the command, writing to `console`; returns the exit status.
    public func execute(console: Console) -> Int32 {
        var pairs: [(String, ExpressionValue)] = []
        if let contexts {
            guard let data = FileManager.default.contents(atPath: contexts) else {
                console.errorLine("error: \(contexts): cannot be read")
                return 1
            }
            do {
                guard case .object(let members) = try JSONValue.parse(bytes: Array(data)) else {
                    console.errorLine("error: \(contexts): must hold a JSON object keyed by context name")
                    return 1
                }
                pairs = members.map { ($0.key, ExpressionValue(json: $0.value)) }
            } catch {
                console.errorLine("error: \(contexts):\(error.line):\(error.column): \(error.message)")
                return 1
            }
        }
        let names = Set(Self.standardContexts + pairs.map { $0.0.lowercased() })
        let options = ParseOptions(contexts: names, functions: Functions.workflowFunctions)
        let root = workspace ?? FileManager.default.currentDirectoryPath
        let context = EvaluationContext(contexts: pairs, status: StatusState(current: jobStatus), files: WorkspaceFileHasher(root: root))
        do {
            let value: ExpressionValue
            if expression.contains("${{") {
                guard let template = try Template.parse(expression, options: options) else { return 1 }
                value = try template.evaluate(in: context)
            } else {
                value = try Expression.parse(expression, options: options)?.evaluate(in: context, text: expression) ?? .null
            }
            console.line(value.prettyJSON)
            return 0
        } catch let problem as Template.Problem {
            report(problem.message, offset: problem.offset, console: console)
        } catch let error as ExpressionError {
            report(error.description, offset: error.offset, console: console)
        } catch {
            console.errorLine("error: \(error)")
        }
        return 1
    }

    /// Prints an error with the expression and a caret under the UTF-16 offset.
    private func report(_ message: String, offset: Int?, console: Console) {
        guard let offset else {
            console.errorLine(console.errorStyle.paint("error:", .red) + " " + message)
            return
        }
        let prefix = String(decoding: Array(expression.utf16).prefix(offset), as: UTF16.self)
        let line = prefix.split(separator: "\n", omittingEmptySubsequences: false).count
        let column = (prefix.split(separator: "\n", omittingEmptySubsequences: false).last?.unicodeScalars.count ?? 0) + 1
        let diagnostic = Diagnostic.error("expression", message, at: SourceLocation(file: "<expression>", line: line, column: column))
        console.errorLine(diagnostic.rendered(source: SourceText(path: "<expression>", text: expression), style: console.errorStyle))
    }
}
