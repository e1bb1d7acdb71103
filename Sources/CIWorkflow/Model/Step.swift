import CIBasics
import OrderedCollections

/// One entry of a job's `steps`.
public struct Step: Sendable, Hashable {
    /// The step's position in its job, from 0.
    public var index: Int
    /// Where the step starts.
    public var location: SourceLocation
    /// `id`.
    public var id: String?
    /// `name`, a template.
    public var name: String?
    /// `if`, without `${{ }}` when written bare; nil means `success()`.
    public var condition: Located<String>?
    /// What the step does.
    public var action: StepAction
    /// `env`, or one expression that yields it.
    public var env: Setting<OrderedDictionary<String, String>>
    /// `continue-on-error`.
    public var continueOnError: Setting<Bool>
    /// `timeout-minutes`.
    public var timeoutMinutes: Setting<Double>?
    /// `background`: run without waiting for it.
    public var background: Setting<Bool>?

    /// Creates a step.
    public init(index: Int, location: SourceLocation, action: StepAction) {
        self.index = index
        self.location = location
        self.action = action
        self.env = .value([:])
        self.continueOnError = .value(false)
    }

    /// The name GitHub shows: `name`, else `Run <first line of the script>` or `Run <action>`.
    public var displayName: String {
        if let name { return name }
        switch action {
        case .run(let run):
            return "Run " + (run.script.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "")
        case .uses(let uses): return "Run " + uses.reference
        case .wait(let ids): return "Wait for " + ids.joined(separator: ", ")
        case .waitAll: return "Wait for all background steps"
        case .cancel(let id): return "Cancel " + id
        case .parallel(let steps): return "Run " + steps.map(\.displayName).joined(separator: " | ")
        }
    }
}

/// What a step does.
public enum StepAction: Sendable, Hashable {
    /// `run`: a script for a shell.
    case run(RunStep)
    /// `uses`: an action.
    case uses(UsesStep)
    /// `wait`: wait for background steps.
    case wait([String])
    /// `wait-all`: wait for every background step.
    case waitAll
    /// `cancel`: cancel a background step.
    case cancel(String)
    /// `parallel`: steps that run at the same time.
    case parallel([Step])
}

/// A `run` step.
public struct RunStep: Sendable, Hashable {
    /// `run`: the script, a template.
    public var script: String
    /// Where the script starts.
    public var scriptLocation: SourceLocation
    /// `shell`, when written on the step.
    public var shell: String?
    /// `working-directory`, when written on the step.
    public var workingDirectory: String?
}

/// A `uses` step.
public struct UsesStep: Sendable, Hashable {
    /// `uses`: `owner/repo[/path]@ref`, `./local/path` or `docker://image`.
    public var reference: String
    /// `with`: the action's inputs, each a template, or one expression that yields them.
    public var with: Setting<OrderedDictionary<String, String>>
}
