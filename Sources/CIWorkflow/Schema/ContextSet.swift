/// The expression contexts and context-dependent functions a workflow key may use.
///
/// This is GitHub's context availability table
/// (https://docs.github.com/actions/learn-github-actions/contexts#context-availability), as its
/// workflow schema states it. An empty set means the key does not evaluate expressions at all.
public struct ContextSet: OptionSet, Sendable, Hashable {
    /// The bits.
    public let rawValue: UInt32
    /// Creates a set from bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `github`
    public static let github = ContextSet(rawValue: 1 << 0)
    /// `inputs`
    public static let inputs = ContextSet(rawValue: 1 << 1)
    /// `vars`
    public static let vars = ContextSet(rawValue: 1 << 2)
    /// `needs`
    public static let needs = ContextSet(rawValue: 1 << 3)
    /// `strategy`
    public static let strategy = ContextSet(rawValue: 1 << 4)
    /// `matrix`
    public static let matrix = ContextSet(rawValue: 1 << 5)
    /// `secrets`
    public static let secrets = ContextSet(rawValue: 1 << 6)
    /// `steps`
    public static let steps = ContextSet(rawValue: 1 << 7)
    /// `job`
    public static let job = ContextSet(rawValue: 1 << 8)
    /// `runner`
    public static let runner = ContextSet(rawValue: 1 << 9)
    /// `env`
    public static let env = ContextSet(rawValue: 1 << 10)
    /// `jobs` (outputs of a reusable workflow)
    public static let jobs = ContextSet(rawValue: 1 << 11)
    /// `hashFiles()`
    public static let hashFiles = ContextSet(rawValue: 1 << 16)
    /// `success()`, `failure()`, `always()` and `cancelled()`
    public static let statusFunctions = ContextSet(rawValue: 1 << 17)

    /// The context names in this set, in GitHub's order.
    public var contextNames: [String] {
        let all: [(ContextSet, String)] = [
            (.github, "github"), (.inputs, "inputs"), (.vars, "vars"), (.needs, "needs"), (.strategy, "strategy"),
            (.matrix, "matrix"), (.secrets, "secrets"), (.steps, "steps"), (.job, "job"), (.runner, "runner"),
            (.env, "env"), (.jobs, "jobs"),
        ]
        return all.filter { contains($0.0) }.map(\.1)
    }

    /// The context with this (lower-case) name, if it is one.
    public static func context(named name: String) -> ContextSet? {
        switch name.lowercased() {
        case "github": .github
        case "inputs": .inputs
        case "vars": .vars
        case "needs": .needs
        case "strategy": .strategy
        case "matrix": .matrix
        case "secrets": .secrets
        case "steps": .steps
        case "job": .job
        case "runner": .runner
        case "env": .env
        case "jobs": .jobs
        default: nil
        }
    }
}

/// The contexts each workflow key may use, from GitHub's workflow schema (`workflow-v1.0.json`).
public enum Scope {
    private static let base: ContextSet = [.github, .inputs, .vars]
    /// `run-name`, workflow `concurrency`, `on.workflow_call.inputs.*.default`.
    public static let workflowLevel: ContextSet = base
    /// Workflow `env`.
    public static let workflowEnv: ContextSet = base.union(.secrets)
    /// `on.workflow_call.outputs.*.value`.
    public static let workflowCallOutput: ContextSet = base.union(.jobs)
    /// Job `if`.
    public static let jobIf: ContextSet = base.union([.needs, .statusFunctions])
    /// `strategy` and the matrix in it.
    public static let strategy: ContextSet = base.union(.needs)
    /// Job `name`, `runs-on`, `environment`, `concurrency`, `container`, `services`,
    /// `timeout-minutes`, `continue-on-error`, and reusable-workflow `with`.
    public static let jobLevel: ContextSet = base.union([.needs, .strategy, .matrix])
    /// Job `env`, and secrets passed to a reusable workflow.
    public static let jobEnv: ContextSet = jobLevel.union(.secrets)
    /// Job `defaults.run`.
    public static let jobDefaults: ContextSet = jobLevel.union(.env)
    /// Job `outputs` and container `env`.
    public static let runner: ContextSet = jobLevel.union([.secrets, .steps, .job, .runner, .env])
    /// `environment.url`.
    public static let environmentURL: ContextSet = jobLevel.union([.steps, .job, .runner, .env])
    /// Container `credentials`.
    public static let credentials: ContextSet = base.union([.secrets, .env])
    /// Step `name`, `run`, `env`, `with`, `working-directory`, `continue-on-error`, `timeout-minutes`.
    public static let step: ContextSet = runner.union(.hashFiles)
    /// Step `if`: no `secrets`, but the status functions.
    public static let stepIf: ContextSet = jobLevel.union([.steps, .job, .runner, .env, .statusFunctions, .hashFiles])
    /// `snapshot.if`.
    public static let snapshotIf: ContextSet = jobLevel
}
