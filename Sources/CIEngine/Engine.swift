import CIBasics
import CIExpressions
import CIWorkflow
import Foundation
import OrderedCollections

/// The outcome of a run.
public struct RunResult: Sendable {
    /// success when every job succeeded (or was skipped), failure when one failed, cancelled on Ctrl-C.
    public var conclusion: Conclusion
    /// Each job's outcome, by id.
    public var jobs: OrderedDictionary<String, JobOutcome>
    /// How long the run took.
    public var seconds: Double
}

/// Runs one workflow on this host and reports every event to the reporters.
public final class Engine: Sendable {
    let workflow: Workflow
    let configuration: RunConfiguration
    let bus: EventBus
    let cancellation = JobCancellation()

    /// Creates an engine for `workflow`.
    public init(workflow: Workflow, configuration: RunConfiguration, reporters: [any RunReporter]) {
        self.workflow = workflow
        self.configuration = configuration
        self.bus = EventBus(reporters)
    }

    /// Cancels the run (Ctrl-C): running steps get SIGTERM, then SIGKILL after the grace period;
    /// steps and jobs that run on `always()` or `cancelled()` still run.
    public func cancel() { cancellation.cancel() }

    /// Stops at once (a second Ctrl-C): kills every running step's process group with SIGKILL.
    public func kill() { cancellation.kill() }

    /// Whether the run was cancelled.
    public var isCancelled: Bool { cancellation.isCancelled }

    /// The `inputs` context: the event's `inputs` and `--input` values, typed and defaulted as the
    /// workflow's `workflow_dispatch` or `workflow_call` inputs declare.
    func inputsContext() -> ExpressionValue {
        var given: [String: JSONValue] = [:]
        if case .object(let members)? = configuration.github.event["inputs"] { for member in members { given[member.key] = member.value } }
        for (name, value) in configuration.inputs { given[name] = .string(value) }
        let trigger =
            workflow.triggers[configuration.github.eventName] ?? workflow.triggers["workflow_dispatch"]
            ?? workflow.triggers["workflow_call"]
        var pairs: [(String, ExpressionValue)] = []
        var declared = Set<String>()
        for (name, definition) in trigger?.inputs ?? [:] {
            declared.insert(name)
            var value = given[name].map(ExpressionValue.init(json:)) ?? definition.defaultValue.map(ExpressionValue.init(json:))
            if value == nil {
                value = definition.type == .boolean ? .boolean(false) : definition.type == .number ? .number(0) : .string("")
            }
            if definition.type == .boolean, case .string(let text)? = value { value = .boolean(text.lowercased() == "true") }
            if definition.type == .number, case .string? = value, let current = value { value = .number(current.numberValue) }
            pairs.append((name, value ?? .null))
        }
        for (name, value) in given.sorted(by: { $0.key < $1.key }) where !declared.contains(name) {
            pairs.append((name, ExpressionValue(json: value)))
        }
        return .object(pairs)
    }

    /// Runs the workflow to the end.
    public func run() async -> RunResult {
        let started = ContinuousClock.now
        let masks = MaskRegistry(Array(configuration.secrets.values) + configuration.extraMasks)
        let runner = WorkflowRunner(
            workflow: workflow, configuration: configuration, bus: bus, masks: masks,
            limiter: AsyncSemaphore(limit: configuration.maxParallel), cancellation: cancellation, inputs: inputsContext())
        bus.emit(
            .runStarted(
                runID: configuration.runID, workflow: workflow.displayName, event: configuration.github.eventName, jobs: runner.selectedJobs
            ))
        let jobs = await runner.run()
        let results = jobs.values.map(\.result)
        let conclusion: Conclusion =
            cancellation.isCancelled
            ? .cancelled : results.contains(.failure) ? .failure : results.contains(.cancelled) ? .cancelled : .success
        let seconds = (ContinuousClock.now - started).seconds
        bus.emit(.runFinished(result: conclusion, seconds: seconds))
        bus.finish()
        return RunResult(conclusion: conclusion, jobs: jobs, seconds: seconds)
    }
}
