import CIBasics
import CIYAML
import OrderedCollections

extension Loader {
    static let runnerJobKeys = [
        "name", "needs", "if", "runs-on", "environment", "outputs", "env", "defaults", "timeout-minutes",
        "cancel-timeout-minutes", "continue-on-error", "strategy", "container", "services", "permissions", "concurrency",
        "steps", "snapshot",
    ]
    static let callJobKeys = ["name", "uses", "with", "secrets", "needs", "if", "permissions", "concurrency", "strategy"]

    mutating func loadJobs(_ node: Node) -> OrderedDictionary<String, Job> {
        guard let pairs = mapping(node, "'jobs'") else { return [:] }
        if pairs.isEmpty {
            error(.empty, "'jobs' must hold at least one job", at: node.mark)
            return [:]
        }
        var seen: [String: Mark] = [:]
        var jobs: OrderedDictionary<String, Job> = [:]
        for pair in pairs {
            if let previous = seen[pair.key.lowercased()] {
                error(
                    .duplicateKey,
                    "job id '\(pair.key)' repeats the job at line \(previous.line), column \(previous.column); job ids are case-insensitive",
                    at: pair.keyMark)
                continue
            }
            seen[pair.key.lowercased()] = pair.keyMark
            checkIdentifier(pair.key, kind: "job", at: pair.keyMark)
            if let job = loadJob(pair) { jobs[pair.key] = job }
        }
        return jobs
    }

    private mutating func loadJob(_ pair: Pair) -> Job? {
        let id = pair.key
        let what = "job '\(id)'"
        var job = Job(id: id, location: location(pair.keyMark))
        if pair.value.isNull {
            error(.missingKey, "\(what) is empty; a job needs 'runs-on' and 'steps', or 'uses'", at: pair.keyMark)
            return nil
        }
        guard let pairs = mapping(pair.value, what) else { return nil }
        let isCall = pairs.contains { $0.key == "uses" }
        var byKey = KeyedPairs()
        for entry in pairs {
            if isCall {
                if Self.callJobKeys.contains(entry.key) {
                    byKey.add(entry)
                } else if Self.runnerJobKeys.contains(entry.key) {
                    error(
                        .unknownKey,
                        "'\(entry.key)' is not allowed in \(what), which calls a reusable workflow with 'uses'; such a job may only have name, uses, with, secrets, needs, if, permissions, concurrency and strategy",
                        at: entry.keyMark)
                } else {
                    unknownKey(entry, allowed: Self.callJobKeys, in: what)
                }
            } else {
                if Self.runnerJobKeys.contains(entry.key) {
                    byKey.add(entry)
                } else if entry.key == "with" || entry.key == "secrets" {
                    error(
                        .unknownKey,
                        "'\(entry.key)' is only for a job that calls a reusable workflow with 'uses', and \(what) has no 'uses'",
                        at: entry.keyMark)
                } else {
                    unknownKey(entry, allowed: Self.runnerJobKeys, in: what)
                }
            }
        }
        let key = "jobs.\(id)"
        if let node = byKey["name"]?.value { job.name = string(node, "'name' of \(what)", scope: Scope.jobLevel, key: key + ".name") }
        if let node = byKey["needs"]?.value {
            let needs = strings(node, "'needs' of \(what)") ?? []
            if needs.isEmpty && node.sequence != nil { warning(.empty, "'needs' of \(what) is empty; remove it", at: node.mark) }
            var seenNeeds: [String: SourceLocation] = [:]
            for need in needs {
                if seenNeeds[need.value.lowercased()] != nil {
                    diagnostics.append(
                        .error(
                            .duplicateKey, "'\(need.value)' appears twice in 'needs' of \(what); job ids are case-insensitive",
                            at: need.location))
                    continue
                }
                seenNeeds[need.value.lowercased()] = need.location
                job.needs.append(need)
            }
        }
        if let node = byKey["if"]?.value { job.condition = condition(node, what: "'if' of \(what)", scope: Scope.jobIf, key: key + ".if") }
        if let node = byKey["permissions"]?.value { job.permissions = loadPermissions(node, "'permissions' of \(what)") }
        if let pair = byKey["concurrency"] {
            job.concurrency = loadConcurrency(pair, what, scope: Scope.jobLevel, key: key + ".concurrency")
        }
        if let node = byKey["strategy"]?.value { job.strategy = loadStrategy(node, job: id) }
        if isCall {
            loadCallJob(&job, byKey: byKey, what: what, key: key)
            return job
        }
        if let node = byKey["runs-on"]?.value {
            job.runsOn = loadRunsOn(node, what: what, key: key + ".runs-on")
        } else {
            error(
                .missingKey, "\(what) is missing 'runs-on', the labels of the runner to use (for example 'ubuntu-latest')", at: pair.keyMark
            )
        }
        if let pair = byKey["environment"] { job.environment = loadEnvironment(pair, what: what, key: key) }
        if let node = byKey["outputs"]?.value {
            if case .value(let outputs)? = stringMap(
                node, "'outputs' of \(what)", scope: Scope.runner, key: key + ".outputs", caseInsensitive: true)
            {
                job.outputs = outputs
            } else if node.scalar != nil {
                error(.type, "'outputs' of \(what) must be a mapping of names to values", at: node.mark)
            }
        }
        if let node = byKey["env"]?.value {
            job.env = stringMap(node, "'env' of \(what)", scope: Scope.jobEnv, key: key + ".env", caseInsensitive: true) ?? .value([:])
        }
        if let node = byKey["defaults"]?.value { job.defaults = loadDefaults(node, what, scope: Scope.jobDefaults) }
        if let node = byKey["timeout-minutes"]?.value {
            job.timeoutMinutes =
                number(node, "'timeout-minutes' of \(what)", scope: Scope.jobLevel, key: key + ".timeout-minutes", positive: true)
                ?? .value(Job.defaultTimeoutMinutes)
        }
        if let node = byKey["cancel-timeout-minutes"]?.value {
            job.cancelTimeoutMinutes = number(
                node, "'cancel-timeout-minutes' of \(what)", scope: Scope.jobLevel, key: key + ".cancel-timeout-minutes", positive: true)
        }
        if let node = byKey["continue-on-error"]?.value {
            job.continueOnError =
                bool(node, "'continue-on-error' of \(what)", scope: Scope.jobLevel, key: key + ".continue-on-error") ?? .value(false)
        }
        if let pair = byKey["container"], !pair.value.isNull {
            job.container = loadContainer(
                pair.value, keyMark: pair.keyMark, what: "the container of \(what)", key: key + ".container", isService: false)
        }
        if let node = byKey["services"]?.value { job.services = loadServices(node, what: what, key: key + ".services") }
        if let pair = byKey["snapshot"] { job.snapshot = loadSnapshot(pair, what: what, key: key) }
        if let node = byKey["steps"]?.value, !node.isNull {
            job.steps = loadSteps(node, job: id)
        } else {
            error(.missingKey, "\(what) is missing 'steps', the commands it runs", at: pair.keyMark)
        }
        return job
    }

    /// An `if:` condition: a bare expression or a `${{ }}` template; booleans and numbers become text.
    mutating func condition(_ node: Node, what: @autoclosure () -> String, scope: ContextSet, key: @autoclosure () -> String)
        -> Located<String>?
    {
        guard let text = string(node, what(), nullIsEmpty: true) else { return nil }
        site(text, node: node, scope: scope, key: key(), isCondition: true)
        return Located(text, at: location(node.mark))
    }

    private mutating func loadCallJob(_ job: inout Job, byKey: KeyedPairs, what: String, key: String) {
        if let node = byKey["uses"]?.value, let uses = string(node, "'uses' of \(what)", nonEmpty: true) {
            job.uses = uses
            checkWorkflowReference(uses, at: node)
        }
        if let node = byKey["with"]?.value {
            if let expression = wholeExpression(node, scope: Scope.jobLevel, key: key + ".with") {
                job.with = .expression(expression)
            } else if let pairs = mapping(node, "'with' of \(what)") {
                checkCaseInsensitiveDuplicates(pairs, in: "'with' of \(what)")
                var inputs: OrderedDictionary<String, JSONValue> = [:]
                for pair in pairs {
                    guard pair.value.scalar != nil else {
                        error(
                            .type,
                            "input '\(pair.key)' in 'with' of \(what) must be a string, number or boolean, but it is \(describe(pair.value))",
                            at: pair.value.mark)
                        continue
                    }
                    if case .string(let text)? = pair.value.resolved {
                        site(text, node: pair.value, scope: Scope.jobLevel, key: "\(key).with.\(pair.key)")
                    }
                    inputs[pair.key] = pair.value.jsonValue
                }
                job.with = .value(inputs)
            }
        }
        if let node = byKey["secrets"]?.value {
            if case .string("inherit")? = node.resolved {
                job.secrets = .inherit
            } else if let expression = wholeExpression(node, scope: Scope.jobEnv, key: key + ".secrets") {
                job.secrets = .expression(expression)
            } else if node.mapping != nil {
                if case .value(let map)? = stringMap(
                    node, "'secrets' of \(what)", scope: Scope.jobEnv, key: key + ".secrets", caseInsensitive: true)
                {
                    job.secrets = .map(map)
                }
            } else {
                error(
                    .type, "'secrets' of \(what) must be 'inherit' or a mapping of secret names to values, but it is \(describe(node))",
                    at: node.mark)
            }
        }
    }

    /// Checks the form of a reusable workflow reference: `./.github/workflows/x.yml` or `owner/repo/.github/workflows/x.yml@ref`.
    private mutating func checkWorkflowReference(_ uses: String, at node: Node) {
        if uses.containsExpression {
            warning(.usesFormat, "GitHub does not evaluate expressions in 'uses'; name the workflow file literally", at: node.mark)
            return
        }
        let isYAML = uses.split(separator: "@").first.map { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") } ?? false
        if uses.hasPrefix("./") {
            if !isYAML || uses.contains("@") {
                warning(
                    .usesFormat,
                    "a local reusable workflow is written './.github/workflows/<file>.yml', without '@ref', but this is '\(uses)'",
                    at: node.mark)
            }
            return
        }
        let parts = uses.split(separator: "@", maxSplits: 1)
        if parts.count != 2 || !isYAML || parts[0].split(separator: "/").count < 3 || parts[1].isEmpty {
            warning(
                .usesFormat,
                "a reusable workflow is written '{owner}/{repo}/.github/workflows/{file}.yml@{ref}' or './.github/workflows/{file}.yml', but this is '\(uses)'",
                at: node.mark)
        }
    }

    private mutating func loadRunsOn(_ node: Node, what: String, key: String) -> RunsOn? {
        let runsOnWhat = "'runs-on' of \(what)"
        switch node.value {
        case .scalar:
            guard let label = string(node, runsOnWhat, scope: Scope.jobLevel, key: key, nonEmpty: true) else { return nil }
            return RunsOn(labels: [label])
        case .sequence:
            guard let labels = strings(node, runsOnWhat, scope: Scope.jobLevel, key: key) else { return nil }
            if labels.isEmpty {
                error(.empty, "\(runsOnWhat) must list at least one runner label", at: node.mark)
                return nil
            }
            return RunsOn(labels: labels.map(\.value))
        case .mapping(let pairs):
            let byKey = keys(pairs, allowed: ["group", "labels"], in: runsOnWhat)
            var runsOn = RunsOn(labels: [])
            if let group = byKey["group"]?.value {
                runsOn.group = string(group, "'group' in \(runsOnWhat)", scope: Scope.jobLevel, key: key + ".group", nonEmpty: true)
            }
            if let labelsNode = byKey["labels"]?.value,
                let labels = strings(labelsNode, "'labels' in \(runsOnWhat)", scope: Scope.jobLevel, key: key + ".labels")
            {
                if labels.isEmpty { error(.empty, "'labels' in \(runsOnWhat) must list at least one label", at: labelsNode.mark) }
                runsOn.labels = labels.map(\.value)
            }
            if runsOn.group == nil && runsOn.labels.isEmpty && byKey["labels"] == nil {
                error(.missingKey, "\(runsOnWhat) needs 'group', 'labels' or both", at: node.mark)
            }
            return runsOn
        }
    }

    private mutating func loadEnvironment(_ pair: Pair, what: String, key: String) -> JobEnvironment? {
        let node = pair.value
        let environmentWhat = "'environment' of \(what)"
        if node.scalar != nil {
            guard let name = string(node, environmentWhat, scope: Scope.jobLevel, key: key + ".environment", nonEmpty: true) else {
                return nil
            }
            return JobEnvironment(name: name)
        }
        guard let pairs = mapping(node, environmentWhat) else { return nil }
        let byKey = keys(pairs, allowed: ["name", "url", "deployment"], in: environmentWhat)
        guard let nameNode = byKey["name"]?.value else {
            error(.missingKey, "\(environmentWhat) is missing 'name'", at: pair.keyMark)
            return nil
        }
        guard
            let name = string(
                nameNode, "'name' in \(environmentWhat)", scope: Scope.jobLevel, key: key + ".environment.name", nonEmpty: true)
        else {
            return nil
        }
        var environment = JobEnvironment(name: name)
        if let url = byKey["url"]?.value {
            environment.url = string(url, "'url' in \(environmentWhat)", scope: Scope.environmentURL, key: key + ".environment.url")
        }
        if let deployment = byKey["deployment"]?.value {
            environment.deployment = bool(
                deployment, "'deployment' in \(environmentWhat)", scope: Scope.jobLevel, key: key + ".environment.deployment")
        }
        return environment
    }

    private mutating func loadContainer(_ node: Node, keyMark: Mark, what: String, key: String, isService: Bool) -> Setting<Container>? {
        if node.scalar != nil {
            if case .string(let text)? = node.resolved, text.isSingleExpression, !isService {
                site(text, node: node, scope: Scope.jobLevel, key: key)
                return .expression(text)
            }
            guard let image = string(node, what, scope: Scope.jobLevel, key: key, nonEmpty: true) else { return nil }
            return .value(Container(image: image))
        }
        guard let pairs = mapping(node, what) else { return nil }
        var allowed = ["image", "credentials", "env", "ports", "volumes", "options"]
        if isService { allowed += ["entrypoint", "command"] }
        let byKey = keys(pairs, allowed: allowed, in: what)
        var container = Container(image: "")
        if let imageNode = byKey["image"]?.value {
            container.image = string(imageNode, "'image' of \(what)", scope: Scope.jobLevel, key: key + ".image", nonEmpty: true) ?? ""
        } else {
            error(.missingKey, "\(what) is missing 'image'", at: keyMark)
        }
        if let credentials = byKey["credentials"] {
            container.credentials = loadCredentials(credentials, what: "'credentials' of \(what)", key: key + ".credentials")
        }
        if let env = byKey["env"]?.value {
            if case .value(let map)? = stringMap(env, "'env' of \(what)", scope: Scope.runner, key: key + ".env", caseInsensitive: true) {
                container.env = map
            }
        }
        if let ports = byKey["ports"]?.value {
            container.ports =
                strings(ports, "'ports' of \(what)", scope: Scope.jobLevel, key: key + ".ports", acceptsSingle: false)?.map(\.value) ?? []
        }
        if let volumes = byKey["volumes"]?.value {
            container.volumes =
                strings(volumes, "'volumes' of \(what)", scope: Scope.jobLevel, key: key + ".volumes", acceptsSingle: false)?.map(\.value)
                ?? []
        }
        if let options = byKey["options"]?.value {
            container.options = string(options, "'options' of \(what)", scope: Scope.jobLevel, key: key + ".options")
        }
        if let entrypoint = byKey["entrypoint"]?.value {
            container.entrypoint = string(entrypoint, "'entrypoint' of \(what)", scope: Scope.jobLevel, key: key + ".entrypoint")
        }
        if let command = byKey["command"]?.value {
            container.command = string(command, "'command' of \(what)", scope: Scope.jobLevel, key: key + ".command")
        }
        return .value(container)
    }

    private mutating func loadCredentials(_ pair: Pair, what: String, key: String) -> Credentials? {
        let node = pair.value
        if let text = wholeExpression(node, scope: Scope.credentials, key: key) {
            _ = text
            return nil
        }
        guard let pairs = mapping(node, what) else { return nil }
        let byKey = keys(pairs, allowed: ["username", "password"], in: what)
        let username = byKey["username"].flatMap {
            string($0.value, "'username' of \(what)", scope: Scope.credentials, key: key + ".username", nonEmpty: true)
        }
        let password = byKey["password"].flatMap {
            string($0.value, "'password' of \(what)", scope: Scope.credentials, key: key + ".password", nonEmpty: true)
        }
        guard let username, let password else {
            if byKey["username"] == nil || byKey["password"] == nil {
                error(.missingKey, "\(what) needs both 'username' and 'password'", at: pair.keyMark)
            }
            return nil
        }
        return Credentials(username: username, password: password)
    }

    private mutating func loadServices(_ node: Node, what: String, key: String) -> Setting<OrderedDictionary<String, Container>> {
        if let expression = wholeExpression(node, scope: Scope.jobLevel, key: key) { return .expression(expression) }
        guard let pairs = mapping(node, "'services' of \(what)") else { return .value([:]) }
        checkCaseInsensitiveDuplicates(pairs, in: "'services' of \(what)")
        var services: OrderedDictionary<String, Container> = [:]
        for pair in pairs {
            let serviceWhat = "service '\(pair.key)' of \(what)"
            if case .value(let container)? = loadContainer(
                pair.value, keyMark: pair.keyMark, what: serviceWhat, key: "\(key).\(pair.key)", isService: true)
            {
                services[pair.key] = container
            }
        }
        return .value(services)
    }

    private mutating func loadSnapshot(_ pair: Pair, what: String, key: String) -> Snapshot? {
        let node = pair.value
        let snapshotWhat = "'snapshot' of \(what)"
        if node.scalar != nil {
            guard let name = string(node, snapshotWhat, nonEmpty: true) else { return nil }
            return Snapshot(imageName: name)
        }
        guard let pairs = mapping(node, snapshotWhat) else { return nil }
        let byKey = keys(pairs, allowed: ["image-name", "if", "version"], in: snapshotWhat)
        guard let nameNode = byKey["image-name"]?.value, let name = string(nameNode, "'image-name' of \(snapshotWhat)", nonEmpty: true)
        else {
            if byKey["image-name"] == nil { error(.missingKey, "\(snapshotWhat) is missing 'image-name'", at: pair.keyMark) }
            return nil
        }
        var snapshot = Snapshot(imageName: name)
        if let condition = byKey["if"]?.value {
            snapshot.condition =
                self.condition(condition, what: "'if' of \(snapshotWhat)", scope: Scope.snapshotIf, key: key + ".snapshot.if")?.value
        }
        if let version = byKey["version"]?.value { snapshot.version = string(version, "'version' of \(snapshotWhat)", nonEmpty: true) }
        return snapshot
    }
}
