import CIBasics
import OrderedCollections

/// A loaded and validated workflow file: GitHub's workflow syntax as values.
public struct Workflow: Sendable {
    /// The file the workflow was read from.
    public var path: String
    /// `name`: the name shown for the workflow.
    public var name: String?
    /// `run-name`: a template for the name of each run.
    public var runName: String?
    /// `on`: the events that trigger the workflow, in the order written.
    public var triggers: OrderedDictionary<String, Trigger>
    /// `permissions` of the `GITHUB_TOKEN` for every job.
    public var permissions: Permissions?
    /// `env`: variables for every step of every job, or one expression that yields them.
    public var env: Setting<OrderedDictionary<String, String>>
    /// `defaults.run`: the default shell and working directory of `run` steps.
    public var defaults: RunDefaults?
    /// `concurrency`: the workflow's concurrency group.
    public var concurrency: Concurrency?
    /// `jobs`, in the order written.
    public var jobs: OrderedDictionary<String, Job>

    /// Creates an empty workflow for `path`.
    public init(path: String) {
        self.path = path
        self.triggers = [:]
        self.env = .value([:])
        self.jobs = [:]
    }

    /// The name GitHub shows: `name`, or the file's path when there is none.
    public var displayName: String { name ?? path }
}

/// The `GITHUB_TOKEN` permissions of a workflow or job.
public enum Permissions: Sendable, Hashable {
    /// `read-all`.
    case readAll
    /// `write-all`.
    case writeAll
    /// A level per scope; scopes not listed get no access.
    case scopes(OrderedDictionary<String, String>)
}

/// `defaults.run`: defaults for `run` steps.
public struct RunDefaults: Sendable, Hashable {
    /// The default `shell`.
    public var shell: String?
    /// The default `working-directory`.
    public var workingDirectory: String?

    /// Creates run defaults.
    public init(shell: String? = nil, workingDirectory: String? = nil) {
        self.shell = shell
        self.workingDirectory = workingDirectory
    }
}

/// `concurrency`: a group in which only one run (or job) is active at a time.
public struct Concurrency: Sendable, Hashable {
    /// The group name, usually a template.
    public var group: String
    /// Whether a new run cancels the one in progress.
    public var cancelInProgress: Setting<Bool>
    /// `queue`: `single` (default) or `max`.
    public var queue: String?

    /// Creates a concurrency setting.
    public init(group: String, cancelInProgress: Setting<Bool> = .value(false), queue: String? = nil) {
        self.group = group
        self.cancelInProgress = cancelInProgress
        self.queue = queue
    }
}
