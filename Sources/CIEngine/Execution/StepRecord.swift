import CIExpressions
import OrderedCollections

/// What a finished step left for later steps: its outputs and how it ended (`steps.<id>`).
struct StepRecord: Sendable {
    var outputs: OrderedDictionary<String, String> = [:]
    var outcome: Conclusion
    var conclusion: Conclusion

    var contextValue: ExpressionValue {
        .object([
            ("outputs", .strings(outputs)), ("outcome", .string(outcome.rawValue)), ("conclusion", .string(conclusion.rawValue)),
        ])
    }
}

/// Where a list of steps runs: the job's own steps, or a composite action's.
struct StepScope: Sendable {
    /// `steps` of this scope, by id.
    var steps: OrderedDictionary<String, StepRecord> = [:]
    /// `inputs` of this scope (the workflow's inputs, or the action's).
    var inputs: ExpressionValue
    /// Environment the caller gave a composite action (its step's `env`).
    var inheritedEnv: OrderedDictionary<String, String> = [:]
    /// The action's directory, for `github.action_path` and `GITHUB_ACTION_PATH`.
    var actionPath: String?
    /// The status the status functions see: failure once a step in this scope failed.
    var status: RunStatus = .success
    /// The prefix of step numbers in events (`2.` inside the composite of step 2).
    var label: String = ""

    var stepsContext: ExpressionValue { .object(steps.map { ($0.key, $0.value.contextValue) }) }
}
