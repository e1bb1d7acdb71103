import CIBasics
import CIExpressions
import CIWorkflow
import OrderedCollections

extension ExpressionValue {
    /// An object of strings.
    static func strings(_ pairs: [(String, String)]) -> ExpressionValue {
        .object(pairs.map { ($0.0, .string($0.1)) })
    }

    /// An object of strings, from a dictionary (keys sorted for a stable order).
    static func strings(_ dictionary: [String: String]) -> ExpressionValue {
        strings(dictionary.sorted { $0.key < $1.key })
    }

    /// An object of strings, from an ordered dictionary.
    static func strings(_ dictionary: OrderedDictionary<String, String>) -> ExpressionValue {
        strings(dictionary.map { ($0.key, $0.value) })
    }
}

/// The fixed facts of a job instance that go into `github`, `runner` and the `GITHUB_*`/`RUNNER_*` variables.
struct JobFacts: Sendable {
    var configuration: RunConfiguration
    var workflow: Workflow
    var jobID: String
    var workspace: String
    var temp: String
    var toolCache: String
    var home: String
    var eventPath: String
    var runnerName: String
    /// Where step scripts and command files go.
    var commands: String = ""

    var github: GitHubInfo { configuration.github }

    /// Where step scripts and command files go.
    var commandsDirectory: String { commands.isEmpty ? temp + "/_runner_file_commands" : commands }

    /// The `github` context (without `action`-specific keys, added per step).
    func githubContext(action: String = "", actionPath: String = "", event: ExpressionValue? = nil) -> ExpressionValue {
        let server = github.serverURL
        let api = server == "https://github.com" ? "https://api.github.com" : server + "/api/v3"
        let graphql = server == "https://github.com" ? "https://api.github.com/graphql" : server + "/api/graphql"
        return .object([
            ("action", .string(action)), ("action_path", .string(actionPath)), ("action_ref", .string("")),
            ("action_repository", .string("")), ("action_status", .string("")), ("actor", .string(github.actor)),
            ("actor_id", .string("0")), ("api_url", .string(api)), ("base_ref", .string(github.baseRef)), ("env", .string("")),
            ("event", event ?? ExpressionValue(json: github.event)), ("event_name", .string(github.eventName)),
            ("event_path", .string(eventPath)), ("graphql_url", .string(graphql)), ("head_ref", .string(github.headRef)),
            ("job", .string(jobID)), ("path", .string("")), ("ref", .string(github.ref)), ("ref_name", .string(github.refName)),
            ("ref_protected", .boolean(false)), ("ref_type", .string(github.refType)), ("repository", .string(github.repository)),
            ("repository_id", .string("0")), ("repository_owner", .string(github.repositoryOwner)),
            ("repository_owner_id", .string("0")),
            ("repositoryUrl", .string("git://" + server.replacing("https://", with: "") + "/" + github.repository + ".git")),
            ("retention_days", .string("90")), ("run_attempt", .string("1")), ("run_id", .string(configuration.runID)),
            ("run_number", .string(String(configuration.runNumber))), ("secret_source", .string("Actions")),
            ("server_url", .string(server)), ("sha", .string(github.sha)), ("token", .string("")),
            ("triggering_actor", .string(github.actor)), ("workflow", .string(workflow.displayName)),
            ("workflow_ref", .string("\(github.repository)/\(github.workflowPath ?? workflow.path)@\(github.ref)")),
            ("workflow_sha", .string(github.sha)),
            ("workspace", .string(workspace)),
        ])
    }

    /// The `runner` context.
    var runnerContext: ExpressionValue {
        .strings([
            ("os", "Linux"), ("arch", Self.architecture), ("name", runnerName), ("temp", temp), ("tool_cache", toolCache),
            ("environment", "self-hosted"), ("debug", ""), ("workspace", parentDirectory(of: workspace)),
        ])
    }

    static var architecture: String {
        #if arch(arm64)
            "ARM64"
        #else
            "X64"
        #endif
    }

    /// The variables GitHub sets for every step.
    func variables() -> [String: String] {
        [
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_ACTOR": github.actor, "GITHUB_ACTOR_ID": "0",
            "GITHUB_API_URL": github.serverURL == "https://github.com" ? "https://api.github.com" : github.serverURL + "/api/v3",
            "GITHUB_BASE_REF": github.baseRef, "GITHUB_EVENT_NAME": github.eventName, "GITHUB_EVENT_PATH": eventPath,
            "GITHUB_GRAPHQL_URL": github.serverURL == "https://github.com"
                ? "https://api.github.com/graphql" : github.serverURL + "/api/graphql",
            "GITHUB_HEAD_REF": github.headRef, "GITHUB_JOB": jobID, "GITHUB_REF": github.ref, "GITHUB_REF_NAME": github.refName,
            "GITHUB_REF_PROTECTED": "false", "GITHUB_REF_TYPE": github.refType, "GITHUB_REPOSITORY": github.repository,
            "GITHUB_REPOSITORY_ID": "0", "GITHUB_REPOSITORY_OWNER": github.repositoryOwner, "GITHUB_REPOSITORY_OWNER_ID": "0",
            "GITHUB_RETENTION_DAYS": "90", "GITHUB_RUN_ATTEMPT": "1", "GITHUB_RUN_ID": configuration.runID,
            "GITHUB_RUN_NUMBER": String(configuration.runNumber), "GITHUB_SERVER_URL": github.serverURL, "GITHUB_SHA": github.sha,
            "GITHUB_TRIGGERING_ACTOR": github.actor, "GITHUB_WORKFLOW": workflow.displayName,
            "GITHUB_WORKFLOW_REF": "\(github.repository)/\(github.workflowPath ?? workflow.path)@\(github.ref)",
            "GITHUB_WORKFLOW_SHA": github.sha,
            "GITHUB_WORKSPACE": workspace, "RUNNER_ARCH": Self.architecture, "RUNNER_ENVIRONMENT": "self-hosted",
            "RUNNER_NAME": runnerName, "RUNNER_OS": "Linux", "RUNNER_TEMP": temp, "RUNNER_TOOL_CACHE": toolCache,
            "RUNNER_WORKSPACE": parentDirectory(of: workspace), "HOME": home,
        ]
    }
}

/// The path without its last component.
func parentDirectory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}
