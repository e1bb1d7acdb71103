import CIBasics
import OrderedCollections

/// One event under `on:` and its filters.
public struct Trigger: Sendable, Hashable {
    /// The event name, such as `push` or `workflow_dispatch`.
    public var event: String
    /// Where the event is named.
    public var location: SourceLocation
    /// `types`: the activity types that trigger the workflow; nil means the event's defaults.
    public var types: [String]?
    /// `branches` patterns.
    public var branches: [String]?
    /// `branches-ignore` patterns.
    public var branchesIgnore: [String]?
    /// `tags` patterns.
    public var tags: [String]?
    /// `tags-ignore` patterns.
    public var tagsIgnore: [String]?
    /// `paths` patterns.
    public var paths: [String]?
    /// `paths-ignore` patterns.
    public var pathsIgnore: [String]?
    /// `workflows` (for `workflow_run`).
    public var workflows: [String]?
    /// `names` (for `image_version`).
    public var names: [String]?
    /// `versions` (for `image_version`).
    public var versions: [String]?
    /// `inputs` of `workflow_dispatch` or `workflow_call`.
    public var inputs: OrderedDictionary<String, InputDefinition>
    /// `outputs` of `workflow_call`.
    public var outputs: OrderedDictionary<String, WorkflowCallOutput>
    /// `secrets` of `workflow_call`.
    public var secrets: OrderedDictionary<String, WorkflowCallSecret>
    /// The `schedule` entries.
    public var schedules: [Schedule]

    /// Creates a trigger with no filters.
    public init(event: String, location: SourceLocation) {
        self.event = event
        self.location = location
        self.inputs = [:]
        self.outputs = [:]
        self.secrets = [:]
        self.schedules = []
    }
}

/// The type of a `workflow_dispatch` or `workflow_call` input.
public enum InputType: String, Sendable, Hashable, CaseIterable {
    /// `string` (the default for `workflow_dispatch`).
    case string
    /// `boolean`.
    case boolean
    /// `number`.
    case number
    /// `choice`: one of `options` (`workflow_dispatch` only).
    case choice
    /// `environment`: an environment name (`workflow_dispatch` only).
    case environment
}

/// An input of `workflow_dispatch` or `workflow_call`.
public struct InputDefinition: Sendable, Hashable {
    /// `description`.
    public var description: String?
    /// `type`.
    public var type: InputType
    /// `required`.
    public var required: Bool
    /// `default`, as written (a string, boolean or number).
    public var defaultValue: JSONValue?
    /// `options` of a `choice` input.
    public var options: [String]

    /// Creates an input definition.
    public init(
        description: String? = nil, type: InputType = .string, required: Bool = false, defaultValue: JSONValue? = nil,
        options: [String] = []
    ) {
        self.description = description
        self.type = type
        self.required = required
        self.defaultValue = defaultValue
        self.options = options
    }
}

/// An output of a reusable workflow (`on.workflow_call.outputs`).
public struct WorkflowCallOutput: Sendable, Hashable {
    /// `description`.
    public var description: String?
    /// `value`: a template over the `jobs` context.
    public var value: String
}

/// A secret a reusable workflow accepts (`on.workflow_call.secrets`).
public struct WorkflowCallSecret: Sendable, Hashable {
    /// `description`.
    public var description: String?
    /// `required`.
    public var required: Bool
}

/// One `schedule` entry.
public struct Schedule: Sendable, Hashable {
    /// The parsed `cron` expression.
    public var cron: CronSchedule
    /// `timezone`, an IANA name; UTC when nil.
    public var timezone: String?
}
