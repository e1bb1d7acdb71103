import CIBasics
import OrderedCollections

/// JSON renderings of the model for `ci-runner inspect`: every key GitHub would fill in is shown
/// with its default, and each matrix is expanded into its job instances.
extension Workflow {
    /// The workflow as JSON, with defaults filled in and matrices expanded.
    public func inspectionJSON() -> JSONValue {
        let graph = JobGraph.build(self).graph
        var members: [(String, JSONValue)] = [("path", .string(path)), ("name", .string(displayName))]
        if let runName { members.append(("run-name", .string(runName))) }
        members.append(("on", .object(triggers.values.map { ($0.event, $0.json) })))
        if let permissions { members.append(("permissions", permissions.json)) }
        members.append(("env", env.json))
        if let defaults { members.append(("defaults", .object([("run", defaults.json)]))) }
        if let concurrency { members.append(("concurrency", concurrency.json)) }
        members.append(("jobs", .object(jobs.values.map { ($0.id, $0.json(workflow: self, stage: graph.stages[$0.id])) })))
        return .object(members)
    }
}

extension Setting {
    func json(_ convert: (Value) -> JSONValue) -> JSONValue {
        switch self {
        case .value(let value): convert(value)
        case .expression(let text): .string(text)
        }
    }
}

extension Setting where Value == Bool {
    var json: JSONValue { json { .bool($0) } }
}

extension Setting where Value == Double {
    var json: JSONValue { json { $0 == $0.rounded() && abs($0) < 1e15 ? .int(Int($0)) : .double($0) } }
}

extension Setting where Value == OrderedDictionary<String, String> {
    var json: JSONValue { json { .object($0.map { ($0.key, .string($0.value)) }) } }
}

extension Trigger {
    var json: JSONValue {
        var members: [(String, JSONValue)] = []
        func add(_ key: String, _ values: [String]?) {
            if let values { members.append((key, .array(values.map(JSONValue.string)))) }
        }
        add("types", types)
        add("branches", branches)
        add("branches-ignore", branchesIgnore)
        add("tags", tags)
        add("tags-ignore", tagsIgnore)
        add("paths", paths)
        add("paths-ignore", pathsIgnore)
        add("workflows", workflows)
        add("names", names)
        add("versions", versions)
        if !inputs.isEmpty {
            members.append(
                (
                    "inputs",
                    .object(
                        inputs.map { name, input in
                            var fields: [(String, JSONValue)] = [
                                ("type", .string(input.type.rawValue)), ("required", .bool(input.required)),
                            ]
                            if let description = input.description { fields.append(("description", .string(description))) }
                            if let value = input.defaultValue { fields.append(("default", value)) }
                            if !input.options.isEmpty { fields.append(("options", .array(input.options.map(JSONValue.string)))) }
                            return (name, .object(fields))
                        })
                ))
        }
        if !outputs.isEmpty {
            members.append(("outputs", .object(outputs.map { ($0.key, .object([("value", .string($0.value.value))])) })))
        }
        if !secrets.isEmpty {
            members.append(("secrets", .object(secrets.map { ($0.key, .object([("required", .bool($0.value.required))])) })))
        }
        if !schedules.isEmpty {
            members.append(
                (
                    "schedule",
                    .array(
                        schedules.map { schedule in
                            var fields: [(String, JSONValue)] = [("cron", .string(schedule.cron.expression))]
                            if let zone = schedule.timezone { fields.append(("timezone", .string(zone))) }
                            return .object(fields)
                        })
                ))
        }
        return .object(members)
    }
}

extension Permissions {
    var json: JSONValue {
        switch self {
        case .readAll: .string("read-all")
        case .writeAll: .string("write-all")
        case .scopes(let scopes): .object(scopes.map { ($0.key, .string($0.value)) })
        }
    }
}

extension RunDefaults {
    var json: JSONValue {
        var members: [(String, JSONValue)] = []
        if let shell { members.append(("shell", .string(shell))) }
        if let workingDirectory { members.append(("working-directory", .string(workingDirectory))) }
        return .object(members)
    }
}

extension Concurrency {
    var json: JSONValue {
        var members: [(String, JSONValue)] = [("group", .string(group)), ("cancel-in-progress", cancelInProgress.json)]
        if let queue { members.append(("queue", .string(queue))) }
        return .object(members)
    }
}

extension Container {
    var json: JSONValue {
        var members: [(String, JSONValue)] = [("image", .string(image))]
        if let credentials {
            members.append(("credentials", .object([("username", .string(credentials.username)), ("password", .string("***"))])))
        }
        if !env.isEmpty { members.append(("env", .object(env.map { ($0.key, .string($0.value)) }))) }
        if !ports.isEmpty { members.append(("ports", .array(ports.map(JSONValue.string)))) }
        if !volumes.isEmpty { members.append(("volumes", .array(volumes.map(JSONValue.string)))) }
        if let options { members.append(("options", .string(options))) }
        if let entrypoint { members.append(("entrypoint", .string(entrypoint))) }
        if let command { members.append(("command", .string(command))) }
        return .object(members)
    }
}

extension Job {
    /// The matrix instances of this job: one empty combination without a matrix, nil when the
    /// matrix is only known at run time.
    public var matrixInstances: [OrderedDictionary<String, JSONValue>]? {
        guard let matrix = strategy?.matrix else { return [[:]] }
        guard case .definition(let definition) = matrix, case .success(let expansion) = MatrixExpansion.expand(definition) else {
            return nil
        }
        return expansion.combinations
    }

    /// The name GitHub shows for one instance: `name`, else the id, with the matrix values in
    /// parentheses when the job has a matrix and no name of its own.
    public func displayName(matrix: OrderedDictionary<String, JSONValue>) -> String {
        if let name { return name }
        guard !matrix.isEmpty else { return id }
        let values = matrix.values.map { value -> String in
            if case .string(let text) = value { return text }
            if case .double(let number) = value { return GitHubNumber.string(number) }
            return value.serialized()
        }
        return "\(id) (\(values.joined(separator: ", ")))"
    }

    func json(workflow: Workflow, stage: Int?) -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(name ?? id))]
        members.append(("needs", .array(needIDs.map(JSONValue.string))))
        members.append(("if", .string(condition?.value ?? "success()")))
        if let stage { members.append(("stage", .int(stage))) }
        if let uses {
            members.append(("uses", .string(uses)))
            members.append(("with", with.json { .object($0.map { ($0.key, $0.value) }) }))
            switch secrets {
            case .inherit?: members.append(("secrets", .string("inherit")))
            case .map(let map)?: members.append(("secrets", .object(map.map { ($0.key, .string($0.value)) })))
            case .expression(let text)?: members.append(("secrets", .string(text)))
            case nil: break
            }
        } else {
            if let runsOn {
                var value: JSONValue = .array(runsOn.labels.map(JSONValue.string))
                if let group = runsOn.group { value = .object([("group", .string(group)), ("labels", value)]) }
                members.append(("runs-on", value))
            }
            if let environment {
                var fields: [(String, JSONValue)] = [("name", .string(environment.name))]
                if let url = environment.url { fields.append(("url", .string(url))) }
                members.append(("environment", .object(fields)))
            }
            members.append(("timeout-minutes", timeoutMinutes.json))
            members.append(("continue-on-error", continueOnError.json))
            members.append(("env", env.json))
            if !outputs.isEmpty { members.append(("outputs", .object(outputs.map { ($0.key, .string($0.value)) }))) }
            if let defaults { members.append(("defaults", .object([("run", defaults.json)]))) }
            if let container { members.append(("container", container.json { $0.json })) }
            switch services {
            case .value(let map) where !map.isEmpty: members.append(("services", .object(map.map { ($0.key, $0.value.json) })))
            case .expression(let text): members.append(("services", .string(text)))
            default: break
            }
        }
        if let permissions { members.append(("permissions", permissions.json)) }
        if let concurrency { members.append(("concurrency", concurrency.json)) }
        let strategy = self.strategy ?? Strategy()
        var strategyMembers: [(String, JSONValue)] = [("fail-fast", strategy.failFast.json)]
        strategyMembers.append(("max-parallel", strategy.maxParallel?.json ?? .null))
        members.append(("strategy", .object(strategyMembers)))
        if let instances = matrixInstances {
            members.append(
                (
                    "matrix",
                    .array(
                        instances.map { instance in
                            .object([
                                ("name", .string(displayName(matrix: instance))), ("values", .object(instance.map { ($0.key, $0.value) })),
                            ])
                        })
                ))
        } else if case .expression(let text)? = strategy.matrix {
            members.append(("matrix", .string(text)))
        } else {
            members.append(("matrix", .string("computed when the job runs")))
        }
        if uses == nil {
            members.append(("steps", .array(steps.map { $0.json(job: self, workflow: workflow) })))
        }
        return .object(members)
    }
}

extension Step {
    func json(job: Job, workflow: Workflow) -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(displayName))]
        if let id { members.append(("id", .string(id))) }
        members.append(("if", .string(condition?.value ?? "success()")))
        switch action {
        case .run(let run):
            let shell = run.shell ?? job.defaults?.shell ?? workflow.defaults?.shell
            members.append(("run", .string(run.script)))
            members.append(("shell", .string(shell ?? "bash")))
            let command = shell.map { Shells.templates[$0.lowercased()] ?? $0 } ?? Shells.defaultTemplate
            members.append(("command", .string(command)))
            let directory = run.workingDirectory ?? job.defaults?.workingDirectory ?? workflow.defaults?.workingDirectory
            members.append(("working-directory", .string(directory ?? "${{ github.workspace }}")))
        case .uses(let uses):
            members.append(("uses", .string(uses.reference)))
            members.append(("with", uses.with.json))
        case .wait(let ids): members.append(("wait", .array(ids.map(JSONValue.string))))
        case .waitAll: members.append(("wait-all", .bool(true)))
        case .cancel(let id): members.append(("cancel", .string(id)))
        case .parallel(let steps): members.append(("parallel", .array(steps.map { $0.json(job: job, workflow: workflow) })))
        }
        members.append(("env", env.json))
        members.append(("continue-on-error", continueOnError.json))
        members.append(("timeout-minutes", timeoutMinutes?.json ?? .null))
        return .object(members)
    }
}
