import ArgumentParser
import CIBasics
import CIWorkflow

/// `ci-runner list`: the jobs of workflows as a table.
public struct List: ParsableCommand {
    /// The command's name and help.
    public static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the jobs of workflows: id, name, needs, runs-on, matrix size and stage.",
        discussion: """
            The stage is when a job can start: 0 for jobs that need nothing, else one more than the \
            latest stage among its needs. MATRIX is the number of job instances its matrix expands \
            to, '-' without a matrix, and '?' when the matrix is only known at run time.
            """
    )

    @Argument(help: "Workflow files, or directories or repositories to scan.")
    var paths: [String] = ["."]

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

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
        var status: Int32 = problems.isEmpty ? 0 : 1
        for problem in problems { console.errorLine("error: \(problem)") }
        var documents: [JSONValue] = []
        for (index, file) in files.enumerated() {
            let result: LoadResult
            switch WorkflowFiles.load(file, options: LoadOptions(lint: false)) {
            case .success(let loaded): result = loaded
            case .failure(let problem):
                console.errorLine("error: \(problem)")
                status = 1
                continue
            }
            for diagnostic in result.diagnostics where diagnostic.severity == .error {
                console.errorLine(diagnostic.rendered(source: result.source, style: console.errorStyle))
            }
            guard result.isValid, let workflow = result.workflow else {
                status = 1
                continue
            }
            let graph = JobGraph.build(workflow).graph
            let rows = workflow.jobs.values.map { job in Self.row(job, stage: graph.stages[job.id]) }
            switch format {
            case .json:
                documents.append(
                    .object([
                        ("path", .string(file)), ("name", .string(workflow.displayName)),
                        ("jobs", .array(rows.map { row in .object(zip(Self.headers, row).map { ($0.lowercased(), .string($1)) }) })),
                    ]))
            case .text:
                if files.count > 1 {
                    if index > 0 { console.line() }
                    console.line(console.outputStyle.paint("\(file) — \(workflow.displayName)", .bold))
                }
                for line in Table(headers: Self.headers, rows: rows).rendered(style: console.outputStyle) { console.line(line) }
            }
        }
        if format == .json { console.line(JSONValue.array(documents).serialized(.pretty)) }
        return status
    }

    static let headers = ["JOB", "NAME", "NEEDS", "RUNS-ON", "MATRIX", "STAGE"]

    static func row(_ job: Job, stage: Int?) -> [String] {
        let runsOn: String
        if let uses = job.uses {
            runsOn = "uses " + uses
        } else if let labels = job.runsOn {
            runsOn = ([labels.group.map { "group:" + $0 }].compactMap { $0 } + labels.labels).joined(separator: ", ")
        } else {
            runsOn = "-"
        }
        let matrix: String
        if job.strategy?.matrix == nil {
            matrix = "-"
        } else if let instances = job.matrixInstances {
            matrix = String(instances.count)
        } else {
            matrix = "?"
        }
        let needs = job.needIDs.isEmpty ? "-" : job.needIDs.joined(separator: ", ")
        return [job.id, job.name ?? job.id, needs, runsOn, matrix, stage.map(String.init) ?? "-"]
    }
}
