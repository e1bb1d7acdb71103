import CIBasics
import OrderedCollections

/// One job under `jobs:`: a runner job with steps, or a call of a reusable workflow.
public struct Job: Sendable, Hashable {
    /// The job's id (its key under `jobs:`).
    public var id: String
    /// Where the id is written.
    public var location: SourceLocation
    /// `name`, a template; nil shows the id.
    public var name: String?
    /// `needs`: ids of the jobs that must finish first, in the order written.
    public var needs: [Located<String>]
    /// `if`: the condition, without `${{ }}` when written bare; nil means `success()`.
    public var condition: Located<String>?
    /// `runs-on`.
    public var runsOn: RunsOn?
    /// `environment`: a name and its settings.
    public var environment: JobEnvironment?
    /// `outputs`: name to template.
    public var outputs: OrderedDictionary<String, String>
    /// `env`, or one expression that yields it.
    public var env: Setting<OrderedDictionary<String, String>>
    /// `defaults.run`.
    public var defaults: RunDefaults?
    /// `timeout-minutes`; GitHub's default is 360.
    public var timeoutMinutes: Setting<Double>
    /// `cancel-timeout-minutes`.
    public var cancelTimeoutMinutes: Setting<Double>?
    /// `continue-on-error`.
    public var continueOnError: Setting<Bool>
    /// `strategy`.
    public var strategy: Strategy?
    /// `container`: an image and its settings, or one expression that yields them.
    public var container: Setting<Container>?
    /// `services`, by name, or one expression that yields them.
    public var services: Setting<OrderedDictionary<String, Container>>
    /// `uses`: the reusable workflow this job calls.
    public var uses: String?
    /// `with`: inputs for the reusable workflow, or one expression that yields them.
    public var with: Setting<OrderedDictionary<String, JSONValue>>
    /// `secrets`: secrets for the reusable workflow.
    public var secrets: JobSecrets?
    /// `permissions`.
    public var permissions: Permissions?
    /// `concurrency`.
    public var concurrency: Concurrency?
    /// `snapshot`: a custom image to take after the job succeeds.
    public var snapshot: Snapshot?
    /// `steps`.
    public var steps: [Step]

    /// The default job timeout, in minutes.
    public static let defaultTimeoutMinutes: Double = 360

    /// Creates a job with GitHub's defaults.
    public init(id: String, location: SourceLocation) {
        self.id = id
        self.location = location
        self.needs = []
        self.outputs = [:]
        self.env = .value([:])
        self.timeoutMinutes = .value(Self.defaultTimeoutMinutes)
        self.continueOnError = .value(false)
        self.services = .value([:])
        self.with = .value([:])
        self.steps = []
    }

    /// Whether this job calls a reusable workflow rather than running steps.
    public var isWorkflowCall: Bool { uses != nil }
    /// The ids in `needs`.
    public var needIDs: [String] { needs.map(\.value) }
}

/// `runs-on`: the labels (and group) a runner must have.
public struct RunsOn: Sendable, Hashable {
    /// `group`, for runner groups.
    public var group: String?
    /// The labels, each possibly a template.
    public var labels: [String]

    /// Creates a runs-on value.
    public init(group: String? = nil, labels: [String]) {
        self.group = group
        self.labels = labels
    }
}

/// `environment` of a job.
public struct JobEnvironment: Sendable, Hashable {
    /// `name`.
    public var name: String
    /// `url`.
    public var url: String?
    /// `deployment`: whether to create a deployment record.
    public var deployment: Setting<Bool>?

    /// Creates an environment setting.
    public init(name: String, url: String? = nil, deployment: Setting<Bool>? = nil) {
        self.name = name
        self.url = url
        self.deployment = deployment
    }
}

/// `secrets` passed to a reusable workflow.
public enum JobSecrets: Sendable, Hashable {
    /// `inherit`: pass all the caller's secrets.
    case inherit
    /// Named secrets, each a template.
    case map(OrderedDictionary<String, String>)
    /// One expression that yields the map.
    case expression(String)
}

/// `container` of a job, or one of its `services`.
public struct Container: Sendable, Hashable {
    /// `image`.
    public var image: String
    /// `credentials` for the registry.
    public var credentials: Credentials?
    /// `env`.
    public var env: OrderedDictionary<String, String>
    /// `ports`.
    public var ports: [String]
    /// `volumes`.
    public var volumes: [String]
    /// `options`: extra `docker create` options.
    public var options: String?
    /// `entrypoint` (services only).
    public var entrypoint: String?
    /// `command` (services only).
    public var command: String?

    /// Creates a container for `image`.
    public init(image: String) {
        self.image = image
        self.env = [:]
        self.ports = []
        self.volumes = []
    }
}

/// Registry credentials of a container.
public struct Credentials: Sendable, Hashable {
    /// `username`.
    public var username: String
    /// `password`.
    public var password: String
}

/// `snapshot` of a job.
public struct Snapshot: Sendable, Hashable {
    /// `image-name`.
    public var imageName: String
    /// `if`.
    public var condition: String?
    /// `version`.
    public var version: String?

    /// Creates a snapshot setting.
    public init(imageName: String, condition: String? = nil, version: String? = nil) {
        self.imageName = imageName
        self.condition = condition
        self.version = version
    }
}
