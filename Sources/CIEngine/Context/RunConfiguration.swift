import CIBasics
import CIExpressions
import CISandbox
import CIWorkflow

/// The facts about the repository and the triggering event that fill the `github` context.
public struct GitHubInfo: Sendable {
    /// `github.event_name`: `push`, `pull_request`, `workflow_dispatch`, ….
    public var eventName: String
    /// `github.event`: the webhook payload.
    public var event: JSONValue
    /// `github.sha`.
    public var sha: String
    /// `github.ref`: `refs/heads/main`.
    public var ref: String
    /// `github.repository`: `owner/name`.
    public var repository: String
    /// `github.actor`.
    public var actor: String
    /// `github.server_url`.
    public var serverURL: String
    /// `github.base_ref` (pull requests).
    public var baseRef: String
    /// `github.head_ref` (pull requests).
    public var headRef: String
    /// The workflow file's path inside the repository (`.github/workflows/ci.yml`), for
    /// `github.workflow_ref`; nil uses the path the workflow was loaded from.
    public var workflowPath: String?

    /// Creates the facts.
    public init(
        eventName: String = "push", event: JSONValue = .object([]), sha: String = String(repeating: "0", count: 40),
        ref: String = "refs/heads/main", repository: String = "local/repository", actor: String = "ci-runner",
        serverURL: String = "https://github.com", baseRef: String = "", headRef: String = ""
    ) {
        self.eventName = eventName
        self.event = event
        self.sha = sha
        self.ref = ref
        self.repository = repository
        self.actor = actor
        self.serverURL = serverURL
        self.baseRef = baseRef
        self.headRef = headRef
    }

    /// `github.ref_name`: the branch or tag name.
    public var refName: String {
        for prefix in ["refs/heads/", "refs/tags/"] where ref.hasPrefix(prefix) { return String(ref.dropFirst(prefix.count)) }
        return ref
    }

    /// `github.ref_type`: `branch` or `tag`.
    public var refType: String { ref.hasPrefix("refs/tags/") ? "tag" : "branch" }

    /// `github.repository_owner`.
    public var repositoryOwner: String { String(repository.split(separator: "/").first ?? "") }
}

/// Everything a run needs besides the workflow: where to work, the event, the data to inject,
/// and how much to run at once.
public struct RunConfiguration: Sendable {
    /// The run's id (`github.run_id`).
    public var runID: String
    /// `github.run_number`.
    public var runNumber: Int
    /// Where the run's files go: workspaces, temp directories, logs.
    public var runDirectory: String
    /// The tree each job's workspace is copied from.
    public var sourceDirectory: String
    /// The files to copy, relative to `sourceDirectory`; nil copies the whole directory.
    public var sourceFiles: [String]?
    /// Run every job in this directory instead of a fresh copy (`--workspace`).
    public var workspaceOverride: String?
    /// The `github` context's facts.
    public var github: GitHubInfo
    /// `secrets`.
    public var secrets: [String: String]
    /// `vars`.
    public var vars: [String: String]
    /// `inputs` given on the command line (workflow_dispatch).
    public var inputs: [String: String]
    /// Environment given on the command line (`--env`), applied to every step.
    public var env: [String: String]
    /// The host environment the allow-listed variables (PATH, LANG, …) come from.
    public var hostEnvironment: [String: String]
    /// How many job instances may run at once.
    public var maxParallel: Int
    /// Only these jobs (and what they need) run; nil runs all.
    public var jobFilter: Set<String>?
    /// Matrix filter (`--matrix key:value`, as act): an instance runs unless one of its keys is
    /// listed here without the instance's value.
    public var matrixFilter: [String: Set<String>]
    /// How long a stopped step gets between SIGTERM and SIGKILL.
    public var killGrace: Duration
    /// Values that are treated as secrets for masking besides `secrets` (for example a token).
    public var extraMasks: [String]
    /// Keep each job's workspace, temp and home directories after it ends (`--keep`); by default
    /// they are deleted, and only the logs stay.
    public var keepJobDirectories: Bool
    /// How jobs are isolated (bubblewrap or process groups, cgroups, network, Docker socket).
    public var sandbox: SandboxSettings
    /// Resource limits set on every step's processes.
    public var stepLimits: [ResourceLimit]
    /// More `runs-on` labels this host serves (lower-cased), from `--platform`.
    public var extraLabels: Set<String> = []

    /// The limits steps get by default: 65536 open files (as on GitHub's runners), 65536
    /// processes, no core dumps.
    public static let defaultStepLimits = [
        ResourceLimit(.openFiles, 65536), ResourceLimit(.processes, 65536), ResourceLimit(.coreSize, 0),
    ]

    /// Creates a configuration.
    public init(
        runID: String, runNumber: Int = 1, runDirectory: String, sourceDirectory: String, sourceFiles: [String]? = nil,
        workspaceOverride: String? = nil, github: GitHubInfo = GitHubInfo(), secrets: [String: String] = [:],
        vars: [String: String] = [:], inputs: [String: String] = [:], env: [String: String] = [:],
        hostEnvironment: [String: String] = [:], maxParallel: Int = 2, jobFilter: Set<String>? = nil,
        matrixFilter: [String: Set<String>] = [:], killGrace: Duration = .milliseconds(7500), extraMasks: [String] = [],
        keepJobDirectories: Bool = false, sandbox: SandboxSettings = SandboxSettings(),
        stepLimits: [ResourceLimit] = RunConfiguration.defaultStepLimits
    ) {
        self.runID = runID
        self.runNumber = runNumber
        self.runDirectory = runDirectory
        self.sourceDirectory = sourceDirectory
        self.sourceFiles = sourceFiles
        self.workspaceOverride = workspaceOverride
        self.github = github
        self.secrets = secrets
        self.vars = vars
        self.inputs = inputs
        self.env = env
        self.hostEnvironment = hostEnvironment
        self.maxParallel = maxParallel
        self.jobFilter = jobFilter
        self.matrixFilter = matrixFilter
        self.killGrace = killGrace
        self.extraMasks = extraMasks
        self.keepJobDirectories = keepJobDirectories
        self.sandbox = sandbox
        self.stepLimits = stepLimits
    }
}
