import CIBasics
import CIExpressions
import CISandbox
import CIWorkflow
import Foundation
import OrderedCollections

/// Runs one job instance (one matrix combination): prepares its directories and contexts,
/// checks its runner labels, runs its steps in a session, and evaluates its outputs.
struct JobInstanceRunner {
    let workflowRunner: WorkflowRunner
    let id: String
    let job: Job
    let matrix: OrderedDictionary<String, JSONValue>
    let index: Int
    let strategy: ExpressionValue
    let needs: [(String, JobOutcome)]
    let cancellation: JobCancellation

    var configuration: RunConfiguration { workflowRunner.configuration }
    var bus: EventBus { workflowRunner.bus }

    /// The `runs-on` label that cuts a job's network (in a bubblewrap sandbox).
    static let noNetworkLabel = "no-network"

    /// Labels this host serves: its own, and those `--platform` adds.
    static func isServed(_ label: String, extra: Set<String> = []) -> Bool {
        let lowered = label.lowercased()
        return lowered.hasPrefix("ubuntu") || ["self-hosted", "linux", "x64", "arm64", "ci-runner", noNetworkLabel].contains(lowered)
            || extra.contains(lowered)
    }

    func run() async -> JobOutcome {
        let started = ContinuousClock.now
        let matrixValue = ExpressionValue(json: .object(matrix.map { ($0.key, $0.value) }))
        let needsValue: ExpressionValue = .object(needs.map { ($0.0, $0.1.contextValue) })
        var contexts = workflowRunner.jobContexts(needs: needs)
        contexts += [("matrix", matrixValue), ("strategy", strategy)]
        let preliminary = EvaluationContext(contexts: contexts)
        var name = job.displayName(matrix: matrix)
        if let template = job.name, let evaluated = try? Template.evaluate(template, in: preliminary) { name = evaluated.stringValue }
        name = workflowRunner.masks.mask(name)
        let key = JobKey(id: workflowRunner.prefix + id, name: workflowRunner.prefix + name, index: index)
        if cancellation.isCancelled {
            bus.emit(.jobFinished(key, result: .cancelled, seconds: 0, message: "The job was cancelled before it started."))
            return JobOutcome(result: .cancelled, outputs: [:])
        }

        // Runner labels.
        var labels: [String] = []
        for template in job.runsOn?.labels ?? [] {
            guard let value = try? Template.evaluate(template, in: preliminary) else { continue }
            if case .array(let array) = value { labels += array.items.map(\.stringValue) } else { labels.append(value.stringValue) }
        }
        if let unserved = labels.first(where: { !Self.isServed($0, extra: configuration.extraLabels) }) {
            bus.emit(
                .jobFinished(
                    key, result: .skipped, seconds: 0,
                    message:
                        "No runner for '\(unserved)': this host serves ubuntu-*, self-hosted and linux labels (add others with --platform \(unserved)=-self-hosted), so the job is skipped."
                )
            )
            return JobOutcome(result: .skipped, outputs: [:])
        }
        bus.emit(.jobStarted(key))
        if job.container != nil
            || {
                if case .value(let services) = job.services { return !services.isEmpty }
                return true
            }()
        {
            return finish(key, .failure, started, "Error: job containers and services need Docker, which this runner does not use yet.")
        }

        // Directories and files.
        let slug = (workflowRunner.prefix + name).fileSafeName + (index > 0 || !matrix.isEmpty ? "-\(index)" : "")
        let directories: JobDirectories
        do {
            directories = try JobDirectories(configuration: configuration, slug: slug)
        } catch {
            return finish(key, .failure, started, "Error: cannot prepare the job's directories: \(error)")
        }
        // The sandbox starts now, on its own thread, while the workspace is copied and the job's
        // contexts are made (its mounts show the workspace's files as they arrive).
        let session = configuration.sandbox.makeSession(
            for: SandboxSettings.JobPaths(
                name: "run\(configuration.runID)-\(slug)", root: directories.root, workspace: directories.workspace,
                temp: directories.temp, home: directories.home, toolCache: directories.toolCache, extraWritable: [directories.commands],
                logFolder: directories.commands),
            network: !labels.contains { $0.lowercased() == Self.noNetworkLabel })
        session.prepare()
        do {
            try directories.fillWorkspace(configuration: configuration)
        } catch {
            await session.close()
            directories.remove(keep: configuration.keepJobDirectories)
            return finish(key, .failure, started, "Error: cannot prepare the job's directories: \(error)")
        }
        let eventPath = directories.temp + "/_github_workflow/event.json"
        try? Files.write(eventPath, configuration.github.event.serialized(.pretty).utf8)
        let facts = JobFacts(
            configuration: configuration, workflow: workflowRunner.workflow, jobID: id, workspace: directories.workspace,
            temp: directories.temp, toolCache: directories.toolCache, home: directories.home, eventPath: eventPath, runnerName: "ci-runner",
            commands: directories.commands)
        contexts.removeAll { $0.0 == "github" }
        contexts.append(("github", facts.githubContext()))
        contexts.append(("runner", facts.runnerContext))

        // `--env` values (visible in the env context, as act does), then workflow and job env,
        // evaluated in order.
        var env = OrderedDictionary(uniqueKeysWithValues: configuration.env.sorted { $0.key < $1.key })
        for (layer, scopeContexts) in [(workflowRunner.workflow.env, contexts), (job.env, contexts)] {
            let context = EvaluationContext(contexts: scopeContexts + [("env", .strings(env))])
            switch layer {
            case .value(let values):
                for (name, template) in values {
                    env[name] = (try? Template.evaluate(template, in: context).stringValue) ?? ""
                }
            case .expression(let template):
                if case .object(let object)? = try? Template.evaluate(template, in: context) {
                    for pair in object.pairs { env[pair.key] = pair.value.stringValue }
                }
            }
        }
        let defaults = RunDefaults(
            shell: job.defaults?.shell ?? workflowRunner.workflow.defaults?.shell,
            workingDirectory: job.defaults?.workingDirectory ?? workflowRunner.workflow.defaults?.workingDirectory)

        let run = JobRun(
            key: key, job: job, facts: facts, bus: bus, masks: workflowRunner.masks, session: session, cancellation: cancellation,
            baseContexts: contexts.filter { $0.0 != "needs" } + [("needs", needsValue)], env: env, runDefaults: defaults)

        bus.emit(.note(key, "Isolation: " + session.summary))
        if labels.contains(where: { $0.lowercased() == Self.noNetworkLabel }), case .none = configuration.sandbox.mode {
            run.say("Warning: the '\(Self.noNetworkLabel)' label needs the bubblewrap sandbox to cut the network; this run has none.")
        }

        // The job's timeout (default 360 minutes) cancels it.
        let minutes = workflowRunner.evaluateNumber(job.timeoutMinutes, preliminary) ?? Job.defaultTimeoutMinutes
        let timeout = Task {
            try? await Task.sleep(for: .milliseconds(Int64(max(minutes, 0) * 60_000)))
            if !Task.isCancelled { cancellation.cancel(timedOut: true) }
        }
        var scope = StepScope(inputs: workflowRunner.inputs)
        await run.runSteps(job.steps, scope: &scope)
        timeout.cancel()
        await session.close()

        // Outputs, unless they would reveal a secret.
        var outputs: OrderedDictionary<String, String> = [:]
        let outputContext = run.context(scope, env: run.env)
        for (name, template) in job.outputs {
            let value = (try? Template.evaluate(template, in: outputContext).stringValue) ?? ""
            if !workflowRunner.masks.masker.isEmpty && workflowRunner.masks.mask(value) != value {
                run.say("Warning: Skip output '\(name)' since it may contain secret.")
                continue
            }
            outputs[name] = value
        }
        if !run.summaries.isEmpty { try? Directories.create(configuration.runDirectory + "/summaries") }
        for (index, summary) in run.summaries.enumerated() {
            let file = configuration.runDirectory + "/summaries/\(slug)-\(index + 1).md"
            try? Files.write(file, summary.utf8)
        }

        directories.remove(keep: configuration.keepJobDirectories)

        var result: Conclusion = run.status == .failure ? .failure : .success
        var message: String?
        if cancellation.timedOut {
            result = .failure
            message = "Error: The job has exceeded the maximum execution time of \(GitHubNumber.string(minutes)) minutes."
        } else if cancellation.isCancelled && result == .success {
            result = .cancelled
        }
        if result == .failure, workflowRunner.evaluateBool(job.continueOnError, preliminary) == true {
            message = (message.map { $0 + " " } ?? "") + "The job failed, but it has continue-on-error."
            result = .success
        }
        let seconds = (ContinuousClock.now - started).seconds
        bus.emit(.jobFinished(key, result: result, seconds: seconds, message: message))
        return JobOutcome(result: result, outputs: outputs)
    }

    private func finish(_ key: JobKey, _ result: Conclusion, _ started: ContinuousClock.Instant, _ message: String) -> JobOutcome {
        bus.emit(.jobFinished(key, result: result, seconds: (ContinuousClock.now - started).seconds, message: message))
        return JobOutcome(result: result, outputs: [:])
    }
}
