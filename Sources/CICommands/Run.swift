import ArgumentParser
import CIBasics
import CIEngine
import CIGit
import CISandbox
import CIWorkflow
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `ci-runner run`: run workflows on this host and report every job's status.
public struct Run: AsyncParsableCommand {
    /// The command's name and help.
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a workflow on this machine, as GitHub would, and report the status of every job.",
        discussion: """
            PATH is a workflow file, or a directory or repository whose .github/workflows/ holds \
            the workflows to run for the event (default: the current repository). Each job runs \
            in a fresh copy of the working tree as it is now (tracked files and untracked files \
            git does not ignore), so uncommitted edits are tested; the working tree itself is never \
            touched. Exit status: 0 when the workflow succeeded, 1 when a job failed, 2 for bad \
            input, 130 when interrupted.
            """
    )

    @Argument(help: "A workflow file, or a directory or repository (default: the current one).")
    var path: String?

    @Option(name: [.customShort("W"), .customLong("workflows")], help: "Workflow file or directory (same as PATH).")
    var workflows: String?

    @Option(name: [.customShort("E"), .customLong("event")], help: "The event that triggers the run.")
    var event: String?

    @Option(name: [.customShort("e"), .customLong("eventpath")], help: "A JSON file with the event's payload.")
    var eventPath: String?

    @Option(name: [.customShort("a"), .customLong("actor")], help: "github.actor (default: the author of HEAD).")
    var actor: String?

    @Option(help: ArgumentHelp("github.repository (default: from the remote named origin).", valueName: "owner/name"))
    var repository: String?

    @Option(name: [.customShort("j"), .customLong("job")], help: "Run only this job and the jobs it needs (repeatable).")
    var jobs: [String] = []

    @Flag(name: [.customShort("l"), .customLong("list")], help: "List the workflows and jobs that would run, then stop.")
    var list = false

    @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Plan the run and print it; run nothing.")
    var dryRun = false

    @Option(
        name: .customLong("matrix"),
        help: ArgumentHelp("Only run matrix instances whose key has one of the values given for it (repeatable).", valueName: "key:value"))
    var matrix: [String] = []

    @Option(
        name: [.customShort("s"), .customLong("secret")], help: ArgumentHelp("A secret (NAME alone reads $NAME).", valueName: "name=value"))
    var secrets: [String] = []

    @Option(name: .customLong("secret-file"), help: "A file of NAME=VALUE secrets (default: .secrets when present).")
    var secretFile: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("A configuration variable (vars context).", valueName: "name=value"))
    var vars: [String] = []

    @Option(name: .customLong("var-file"), help: "A file of NAME=VALUE variables (default: .vars when present).")
    var varFile: String?

    @Option(
        name: [.customShort("P"), .customLong("platform")],
        help: ArgumentHelp(
            "Serve this runs-on label here too, as act's -P LABEL=-self-hosted does (the part after '=' is ignored: jobs run on this host).",
            valueName: "label[=image]"))
    var platforms: [String] = []

    @Option(name: .customLong("input"), help: ArgumentHelp("A workflow_dispatch input.", valueName: "name=value"))
    var inputs: [String] = []

    @Option(name: .customLong("input-file"), help: "A file of NAME=VALUE workflow_dispatch inputs (default: .input when present).")
    var inputFile: String?

    @Option(name: .customLong("env"), help: ArgumentHelp("An environment variable for every step.", valueName: "name=value"))
    var env: [String] = []

    @Option(name: .customLong("env-file"), help: "A file of NAME=VALUE environment variables (default: .env when present).")
    var envFile: String?

    @Option(help: ArgumentHelp("Run in this directory instead of a fresh copy of the working tree.", valueName: "dir"))
    var workspace: String?

    @Flag(help: "Keep each job's workspace, temp and home directories under the run directory (default: delete them when the job ends).")
    var keep = false

    @Option(name: .customLong("max-parallel"), help: "How many jobs run at once (default: the number of cores).")
    var maxParallel: Int?

    @OptionGroup(title: "Isolation")
    var isolation: SandboxOptions

    @Flag(help: "Write the event stream as NDJSON to standard output.")
    var json = false

    @Flag(
        name: [.customShort("v"), .customLong("verbose")],
        help: "On a terminal, print every step's output instead of live progress; also print ::debug:: messages.")
    var verbose = false

    /// Creates the command with its defaults.
    public init() {}

    /// Runs the command.
    public func run() async throws {
        let status = await execute(console: .standard())
        if status != 0 { throw ExitCode(status) }
    }

    /// The exit status of a run.
    enum Status {
        static let success: Int32 = 0
        static let failed: Int32 = 1
        static let badInput: Int32 = 2
        static let interrupted: Int32 = 130
    }

    /// Runs the command, writing to `console`; returns the exit status.
    public func execute(console: Console) async -> Int32 {
        // What the run made ahead (a cgroup set, from before argument parsing) goes on every return.
        defer { SandboxSettings.finishRun() }
        let environment = ProcessInfo.processInfo.environment
        let target = path ?? workflows ?? "."
        // Slow one-time kernel and library work starts now, on other threads, while the
        // workflows load (libgit2's start began before the arguments were parsed when run from
        // the command line; prepareLibrary runs once).
        if !(list || dryRun) { SandboxSettings.prepareRun() }
        Repository.prepareLibrary()
        let (files, problems) = WorkflowFiles.discover([target])
        for problem in problems { console.errorLine("error: \(problem)") }
        guard problems.isEmpty, !files.isEmpty else { return Status.badInput }

        // Load every workflow; any error is bad input.
        var loaded: [Workflow] = []
        for file in files {
            guard case .success(let result) = WorkflowFiles.load(file, options: LoadOptions(lint: false)) else {
                console.errorLine("error: \(file): cannot be read")
                return Status.badInput
            }
            for diagnostic in result.diagnostics where diagnostic.severity == .error {
                console.errorLine(diagnostic.rendered(source: result.source, style: console.errorStyle))
            }
            guard result.isValid, let workflow = result.workflow else { return Status.badInput }
            loaded.append(workflow)
        }
        // Pick the event: given, or the only file's first trigger, or push.
        let eventName =
            event ?? (files.count == 1 && loaded.first?.isTriggered(by: "push") == false ? loaded.first?.triggers.keys.first : nil)
            ?? "push"
        let selected = loaded.filter { $0.isTriggered(by: eventName) || files.count == 1 && event == nil }
        if selected.isEmpty {
            console.errorLine("no workflow in \(target) is triggered by '\(eventName)'")
            return Status.success
        }
        for job in jobs where !selected.contains(where: { $0.jobs[job] != nil }) {
            console.errorLine("error: no job '\(job)' in \(selected.map(\.path).joined(separator: ", "))")
            return Status.badInput
        }

        // The sandbox (bubblewrap's probe takes a few milliseconds) while libgit2 initialises.
        var sandbox = SandboxSettings()
        var stepLimits: [ResourceLimit] = []
        if !(list || dryRun) {
            do {
                sandbox = try isolation.settings(environment: environment) { console.errorLine($0) }
                stepLimits = try isolation.stepLimits()
            } catch {
                console.errorLine("error: \(error)")
                return Status.badInput
            }
        }
        var repository: RepositoryFacts
        do {
            repository = try RepositoryFacts.read(target: target)
        } catch {
            console.errorLine("error: \(error.message)")
            return Status.badInput
        }
        if let actor { repository.actor = actor }
        if let name = self.repository { repository.repository = name }

        // Data: secrets, vars, inputs, env.
        let data: (secrets: [String: String], vars: [String: String], inputs: [String: String], env: [String: String])
        do {
            data = (
                secrets: try collect(
                    secrets, file: secretFile, defaultFile: repository.root + "/.secrets", environment: environment, readsEnvironment: true),
                vars: try collect(
                    vars, file: varFile, defaultFile: repository.root + "/.vars", environment: environment, readsEnvironment: false),
                inputs: try collect(
                    inputs, file: inputFile, defaultFile: repository.root + "/.input", environment: environment, readsEnvironment: false),
                env: try collect(
                    env, file: envFile, defaultFile: repository.root + "/.env", environment: environment, readsEnvironment: false)
            )
        } catch {
            console.errorLine("error: \(error)")
            return Status.badInput
        }
        var matrixFilter: [String: Set<String>] = [:]
        for item in matrix {
            guard let colon = item.firstIndex(of: ":") else {
                console.errorLine("error: --matrix takes key:value, but got '\(item)'")
                return Status.badInput
            }
            matrixFilter[String(item[..<colon]), default: []].insert(String(item[item.index(after: colon)...]))
        }
        var payload = repository.payload(for: eventName)
        if let eventPath {
            guard let bytes = FileManager.default.contents(atPath: eventPath) else {
                console.errorLine("error: \(eventPath): cannot be read")
                return Status.badInput
            }
            do {
                payload = try JSONValue.parse(bytes: Array(bytes))
            } catch {
                console.errorLine("error: \(eventPath):\(error.line):\(error.column): \(error.message)")
                return Status.badInput
            }
        }
        // `--input` values join the payload's `inputs`, as a workflow_dispatch event carries them.
        if !data.inputs.isEmpty, case .object(var members) = payload {
            var given: [(key: String, value: JSONValue)] = []
            if case .object(let existing)? = payload["inputs"] { given = existing }
            for (name, value) in data.inputs.sorted(by: { $0.key < $1.key }) {
                given.removeAll { $0.key == name }
                given.append((name, .string(value)))
            }
            members.removeAll { $0.key == "inputs" }
            members.append(("inputs", .object(given)))
            payload = .object(members)
        }

        if list || dryRun {
            for workflow in selected { printPlan(workflow, console: console, event: eventName) }
            return Status.success
        }

        var worst = Status.success
        for workflow in selected {
            let status = await runWorkflow(
                workflow, repository: repository, event: eventName, payload: payload, data: data, matrixFilter: matrixFilter,
                sandbox: sandbox, stepLimits: stepLimits, environment: environment, console: console)
            if status == Status.interrupted { return status }
            worst = max(worst, status)
        }
        return worst
    }

    private func runWorkflow(
        _ workflow: Workflow, repository: RepositoryFacts, event: String, payload: JSONValue,
        data: (secrets: [String: String], vars: [String: String], inputs: [String: String], env: [String: String]),
        matrixFilter: [String: Set<String>], sandbox: SandboxSettings, stepLimits: [ResourceLimit],
        environment: [String: String], console: Console
    ) async -> Int32 {
        let runNumber: Int
        let runDirectory: String
        do {
            (runNumber, runDirectory) = try RunnerHome.newRun(environment: environment)
        } catch {
            console.errorLine("error: \(error)")
            return Status.badInput
        }
        let runID = String(runNumber)  // newRun made its directory
        var github = GitHubInfo(
            eventName: event, event: payload, sha: repository.sha, ref: repository.ref, repository: repository.repository,
            actor: repository.actor)
        let absolute = URL(fileURLWithPath: workflow.path).standardizedFileURL.path
        if absolute.hasPrefix(repository.root + "/") { github.workflowPath = String(absolute.dropFirst(repository.root.count + 1)) }
        if case .object = payload, let head = payload["pull_request"]?["head"]?["ref"]?.stringValue {
            github.headRef = head
            github.baseRef = payload["pull_request"]?["base"]?["ref"]?.stringValue ?? ""
        }
        var configuration = RunConfiguration(
            runID: runID, runNumber: runNumber, runDirectory: runDirectory, sourceDirectory: repository.root, sourceFiles: repository.files,
            workspaceOverride: workspace.map { URL(fileURLWithPath: $0).standardizedFileURL.path }, github: github, secrets: data.secrets,
            vars: data.vars, inputs: data.inputs, env: data.env, hostEnvironment: environment,
            maxParallel: maxParallel ?? ProcessInfo.processInfo.activeProcessorCount, jobFilter: jobs.isEmpty ? nil : Set(jobs),
            matrixFilter: matrixFilter, killGrace: .milliseconds(Int64(isolation.killGrace * 1000)), keepJobDirectories: keep,
            sandbox: sandbox, stepLimits: stepLimits)
        configuration.extraLabels = Set(platforms.map { String($0.prefix { $0 != "=" }).lowercased() })
        var reporters: [any RunReporter] = [LogStore(runDirectory: runDirectory)]
        if json {
            reporters.append(NDJSONReporter(stream: console.outputStream))
        } else {
            reporters.append(
                TerminalReporter(
                    stream: console.outputStream, style: console.outputStyle, live: console.outputIsTerminal && !verbose, verbose: verbose,
                    logHint: "ci-runner logs \(runID)"))
        }
        let engine = Engine(workflow: workflow, configuration: configuration, reporters: reporters)
        let interrupts = InterruptHandler { count in
            if count == 1 {
                console.errorLine("\nCancelling the run: running steps get SIGTERM; press Ctrl-C again to stop at once.")
                engine.cancel()
            } else {
                engine.kill()
                Glibc.exit(Status.interrupted)
            }
        }
        let result = await engine.run()
        interrupts.stop()
        switch result.conclusion {
        case .success, .skipped: return Status.success
        case .failure: return engine.isCancelled ? Status.interrupted : Status.failed
        case .cancelled: return Status.interrupted
        }
    }

    /// NAME=VALUE options plus a file's (the given one, or the default when it exists).
    private func collect(_ items: [String], file: String?, defaultFile: String?, environment: [String: String], readsEnvironment: Bool)
        throws -> [String: String]
    {
        var values: [String: String] = [:]
        let path = file ?? defaultFile.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else { throw RunInputError(message: "\(path): cannot be read") }
            do {
                for (name, value) in try DotEnv.parse(String(decoding: data, as: UTF8.self)) { values[name] = value }
            } catch {
                throw RunInputError(message: "\(path):\(error.line): \(error.message)")
            }
        }
        for item in items {
            if let equals = item.firstIndex(of: "=") {
                values[String(item[..<equals])] = String(item[item.index(after: equals)...])
            } else if readsEnvironment, let value = environment[item] {
                values[item] = value
            } else {
                throw RunInputError(message: "'\(item)' must be NAME=VALUE")
            }
        }
        return values
    }

    private func printPlan(_ workflow: Workflow, console: Console, event: String) {
        let graph = JobGraph.build(workflow).graph
        let shown = jobs.isEmpty ? Set(graph.order) : Set(graph.closure(of: Set(jobs)))
        console.line(console.outputStyle.paint("\(workflow.path) — \(workflow.displayName) (event \(event))", .bold))
        for (stage, ids) in graph.stageList.enumerated() {
            console.line("  stage \(stage + 1):")
            for id in ids where shown.contains(id) {
                guard let job = workflow.jobs[id] else { continue }
                let instances = job.matrixInstances
                let detail = job.uses.map { "uses \($0)" } ?? (job.runsOn?.labels.joined(separator: ", ") ?? "")
                console.line(
                    "    \(id) [\(detail)]" + (instances.map { $0.count > 1 ? " × \($0.count)" : "" } ?? " × (matrix at run time)"))
                if dryRun {
                    for instance in instances ?? [] where !instance.isEmpty { console.line("      - \(job.displayName(matrix: instance))") }
                    for step in job.steps { console.line("      · \(step.displayName)") }
                }
            }
        }
    }
}

/// A problem with the data given to `run`.
struct RunInputError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Turns SIGINT and SIGTERM into calls, counting them (the first cancels, the second stops).
final class InterruptHandler: @unchecked Sendable {  // the sources are set once in init
    private let sources: [DispatchSourceSignal]

    init(_ handler: @escaping @Sendable (Int) -> Void) {
        let counter = Counter()
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(counter.increment()) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func stop() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    private final class Counter: Sendable {
        private let value = Mutex(0)
        func increment() -> Int {
            value.withLock {
                $0 += 1
                return $0
            }
        }
    }
}
