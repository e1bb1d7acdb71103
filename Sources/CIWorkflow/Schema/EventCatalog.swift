/// What each workflow event accepts under `on:`: its filter keys and activity types.
public struct EventSpec: Sendable, Hashable {
    /// The event name.
    public var name: String
    /// The keys its mapping accepts, such as `branches` or `types`.
    public var keys: [String]
    /// The activity types `types` accepts: nil when the event has no `types`, empty when any
    /// string is accepted (`repository_dispatch`).
    public var activityTypes: [String]?

    init(_ name: String, keys: [String] = [], types: [String]? = nil) {
        self.name = name
        self.keys = (types == nil ? [] : ["types"]) + keys
        self.activityTypes = types
    }
}

/// The events GitHub accepts under `on:`, from its workflow schema.
public enum EventCatalog {
    private static let branchFilters = ["branches", "branches-ignore"]
    private static let pathFilters = ["paths", "paths-ignore"]
    private static let created3 = ["created", "edited", "deleted"]
    private static let pullRequestTypes = [
        "assigned", "unassigned", "labeled", "unlabeled", "opened", "edited", "closed", "reopened", "synchronize",
        "converted_to_draft", "locked", "unlocked", "enqueued", "dequeued", "milestoned", "demilestoned", "ready_for_review",
        "review_requested", "review_request_removed", "auto_merge_enabled", "auto_merge_disabled",
    ]

    /// Every event, by name.
    public static let events: [String: EventSpec] = {
        let specs: [EventSpec] = [
            EventSpec("branch_protection_rule", types: created3),
            EventSpec("check_run", types: ["completed", "created", "rerequested", "requested_action"]),
            EventSpec("check_suite", types: ["completed"]),
            EventSpec("create"),
            EventSpec("delete"),
            EventSpec("deployment"),
            EventSpec("deployment_status"),
            EventSpec(
                "discussion",
                types: [
                    "created", "edited", "deleted", "transferred", "pinned", "unpinned", "labeled", "unlabeled", "locked",
                    "unlocked", "category_changed", "answered", "unanswered",
                ]),
            EventSpec("discussion_comment", types: created3),
            EventSpec("fork"),
            EventSpec("gollum"),
            EventSpec("image_version", keys: ["names", "versions"], types: ["created", "ready", "deleted"]),
            EventSpec("issue_comment", types: created3),
            EventSpec(
                "issues",
                types: [
                    "opened", "edited", "deleted", "transferred", "pinned", "unpinned", "closed", "reopened", "assigned",
                    "unassigned", "labeled", "unlabeled", "locked", "unlocked", "milestoned", "demilestoned",
                ]),
            EventSpec("label", types: created3),
            EventSpec("merge_group", keys: branchFilters, types: ["checks_requested"]),
            EventSpec("milestone", types: ["created", "closed", "opened", "edited", "deleted"]),
            EventSpec("page_build"),
            EventSpec("project", types: ["created", "closed", "reopened", "edited", "deleted"]),
            EventSpec("project_card", types: ["created", "moved", "converted", "edited", "deleted"]),
            EventSpec("project_column", types: ["created", "updated", "moved", "deleted"]),
            EventSpec("public"),
            EventSpec("pull_request", keys: branchFilters + pathFilters, types: pullRequestTypes),
            EventSpec("pull_request_comment", types: created3),
            EventSpec("pull_request_review", types: ["submitted", "edited", "dismissed"]),
            EventSpec("pull_request_review_comment", types: created3),
            EventSpec("pull_request_target", keys: branchFilters + pathFilters, types: pullRequestTypes),
            EventSpec("push", keys: branchFilters + ["tags", "tags-ignore"] + pathFilters),
            EventSpec("registry_package", types: ["published", "updated"]),
            EventSpec("release", types: ["published", "unpublished", "created", "edited", "deleted", "prereleased", "released"]),
            EventSpec("repository_dispatch", types: []),
            EventSpec("schedule"),
            EventSpec("status"),
            EventSpec("watch", types: ["started"]),
            EventSpec("workflow_call", keys: ["inputs", "outputs", "secrets"]),
            EventSpec("workflow_dispatch", keys: ["inputs"]),
            EventSpec("workflow_run", keys: ["workflows"] + branchFilters, types: ["requested", "completed", "in_progress"]),
        ]
        return Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })
    }()

    /// The spec of `name`, if GitHub knows the event.
    public static func spec(_ name: String) -> EventSpec? { events[name] }
}

/// The shells `run` steps accept by name, with the command GitHub runs for each on Linux.
public enum Shells {
    /// `shell:` names GitHub knows, mapped to their command templates (`{0}` is the script file).
    public static let templates: [String: String] = [
        "bash": "bash --noprofile --norc -eo pipefail {0}",
        "sh": "sh -e {0}",
        "python": "python {0}",
        "pwsh": "pwsh -command \". '{0}'\"",
        "powershell": "powershell -command \". '{0}'\"",
        "cmd": "%ComSpec% /D /E:ON /V:OFF /S /C \"CALL \"{0}\"\"",
    ]

    /// The command for a `run` step with no `shell` anywhere: GitHub uses `bash -e {0}` when bash exists.
    public static let defaultTemplate = "bash -e {0}"

    /// Whether `shell` is a known name or a custom command containing `{0}`.
    public static func isValid(_ shell: String) -> Bool {
        templates[shell] != nil || shell.contains("{0}")
    }
}
