import CIBasics
import CIExpressions
import CISandbox
import CIWorkflow
import Foundation
import OrderedCollections

/// How a job ended, for `needs.<id>`: its result and outputs.
public struct JobOutcome: Sendable {
    /// `needs.<id>.result`.
    public var result: Conclusion
    /// `needs.<id>.outputs`.
    public var outputs: OrderedDictionary<String, String>

    var contextValue: ExpressionValue { .object([("result", .string(result.rawValue)), ("outputs", .strings(outputs))]) }
}

/// Runs a workflow's jobs as a graph: each job starts the moment its `needs` are done, up to the
/// run's `max-parallel` at once; matrix jobs expand when they start, with their own
/// `max-parallel` and `fail-fast`.
final class WorkflowRunner: Sendable {
    let workflow: Workflow
    let configuration: RunConfiguration
    let bus: EventBus
    let masks: MaskRegistry
    let limiter: AsyncSemaphore
    let cancellation: JobCancellation
    /// The `inputs` context (workflow_dispatch or workflow_call inputs).
    let inputs: ExpressionValue
    /// Prefix of job ids, for the jobs of a called workflow: `caller/`.
    let prefix: String
    /// How deep in reusable workflow calls this run is.
    let depth: Int

    init(
        workflow: Workflow, configuration: RunConfiguration, bus: EventBus, masks: MaskRegistry, limiter: AsyncSemaphore,
        cancellation: JobCancellation, inputs: ExpressionValue, prefix: String = "", depth: Int = 0
    ) {
        self.workflow = workflow
        self.configuration = configuration
        self.bus = bus
        self.masks = masks
        self.limiter = limiter
        self.cancellation = cancellation
        self.inputs = inputs
        self.prefix = prefix
        self.depth = depth
    }

    /// The jobs to run: all, or those named by the filter and everything they need.
    var selectedJobs: [String] {
        guard let filter = configuration.jobFilter, depth == 0 else { return Array(workflow.jobs.keys) }
        return JobGraph.build(workflow).graph.closure(of: filter)
    }

    /// Runs every selected job; returns each job's outcome.
    func run() async -> OrderedDictionary<String, JobOutcome> {
        var outcomes: OrderedDictionary<String, JobOutcome> = [:]
        var pending = selectedJobs
        let selected = Set(pending)
        await withTaskGroup(of: (String, JobOutcome).self) { group in
            func launchReady() {
                let ready = pending.filter { id in
                    (workflow.jobs[id]?.needIDs ?? []).allSatisfy { need in
                        let resolved = workflow.jobs.keys.first { $0.lowercased() == need.lowercased() } ?? need
                        return outcomes[resolved] != nil || !selected.contains(resolved)
                    }
                }
                pending.removeAll { ready.contains($0) }
                let snapshot = outcomes
                for id in ready {
                    let needs = self.needsOutcomes(of: id, snapshot)
                    group.addTask { (id, await self.runJob(id, needs: needs, all: snapshot)) }
                }
            }
            launchReady()
            while let (id, outcome) = await group.next() {
                outcomes[id] = outcome
                launchReady()
            }
        }
        return OrderedDictionary(uniqueKeysWithValues: workflow.jobs.keys.compactMap { id in outcomes[id].map { (id, $0) } })
    }

    private func needsOutcomes(of id: String, _ outcomes: OrderedDictionary<String, JobOutcome>) -> [(String, JobOutcome)] {
        (workflow.jobs[id]?.needIDs ?? []).compactMap { need in
            let resolved = workflow.jobs.keys.first { $0.lowercased() == need.lowercased() } ?? need
            return outcomes[resolved].map { (resolved, $0) }
        }
    }

    /// The job-level status: failure if any job it needs (directly or not) failed, cancelled if
    /// the run was cancelled, skipped if one was skipped, success otherwise.
    private func status(of id: String, _ outcomes: OrderedDictionary<String, JobOutcome>) -> (RunStatus, [String: RunStatus]) {
        var results: [String: RunStatus] = [:]
        var visited = Set<String>()
        func visit(_ job: String) {
            for need in workflow.jobs[job]?.needIDs ?? [] {
                let resolved = workflow.jobs.keys.first { $0.lowercased() == need.lowercased() } ?? need
                guard visited.insert(resolved).inserted else { continue }
                if let outcome = outcomes[resolved] { results[resolved] = outcome.result.runStatus }
                visit(resolved)
            }
        }
        visit(id)
        if cancellation.isCancelled { return (.cancelled, results) }
        if results.values.contains(.failure) { return (.failure, results) }
        if results.values.contains(.cancelled) { return (.cancelled, results) }
        if results.values.contains(.skipped) { return (.skipped, results) }
        return (.success, results)
    }

    /// The contexts a job-level expression sees before the matrix is known.
    func jobContexts(needs: [(String, JobOutcome)]) -> [(String, ExpressionValue)] {
        [
            ("github", jobFacts(id: "", workspace: configuration.workspaceOverride ?? configuration.sourceDirectory).githubContext()),
            ("inputs", inputs), ("vars", .strings(configuration.vars)), ("secrets", .strings(configuration.secrets)),
            ("needs", .object(needs.map { ($0.0, $0.1.contextValue) })),
        ]
    }

    func jobFacts(id: String, workspace: String, temp: String = "", home: String = "", toolCache: String = "", eventPath: String = "")
        -> JobFacts
    {
        JobFacts(
            configuration: configuration, workflow: workflow, jobID: id, workspace: workspace, temp: temp, toolCache: toolCache, home: home,
            eventPath: eventPath, runnerName: "ci-runner")
    }

    /// Runs one job: its `if`, then its matrix instances (or the reusable workflow it calls).
    func runJob(_ id: String, needs: [(String, JobOutcome)], all outcomes: OrderedDictionary<String, JobOutcome>) async -> JobOutcome {
        guard let job = workflow.jobs[id] else { return JobOutcome(result: .skipped, outputs: [:]) }
        let key = JobKey(id: prefix + id, name: prefix + (job.name.flatMap { $0.containsExpression ? nil : $0 } ?? id))
        let (current, results) = status(of: id, outcomes)
        let context = EvaluationContext(contexts: jobContexts(needs: needs), status: StatusState(current: current, jobResults: results))
        let runs: Bool
        do {
            runs = try JobRun.condition(job.condition?.value ?? "", context)
        } catch {
            bus.emit(.jobStarted(key))
            bus.emit(.jobFinished(key, result: .failure, seconds: 0, message: error.message))
            return JobOutcome(result: .failure, outputs: [:])
        }
        guard runs else {
            let result: Conclusion = cancellation.isCancelled ? .cancelled : .skipped
            bus.emit(.jobFinished(key, result: result, seconds: 0, message: job.condition.map { "'if: \($0.value)' is false" }))
            return JobOutcome(result: result, outputs: [:])
        }
        if let uses = job.uses {
            return await runCalledWorkflow(id, job: job, uses: uses, key: key, context: context, needs: needs)
        }
        return await runMatrix(id, job: job, key: key, context: context, needs: needs)
    }

    /// Expands the matrix and runs the instances with `max-parallel` and `fail-fast`.
    private func runMatrix(_ id: String, job: Job, key: JobKey, context: EvaluationContext, needs: [(String, JobOutcome)]) async
        -> JobOutcome
    {
        let strategy = job.strategy ?? Strategy()
        var instances: [OrderedDictionary<String, JSONValue>] = [[:]]
        if let matrix = strategy.matrix {
            do {
                instances = try MatrixEvaluation.instances(matrix, context: context)
            } catch {
                bus.emit(.jobStarted(key))
                bus.emit(.jobFinished(key, result: .failure, seconds: 0, message: "Error: \(error.message)"))
                return JobOutcome(result: .failure, outputs: [:])
            }
            if instances.isEmpty {
                bus.emit(.jobFinished(key, result: .failure, seconds: 0, message: "Error: the matrix has no combinations"))
                return JobOutcome(result: .failure, outputs: [:])
            }
        }
        if !configuration.matrixFilter.isEmpty, depth == 0 {
            // As act: an instance stays unless one of its keys is filtered to other values.
            instances = instances.filter { instance in
                instance.allSatisfy { name, value in
                    configuration.matrixFilter[name].map { $0.contains(ExpressionValue(json: value).stringValue) } ?? true
                }
            }
        }
        let failFast = evaluateBool(strategy.failFast, context) ?? true
        let maxParallel = strategy.maxParallel.flatMap { evaluateNumber($0, context) }.map { max(Int($0), 1) } ?? instances.count
        let matrixCancellation = JobCancellation(parent: cancellation)
        let matrixLimiter = AsyncSemaphore(limit: maxParallel)
        let total = instances.count
        let results = await withTaskGroup(of: (Int, JobOutcome).self) { group in
            for (index, instance) in instances.enumerated() {
                group.addTask {
                    await matrixLimiter.acquire()
                    await self.limiter.acquire()
                    let strategyContext: ExpressionValue = .object([
                        ("fail-fast", .boolean(failFast)), ("job-index", .number(Double(index))), ("job-total", .number(Double(total))),
                        ("max-parallel", .number(Double(maxParallel))),
                    ])
                    let runner = JobInstanceRunner(
                        workflowRunner: self, id: id, job: job, matrix: instance, index: index, strategy: strategyContext, needs: needs,
                        cancellation: JobCancellation(parent: matrixCancellation))
                    // The job runs on a thread of its own, where it waits for each step's process.
                    let thread = JobThread(name: "job \(id)")
                    let outcome = await withTaskExecutorPreference(thread) { await runner.run() }
                    thread.finish()
                    await self.limiter.release()
                    await matrixLimiter.release()
                    if failFast && outcome.result == .failure && total > 1 { matrixCancellation.cancel() }
                    return (index, outcome)
                }
            }
            var collected: [(Int, JobOutcome)] = []
            for await item in group { collected.append(item) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        // The job's result: failure if an instance failed, else cancelled if one was, else success.
        let result: Conclusion
        if results.contains(where: { $0.result == .failure }) {
            result = .failure
        } else if results.contains(where: { $0.result == .cancelled }) {
            result = .cancelled
        } else if results.allSatisfy({ $0.result == .skipped }) {
            result = .skipped
        } else {
            result = .success
        }
        var outputs: OrderedDictionary<String, String> = [:]
        for outcome in results {
            for (name, value) in outcome.outputs where !value.isEmpty || outputs[name] == nil { outputs[name] = value }
        }
        return JobOutcome(result: result, outputs: outputs)
    }

    func evaluateBool(_ setting: Setting<Bool>, _ context: EvaluationContext) -> Bool? {
        switch setting {
        case .value(let value): return value
        case .expression(let text): return (try? Template.evaluate(text, in: context))?.isTruthy
        }
    }

    func evaluateNumber(_ setting: Setting<Double>, _ context: EvaluationContext) -> Double? {
        switch setting {
        case .value(let value): return value
        case .expression(let text): return (try? Template.evaluate(text, in: context))?.numberValue
        }
    }
}
