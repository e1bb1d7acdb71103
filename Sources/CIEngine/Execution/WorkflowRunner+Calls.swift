import CIBasics
import CIExpressions
import CIWorkflow
import Foundation
import OrderedCollections

extension WorkflowRunner {
    /// The deepest nesting of reusable workflow calls GitHub allows.
    static let maximumCallDepth = 10

    /// Runs a job that calls a local reusable workflow (`uses: ./.github/workflows/x.yml`): its
    /// typed inputs and secrets, its jobs (as `caller/job`), its outputs from the `jobs` context.
    func runCalledWorkflow(
        _ id: String, job: Job, uses: String, key: JobKey, context: EvaluationContext, needs: [(String, JobOutcome)]
    ) async -> JobOutcome {
        let started = ContinuousClock.now
        func fail(_ message: String) -> JobOutcome {
            bus.emit(.jobStarted(key))
            bus.emit(.jobFinished(key, result: .failure, seconds: (ContinuousClock.now - started).seconds, message: "Error: " + message))
            return JobOutcome(result: .failure, outputs: [:])
        }
        guard uses.hasPrefix("./") else {
            return fail(
                "'\(uses)' is a remote reusable workflow; this runner runs local ones ('uses: ./.github/workflows/<file>.yml') only, for now."
            )
        }
        guard depth < Self.maximumCallDepth else { return fail("reusable workflows are nested more than \(Self.maximumCallDepth) deep") }
        let root = configuration.workspaceOverride ?? configuration.sourceDirectory
        let path = root + "/" + uses.dropFirst(2)
        guard let data = FileManager.default.contents(atPath: path) else { return fail("cannot read the reusable workflow \(path)") }
        let loaded = WorkflowLoader.load(Array(data), path: String(uses.dropFirst(2)))
        guard loaded.isValid, let called = loaded.workflow else {
            let errors = loaded.diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")
            return fail("the reusable workflow '\(uses)' is not valid:\n\(errors)")
        }
        guard let trigger = called.triggers["workflow_call"] else {
            return fail("'\(uses)' is not a reusable workflow: it has no 'on: workflow_call'")
        }

        // Inputs, typed as the called workflow declares them.
        var given: OrderedDictionary<String, ExpressionValue> = [:]
        switch job.with {
        case .value(let values):
            for (name, value) in values {
                if case .string(let text) = value, text.containsExpression {
                    guard let evaluated = try? Template.evaluate(text, in: context) else {
                        return fail("the input '\(name)' failed to evaluate")
                    }
                    given[name] = evaluated
                } else {
                    given[name] = ExpressionValue(json: value)
                }
            }
        case .expression(let text):
            if case .object(let object)? = try? Template.evaluate(text, in: context) {
                for pair in object.pairs { given[pair.key] = pair.value }
            }
        }
        var inputs: [(String, ExpressionValue)] = []
        for (name, definition) in trigger.inputs {
            let supplied = given.first { $0.key.lowercased() == name.lowercased() }?.value
            var value: ExpressionValue
            if let supplied {
                value = supplied
            } else if let fallback = definition.defaultValue {
                if case .string(let text) = fallback, text.containsExpression {
                    value = (try? Template.evaluate(text, in: EvaluationContext(contexts: jobContexts(needs: needs)))) ?? .null
                } else {
                    value = ExpressionValue(json: fallback)
                }
            } else if definition.required {
                return fail("Input required and not supplied: \(name)")
            } else {
                value = definition.type == .boolean ? .boolean(false) : definition.type == .number ? .number(0) : .string("")
            }
            switch definition.type {
            case .boolean:
                if case .string(let text) = value { value = .boolean(text.lowercased() == "true") }
            case .number:
                if case .string = value { value = .number(value.numberValue) }
            default:
                if case .boolean = value {
                    value = .string(value.stringValue)
                } else if case .number = value {
                    value = .string(value.stringValue)
                }
            }
            inputs.append((name, value))
        }
        for name in given.keys where !trigger.inputs.keys.contains(where: { $0.lowercased() == name.lowercased() }) {
            return fail("Invalid input, \(name) is not defined in the referenced workflow.")
        }

        // Secrets.
        var secrets: [String: String] = [:]
        switch job.secrets {
        case .inherit?: secrets = configuration.secrets
        case .map(let map)?:
            for (name, template) in map { secrets[name] = (try? Template.evaluate(template, in: context).stringValue) ?? "" }
        case .expression(let text)?:
            if case .object(let object)? = try? Template.evaluate(text, in: context) {
                for pair in object.pairs { secrets[pair.key] = pair.value.stringValue }
            }
        case nil: break
        }
        for (name, definition) in trigger.secrets where definition.required && secrets[name] == nil {
            return fail("Secret \(name) is required, but not provided while calling.")
        }

        var nested = configuration
        nested.secrets = secrets
        nested.jobFilter = nil
        let runner = WorkflowRunner(
            workflow: called, configuration: nested, bus: bus, masks: masks, limiter: limiter,
            cancellation: JobCancellation(parent: cancellation),
            inputs: .object(inputs), prefix: prefix + id + "/", depth: depth + 1)
        let outcomes = await runner.run()

        let jobsContext: ExpressionValue = .object(outcomes.map { ($0.key, $0.value.contextValue) })
        let outputContext = EvaluationContext(contexts: [
            ("github", jobFacts(id: id, workspace: root).githubContext()), ("inputs", .object(inputs)),
            ("vars", .strings(configuration.vars)), ("jobs", jobsContext),
        ])
        var outputs: OrderedDictionary<String, String> = [:]
        for (name, output) in trigger.outputs {
            outputs[name] = (try? Template.evaluate(output.value, in: outputContext).stringValue) ?? ""
        }
        let results = outcomes.values.map(\.result)
        let result: Conclusion =
            results.contains(.failure)
            ? .failure
            : results.contains(.cancelled)
                ? .cancelled
                : !results.isEmpty && results.allSatisfy({ $0 == .skipped }) ? .skipped : .success
        return JobOutcome(result: result, outputs: outputs)
    }
}
