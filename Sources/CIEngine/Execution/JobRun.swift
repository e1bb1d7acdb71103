import CIBasics
import CIExpressions
import CISandbox
import CIWorkflow
import Foundation
import OrderedCollections

/// One job instance while it runs: its workspace, environment, `steps` context and session.
///
/// Used by one task at a time (the job's), so it keeps plain mutable state.
final class JobRun: @unchecked Sendable {
    let key: JobKey
    let job: Job
    let facts: JobFacts
    let bus: EventBus
    let masks: MaskRegistry
    let session: any JobSession
    let cancellation: JobCancellation
    /// The contexts that do not change while the job runs: github, vars, secrets, inputs,
    /// strategy, matrix, needs, runner.
    let baseContexts: [(String, ExpressionValue)]
    /// `github.event`, converted once.
    let eventValue: ExpressionValue
    /// Workflow and job `env`, then what steps wrote to `GITHUB_ENV`.
    var env: OrderedDictionary<String, String>
    /// Directories steps added with `GITHUB_PATH`, most recent first.
    var pathAdditions: [String] = []
    /// `defaults.run` after evaluation.
    let runDefaults: RunDefaults
    /// The next step number for events and logs.
    private var stepNumber = 0
    /// Numbers the files of each process the job starts (scripts, command files): unique in
    /// the job's own folder without a random id.
    private var fileNumber = 0

    func nextFileNumber() -> Int {
        fileNumber += 1
        return fileNumber
    }
    /// The job's status for `success()`/`failure()` in steps.
    var status: RunStatus = .success
    /// Where GITHUB_STEP_SUMMARY files are appended.
    var summaries: [String] = []
    /// New command files for the next step, made while the previous step's process ran.
    private var nextFiles: StepFiles?

    init(
        key: JobKey, job: Job, facts: JobFacts, bus: EventBus, masks: MaskRegistry, session: any JobSession,
        cancellation: JobCancellation, baseContexts: [(String, ExpressionValue)], env: OrderedDictionary<String, String>,
        runDefaults: RunDefaults
    ) {
        self.key = key
        self.job = job
        self.facts = facts
        self.bus = bus
        self.masks = masks
        self.session = session
        self.cancellation = cancellation
        self.baseContexts = baseContexts
        self.eventValue =
            baseContexts.first { $0.0 == "github" }.flatMap { context -> ExpressionValue? in
                if case .object(let object) = context.1 { return object["event"] }
                return nil
            } ?? ExpressionValue(json: facts.github.event)
        self.env = env
        self.runDefaults = runDefaults
    }

    // MARK: Contexts

    /// The evaluation context for a step in `scope`, with `stepEnv` as the `env` context.
    func context(_ scope: StepScope, env stepEnv: OrderedDictionary<String, String>, status: RunStatus? = nil) -> EvaluationContext {
        var contexts = baseContexts
        contexts.removeAll { $0.0 == "inputs" || (scope.actionPath != nil && $0.0 == "github") }
        if let actionPath = scope.actionPath {
            // Inside a composite action: github.action_path is its folder; the event is shared.
            contexts.append(("github", facts.githubContext(action: "", actionPath: actionPath, event: eventValue)))
        }
        contexts.append(("inputs", scope.inputs))
        contexts.append(("env", .strings(stepEnv)))
        contexts.append(("steps", scope.stepsContext))
        contexts.append(("job", .object([("status", .string((status ?? self.status).contextName))])))
        let current: RunStatus = cancellation.isCancelled ? .cancelled : (status ?? scope.status)
        return EvaluationContext(
            contexts: contexts, status: StatusState(current: current), files: WorkspaceFileHasher(root: facts.workspace))
    }

    /// Prints a line of the job's own output (not a step's).
    func say(_ text: String, step: Int? = nil) {
        bus.emit(.output(key, step: step, Array(masks.mask(text + "\n").utf8)))
    }

    func nextStepNumber() -> Int {
        stepNumber += 1
        return stepNumber
    }

    // MARK: Steps

    /// Runs `steps` in `scope`, updating it. Returns the scope with every step's record.
    func runSteps(_ steps: [Step], scope: inout StepScope) async {
        for step in steps {
            let number = nextStepNumber()
            let record = await runStep(step, number: number, scope: &scope)
            if let id = step.id { scope.steps[id] = record }
            if record.conclusion == .failure {
                scope.status = .failure
                if scope.label.isEmpty { status = .failure }
            }
        }
    }

    /// Evaluates a template in `context`, reporting a failure as a message.
    func evaluate(_ text: String, _ context: EvaluationContext) throws(StepFailure) -> ExpressionValue {
        do {
            return try Template.evaluate(text, in: context)
        } catch {
            throw StepFailure(message: "The expression '\(text)' failed: \(error.description)")
        }
    }

    func evaluateString(_ text: String, _ context: EvaluationContext) throws(StepFailure) -> String {
        try evaluate(text, context).stringValue
    }

    /// The step's own `env`, evaluated with the job's env (and what a composite's caller gave) as the `env` context.
    func ownEnvironment(_ step: Step, scope: StepScope) throws(StepFailure) -> OrderedDictionary<String, String> {
        // Most steps have no `env:`: nothing to evaluate, so no context to build.
        if case .value(let values) = step.env, values.isEmpty { return [:] }
        var base = env
        for (name, value) in scope.inheritedEnv { base[name] = value }
        return try evaluateMap(step.env, key: "env", self.context(scope, env: base))
    }

    /// A map of a step (`env:`, `with:`) in `context`: each template evaluated, or the object
    /// one expression gives (anything else is an error naming `key`).
    func evaluateMap(_ setting: Setting<OrderedDictionary<String, String>>, key: String, _ context: EvaluationContext) throws(StepFailure)
        -> OrderedDictionary<String, String>
    {
        var map: OrderedDictionary<String, String> = [:]
        switch setting {
        case .value(let values):
            for (name, template) in values { map[name] = try evaluateString(template, context) }
        case .expression(let template):
            let value = try evaluate(template, context)
            guard case .object(let object) = value else {
                throw StepFailure(message: "'\(key)' must evaluate to an object, but is \(value.kindName)")
            }
            for pair in object.pairs { map[pair.key] = pair.value.stringValue }
        }
        return map
    }

    /// The env a step sees: the job's (with `GITHUB_ENV` additions), what a composite's caller
    /// gave, then the step's own.
    func mergedEnvironment(own: OrderedDictionary<String, String>, scope: StepScope) -> OrderedDictionary<String, String> {
        var merged = env
        for (name, value) in scope.inheritedEnv { merged[name] = value }
        for (name, value) in own { merged[name] = value }
        return merged
    }

    /// Does what the step says: runs its script, action or nested steps.
    private func perform(
        _ step: Step, number: Int, ownEnv: OrderedDictionary<String, String>, env stepEnv: OrderedDictionary<String, String>,
        context: EvaluationContext, scope: StepScope
    ) async throws(StepFailure) -> StepResult {
        switch step.action {
        case .run(let run):
            return try await runScript(step, run, number: number, env: stepEnv, context: context, scope: scope)
        case .uses(let uses):
            return try await runAction(step, uses, number: number, ownEnv: ownEnv, env: stepEnv, context: context, scope: scope)
        case .parallel(let steps):
            var inner = scope
            inner.label = scope.label + "\(number)."
            await runSteps(steps, scope: &inner)
            return StepResult(outcome: inner.status == .failure ? .failure : .success)
        case .wait, .waitAll, .cancel:
            return StepResult(outcome: .success)
        }
    }

    /// Runs one step and reports it.
    func runStep(_ step: Step, number: Int, scope: inout StepScope) async -> StepRecord {
        let started = ContinuousClock.now
        var name = step.displayName
        var record = StepRecord(outcome: .skipped, conclusion: .skipped)
        do throws(StepFailure) {
            let ownEnv = try ownEnvironment(step, scope: scope)
            let stepEnv = mergedEnvironment(own: ownEnv, scope: scope)
            let context = self.context(scope, env: stepEnv)
            if let template = step.name { name = (try? evaluateString(template, context)) ?? step.displayName }
            // `if`: skipped steps are reported but do not run.
            let startsCancelled = cancellation.isCancelled
            guard try Self.condition(step.condition?.value ?? "", context) else {
                bus.emit(.stepFinished(key, step: number, name: masks.mask(name), outcome: .skipped, conclusion: .skipped, seconds: 0))
                return record
            }
            bus.emit(.stepStarted(key, step: number, name: masks.mask(name)))
            let continueOnError = try continueOnError(step, context)
            let current = scope
            let performed: Result<StepResult, StepFailure> = await JobCancellation.$stepStartsCancelled.withValue(startsCancelled) {
                do throws(StepFailure) {
                    return .success(
                        try await perform(step, number: number, ownEnv: ownEnv, env: stepEnv, context: context, scope: current))
                } catch {
                    return .failure(error)
                }
            }
            let result = try performed.get()
            record.outputs = result.outputs
            record.outcome = result.outcome
            record.conclusion = result.outcome == .failure && continueOnError ? .success : result.outcome
            if let message = result.message { say(message, step: number) }
        } catch {
            say("Error: \(error.message)", step: number)
            bus.emit(.annotation(key, step: number, Annotation(level: "error", message: error.message, properties: [:])))
            record.outcome = .failure
            record.conclusion = .failure
        }
        let seconds = (ContinuousClock.now - started).seconds
        bus.emit(
            .stepFinished(
                key, step: number, name: masks.mask(name), outcome: record.outcome, conclusion: record.conclusion, seconds: seconds))
        return record
    }

    /// Evaluates an `if:` condition.
    static func condition(_ text: String, _ context: EvaluationContext) throws(StepFailure) -> Bool {
        let condition: Condition
        do {
            condition = try Condition(text)
        } catch {
            throw StepFailure(message: "The condition '\(text)' is not valid: \(error.message)")
        }
        do {
            return try condition.evaluate(in: context)
        } catch {
            throw StepFailure(message: "The condition '\(text)' failed: \(error.description)")
        }
    }

    private func continueOnError(_ step: Step, _ context: EvaluationContext) throws(StepFailure) -> Bool {
        switch step.continueOnError {
        case .value(let value): return value
        case .expression(let text): return try evaluate(text, context).isTruthy
        }
    }

    // MARK: run steps

    func runScript(
        _ step: Step, _ run: RunStep, number: Int, env stepEnv: OrderedDictionary<String, String>, context: EvaluationContext,
        scope: StepScope
    ) async throws(StepFailure) -> StepResult {
        let script = try evaluateString(run.script, context)
        let shell = try (run.shell ?? runDefaults.shell).map { template throws(StepFailure) in try evaluateString(template, context) }
        var directory = facts.workspace
        if let template = run.workingDirectory ?? runDefaults.workingDirectory {
            let value = try evaluateString(template, context)
            directory = value.hasPrefix("/") ? value : facts.workspace + "/" + value
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StepFailure(message: "The working directory '\(directory)' does not exist")
        }
        let environment = processEnvironment(stepEnv, scope: scope)
        let bash = resolveBash(environment)
        let (template, shellName) = ShellCommand.make(shell: shell, bashAvailable: bash != nil)
        let scriptPath = facts.commandsDirectory + "/script-\(nextFileNumber())"
        let fullPath = scriptPath + ShellCommand.fileExtension(shell: shellName)
        let command = ShellCommand.from(template: template, name: shellName, scriptPath: fullPath)
        try StepFiles.write(fullPath, Array((command.prologue + script + command.epilogue).utf8))
        return try await runProcess(
            ProcessSpec(
                // bash as found above, not searched for again.
                executable: command.executable == "bash" ? bash ?? "bash" : command.executable, arguments: command.arguments,
                environment: environment, workingDirectory: directory,
                limits: facts.configuration.stepLimits),
            step: step, number: number, env: stepEnv, context: context)
    }

    /// The environment a step's process sees: an allow-list of the host's, the `GITHUB_*` and
    /// `RUNNER_*` variables, the env layers, and PATH with `GITHUB_PATH` additions first.
    func processEnvironment(_ stepEnv: OrderedDictionary<String, String>, scope: StepScope) -> [String: String] {
        var environment = baseProcessEnvironment
        if let actionPath = scope.actionPath { environment["GITHUB_ACTION_PATH"] = actionPath }
        for (name, value) in facts.configuration.env { environment[name] = value }
        for (name, value) in stepEnv { environment[name] = value }
        let basePath = environment["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        environment["PATH"] = (pathAdditions + [basePath]).joined(separator: ":")
        return environment
    }

    /// Where bash was found on each PATH the job's steps had: steps usually share one.
    private var bashLocations: [String: String] = [:]

    /// bash's path on the step's PATH: the one found before for the same PATH while it is still
    /// there, or a new search.
    private func resolveBash(_ environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? ""
        if let known = bashLocations[path], access(known, X_OK) == 0 { return known }
        let found = ProcessSpec(executable: "bash", environment: environment, workingDirectory: "/").resolvedExecutable()
        bashLocations[path] = found
        return found
    }

    /// What every step's environment starts from: the allowed host variables, then the job's
    /// `GITHUB_*` and `RUNNER_*` ones and TMPDIR. The same for each step, so made once.
    private lazy var baseProcessEnvironment: [String: String] = {
        var environment: [String: String] = [:]
        for name in Self.hostAllowList {
            if let value = facts.configuration.hostEnvironment[name] { environment[name] = value }
        }
        for (name, value) in facts.configuration.hostEnvironment where name.hasPrefix("LC_") { environment[name] = value }
        for (name, value) in facts.variables() { environment[name] = value }
        environment["TMPDIR"] = facts.temp
        return environment
    }()

    /// Host variables a step may see; everything else of the runner's environment stays out.
    static let hostAllowList = ["PATH", "LANG", "LANGUAGE", "TZ", "TERM", "USER", "LOGNAME", "SHELL"]

    /// Runs a process for a step with fresh `GITHUB_*` files, streams its output through masking
    /// and workflow commands, and reads the files afterwards.
    func runProcess(
        _ spec: ProcessSpec, step: Step, number: Int, env stepEnv: OrderedDictionary<String, String>, context: EvaluationContext
    ) async throws(StepFailure) -> StepResult {
        var spec = spec
        let files: StepFiles
        if let prepared = nextFiles {
            files = prepared
            nextFiles = nil
        } else {
            files = try StepFiles(directory: facts.commandsDirectory, number: nextFileNumber())
        }
        for (name, path) in files.variables { spec.environment[name] = path }
        let unsecureAllowed = spec.environment["ACTIONS_ALLOW_UNSECURE_COMMANDS"] == "true"
        let collector = CommandCollector(key: key, step: number, bus: bus, allowUnsecure: unsecureAllowed)
        let output = StepOutput(
            masks: masks, onOutput: { [bus, key] bytes in bus.emit(.output(key, step: number, bytes)) },
            onCommand: { command in collector.handle(command) })
        let control = ProcessControl(grace: facts.configuration.killGrace)
        cancellation.register(control)
        defer { cancellation.unregister(control) }
        var timeoutTask: Task<Void, Never>?
        if let timeout = step.timeoutMinutes {
            let minutes: Double
            switch timeout {
            case .value(let value): minutes = value
            case .expression(let text): minutes = try evaluate(text, context).numberValue
            }
            if minutes.isFinite, minutes > 0 {
                timeoutTask = Task {
                    try? await Task.sleep(for: .milliseconds(Int64(minutes * 60_000)))
                    if !Task.isCancelled { control.stop(.timeout) }
                }
            }
        }
        defer { timeoutTask?.cancel() }
        let status: Int32
        do {
            status = try await session.run(
                spec, control: control, output: { chunk in output.consume(chunk) },
                started: {
                    // The next step's files, made while this one runs (on another CPU).
                    if nextFiles == nil { nextFiles = try? StepFiles(directory: facts.commandsDirectory, number: nextFileNumber()) }
                })
        } catch {
            throw StepFailure(message: error.description)
        }
        output.finish()
        var result = StepResult(outcome: status == 0 ? .success : .failure)
        switch control.reason {
        case .timeout?:
            result.outcome = .failure
            result.message = "Error: The step has timed out after \(step.timeoutMinutes.map(describe) ?? "?") minutes."
        case .cancelled?:
            result.outcome = .cancelled
            result.message = "Error: The operation was canceled."
        case nil:
            if status != 0 { result.message = "Error: Process completed with exit code \(status)." }
        }
        // Files, then commands: a later GITHUB_OUTPUT value wins over ::set-output.
        let commands = collector.result()
        for (name, value) in commands.env { env[name] = value }
        pathAdditions.insert(contentsOf: commands.paths.reversed(), at: 0)
        result.outputs = commands.outputs
        if commands.failed {
            result.outcome = .failure
        }
        do {
            let read = try files.read()
            for (name, value) in read.env { env[name] = value }
            for directory in read.paths { pathAdditions.insert(directory, at: 0) }
            for (name, value) in read.outputs { result.outputs[name] = value }
            if !read.summary.isEmpty { summaries.append(read.summary) }
        } catch {
            say("Error: \(error.message)", step: number)
            result.outcome = .failure
        }
        return result
    }

    private func describe(_ setting: Setting<Double>) -> String {
        switch setting {
        case .value(let value): GitHubNumber.string(value)
        case .expression(let text): text
        }
    }
}

/// A step that could not run: an expression failed, a file is missing, ….
struct StepFailure: Error {
    var message: String
}

/// How a step's work ended.
struct StepResult: Sendable {
    var outcome: Conclusion
    var outputs: OrderedDictionary<String, String> = [:]
    var message: String?
}

extension RunStatus {
    /// `job.status`.
    var contextName: String { self == .skipped ? "success" : rawValue }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
