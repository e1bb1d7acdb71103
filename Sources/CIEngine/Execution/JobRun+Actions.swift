import CIBasics
import CIExpressions
import CIWorkflow
import Foundation
import OrderedCollections

extension JobRun {
    /// The actions ci-runner runs itself.
    static let builtinActions = ["actions/checkout", "actions/setup-python"]

    /// Runs a `uses` step: a local action, or a built-in one.
    func runAction(
        _ step: Step, _ uses: UsesStep, number: Int, ownEnv: OrderedDictionary<String, String>,
        env stepEnv: OrderedDictionary<String, String>,
        context: EvaluationContext, scope: StepScope
    ) async throws(StepFailure) -> StepResult {
        let with = try evaluateMap(uses.with, key: "with", context)
        let reference = uses.reference
        if reference == "." || reference.hasPrefix("./") || reference.hasPrefix("../") {
            let directory = URL(fileURLWithPath: facts.workspace).appendingPathComponent(reference).standardizedFileURL.path
            return try await runLocalAction(at: directory, reference: reference, with: with, ownEnv: ownEnv, number: number, scope: scope)
        }
        if reference.hasPrefix("docker://") {
            return StepResult(
                outcome: .failure, message: "Error: '\(reference)' is a Docker action; this runner does not run Docker actions yet.")
        }
        let name = String(reference.split(separator: "@").first ?? "")
        switch name.lowercased() {
        case "actions/checkout":
            say(
                "actions/checkout: the workspace already holds a copy of the repository's working tree; nothing to check out.", step: number
            )
            return StepResult(outcome: .success)
        case "actions/setup-python":
            return try await runSetupPython(step, with: with, number: number, env: stepEnv, context: context, scope: scope)
        default:
            return StepResult(
                outcome: .failure,
                message:
                    "Error: the action '\(reference)' is not built into ci-runner, which runs local actions ('uses: ./path' with a composite action.yml), local reusable workflows, and the built-ins: \(Self.builtinActions.joined(separator: ", "))."
            )
        }
    }

    /// Runs the action in `directory` (its `action.yml` or `action.yaml`).
    func runLocalAction(
        at directory: String, reference: String, with: OrderedDictionary<String, String>, ownEnv: OrderedDictionary<String, String>,
        number: Int, scope: StepScope
    ) async throws(StepFailure) -> StepResult {
        guard let file = ["action.yml", "action.yaml"].map({ directory + "/" + $0 }).first(where: FileManager.default.fileExists(atPath:)),
            let data = FileManager.default.contents(atPath: file)
        else {
            return StepResult(
                outcome: .failure,
                message:
                    "Error: Can't find 'action.yml', 'action.yaml' or 'Dockerfile' under '\(directory)'. Did you forget to run actions/checkout before running your local action?"
            )
        }
        let (loaded, diagnostics) = WorkflowLoader.loadAction(Array(data), path: file)
        let source = SourceText(path: file, bytes: Array(data))
        for diagnostic in diagnostics where diagnostic.severity == .error {
            say(diagnostic.rendered(source: source, style: .plain), step: number)
        }
        guard let action = loaded, !diagnostics.containsErrors else {
            return StepResult(outcome: .failure, message: "Error: the action '\(reference)' is not valid")
        }
        switch action.runs {
        case .composite(let steps):
            return await runComposite(action, steps: steps, directory: directory, with: with, ownEnv: ownEnv, number: number, scope: scope)
        case .node(let using, _):
            return StepResult(
                outcome: .failure,
                message: "Error: '\(reference)' is a JavaScript action (\(using)); this runner does not run JavaScript actions yet.")
        case .docker:
            return StepResult(
                outcome: .failure, message: "Error: '\(reference)' is a Docker action; this runner does not run Docker actions yet.")
        }
    }

    /// Runs a composite action's steps in their own scope: their own `steps` and `inputs`, the
    /// caller step's env, `GITHUB_ACTION_PATH`. `GITHUB_ENV` and `GITHUB_PATH` writes reach the job.
    func runComposite(
        _ action: ActionMetadata, steps: [Step], directory: String, with: OrderedDictionary<String, String>,
        ownEnv: OrderedDictionary<String, String>, number: Int, scope: StepScope
    ) async -> StepResult {
        var inherited = scope.inheritedEnv
        for (name, value) in ownEnv { inherited[name] = value }
        var inner = StepScope(inputs: .object([]), inheritedEnv: inherited, actionPath: directory, label: scope.label + "\(number).")
        // Inputs: what the caller gave, then the defaults (evaluated in the action's context).
        var inputs: [(String, ExpressionValue)] = []
        for (name, input) in action.inputs {
            if let given = with.first(where: { $0.key.lowercased() == name.lowercased() })?.value {
                inputs.append((name, .string(given)))
            } else if let template = input.defaultValue {
                let defaultContext = context(inner, env: mergedEnvironment(own: [:], scope: inner))
                let value = (try? Template.evaluate(template, in: defaultContext).stringValue) ?? ""
                inputs.append((name, .string(value)))
            } else {
                if input.required { say("Warning: Input required and not supplied: \(name)", step: number) }
                inputs.append((name, .string("")))
            }
        }
        let declared = Set(action.inputs.keys.map { $0.lowercased() })
        let unexpected = with.keys.filter { !declared.contains($0.lowercased()) }
        if !unexpected.isEmpty {
            say(
                "Warning: Unexpected input(s) \(unexpected.map { "'\($0)'" }.joined(separator: ", ")), valid inputs are \(action.inputs.keys.map { "'\($0)'" }.joined(separator: ", "))",
                step: number)
            for name in unexpected { inputs.append((name, .string(with[name] ?? ""))) }
        }
        inner.inputs = .object(inputs)
        await runSteps(steps, scope: &inner)
        var result = StepResult(outcome: inner.status == .failure ? .failure : .success)
        let outputContext = context(inner, env: mergedEnvironment(own: [:], scope: inner))
        for (name, template) in action.outputs {
            guard let template else { continue }
            result.outputs[name] = (try? Template.evaluate(template, in: outputContext).stringValue) ?? ""
        }
        return result
    }
}
