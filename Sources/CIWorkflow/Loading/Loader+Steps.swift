import CIBasics
import CIYAML
import OrderedCollections

extension Loader {
    private static let stepKinds = ["run", "uses", "wait", "wait-all", "cancel", "parallel"]
    private static let stepKeys: [String: [String]] = [
        "run": ["name", "id", "if", "timeout-minutes", "run", "continue-on-error", "env", "working-directory", "shell", "background"],
        "uses": ["name", "id", "if", "continue-on-error", "timeout-minutes", "uses", "with", "env", "background"],
        "wait": ["name", "id", "continue-on-error", "wait"],
        "wait-all": ["name", "id", "continue-on-error", "wait-all"],
        "cancel": ["name", "id", "continue-on-error", "cancel"],
        "parallel": ["name", "id", "if", "continue-on-error", "timeout-minutes", "parallel"],
    ]

    mutating func loadSteps(_ node: Node, job: String, composite: Bool = false) -> [Step] {
        let what = composite ? "'steps' of \(job)" : "'steps' of job '\(job)'"
        guard let items = node.sequence else {
            error(.type, "\(what) must be a sequence of steps, but it is \(describe(node))", at: node.mark)
            return []
        }
        if items.isEmpty { error(.empty, "\(composite ? job : "job '\(job)'") must have at least one step", at: node.mark) }
        var ids: [String: Mark] = [:]
        let steps = loadStepList(items, label: "", job: job, ids: &ids)
        if composite {
            for item in items where item["run"] != nil && item["shell"] == nil {
                error(.missingKey, "a 'run' step in a composite action needs 'shell' (for example 'shell: bash')", at: item.mark)
            }
        }
        return steps
    }

    private mutating func loadStepList(_ items: [Node], label: String, job: String, ids: inout [String: Mark]) -> [Step] {
        var steps: [Step] = []
        for (index, item) in items.enumerated() {
            guard let step = loadStep(item, index: index, label: label + String(index + 1), job: job, ids: &ids) else { continue }
            if let id = step.id {
                if let previous = ids[id.lowercased()] {
                    error(
                        .duplicateID,
                        "step id '\(id)' is already used at line \(previous.line), column \(previous.column); step ids must be unique within a job (ignoring case)",
                        at: item["id"]?.mark ?? item.mark)
                } else {
                    ids[id.lowercased()] = item["id"]?.mark ?? item.mark
                }
            }
            steps.append(step)
        }
        return steps
    }

    private mutating func loadStep(_ node: Node, index: Int, label: String, job: String, ids: inout [String: Mark]) -> Step? {
        // The step's name in messages and its key in expression sites, made only when used.
        let names = StepNames(label: label, job: job)
        var what: String { names.what }
        if node.isNull {
            error(.stepKind, "\(what) is empty; a step needs 'run' (a script) or 'uses' (an action)", at: node.mark)
            return nil
        }
        guard let pairs = node.mapping else {
            error(.type, "\(what) must be a mapping with 'run' or 'uses', but it is \(describe(node))", at: node.mark)
            return nil
        }
        let kinds = pairs.filter { Self.stepKinds.contains($0.key) }
        guard let kindPair = kinds.first else {
            error(.stepKind, "\(what) needs 'run' (a script) or 'uses' (an action)", at: node.mark)
            return nil
        }
        if kinds.count > 1 {
            error(
                .stepKind, "\(what) has both '\(kinds[0].key)' and '\(kinds[1].key)'; a step either runs a script or uses an action",
                at: kinds[0].keyMark)
            return nil
        }
        let kind = kindPair.key
        let allowed = Self.stepKeys[kind] ?? []
        var byKey = KeyedPairs()
        for pair in pairs {
            if allowed.contains(pair.key) {
                byKey.add(pair)
            } else if kind == "run" && pair.key == "with" {
                error(
                    .unknownKey, "'with' is not allowed in a 'run' step (\(what)); it passes inputs to an action in a 'uses' step",
                    at: pair.keyMark)
            } else if kind == "uses" && (pair.key == "shell" || pair.key == "working-directory") {
                error(
                    .unknownKey, "'\(pair.key)' is not allowed in a 'uses' step (\(what)); it only applies to 'run' steps", at: pair.keyMark
                )
            } else {
                unknownKey(pair, allowed: allowed, in: what)
            }
        }
        var key: String { names.key }
        let action: StepAction
        switch kind {
        case "run":
            let runNode = kindPair.value
            guard let script = string(runNode, "'run' of \(what)", scope: Scope.step, key: key + ".run", nonEmpty: true) else { return nil }
            var run = RunStep(script: script, scriptLocation: location(runNode.mark))
            if let shellNode = byKey["shell"]?.value,
                let shell = string(shellNode, "'shell' of \(what)", scope: Scope.step, key: key + ".shell", nonEmpty: true)
            {
                checkShell(shell, at: shellNode)
                run.shell = shell
            }
            if let directory = byKey["working-directory"]?.value {
                run.workingDirectory = string(
                    directory, "'working-directory' of \(what)", scope: Scope.step, key: key + ".working-directory", nonEmpty: true)
            }
            action = .run(run)
        case "uses":
            let usesNode = kindPair.value
            guard let reference = string(usesNode, "'uses' of \(what)", nonEmpty: true) else { return nil }
            checkActionReference(reference, at: usesNode)
            var with: Setting<OrderedDictionary<String, String>> = .value([:])
            if let withNode = byKey["with"]?.value {
                with = stringMap(withNode, "'with' of \(what)", scope: Scope.step, key: key + ".with", caseInsensitive: true) ?? .value([:])
                if case .value(let inputs) = with, inputs.isEmpty, withNode.isNull {
                    warning(.empty, "'with' of \(what) is empty; remove it", at: withNode.mark)
                }
            }
            action = .uses(UsesStep(reference: reference, with: with))
        case "wait":
            let ids = strings(kindPair.value, "'wait' of \(what)") ?? []
            action = .wait(ids.map(\.value))
        case "wait-all":
            action = .waitAll
        case "parallel":
            guard let items = kindPair.value.sequence, !items.isEmpty else {
                error(.type, "'parallel' of \(what) must be a sequence of steps", at: kindPair.value.mark)
                return nil
            }
            action = .parallel(loadStepList(items, label: label + ".", job: job, ids: &ids))
        default:
            guard let id = string(kindPair.value, "'cancel' of \(what)", nonEmpty: true) else { return nil }
            action = .cancel(id)
        }
        var step = Step(index: index, location: location(node.mark), action: action)
        if let idNode = byKey["id"]?.value, let id = string(idNode, "'id' of \(what)", nonEmpty: true) {
            checkIdentifier(id, kind: "step", at: idNode.mark)
            step.id = id
        }
        if let name = byKey["name"]?.value { step.name = string(name, "'name' of \(what)", scope: Scope.step, key: key + ".name") }
        if let condition = byKey["if"]?.value {
            step.condition = self.condition(condition, what: "'if' of \(what)", scope: Scope.stepIf, key: key + ".if")
        }
        if let env = byKey["env"]?.value {
            step.env = stringMap(env, "'env' of \(what)", scope: Scope.step, key: key + ".env", caseInsensitive: true) ?? .value([:])
        }
        if let node = byKey["continue-on-error"]?.value {
            step.continueOnError =
                bool(node, "'continue-on-error' of \(what)", scope: Scope.step, key: key + ".continue-on-error") ?? .value(false)
        }
        if let node = byKey["timeout-minutes"]?.value {
            step.timeoutMinutes = number(
                node, "'timeout-minutes' of \(what)", scope: Scope.step, key: key + ".timeout-minutes", positive: true)
        }
        if let node = byKey["background"]?.value {
            step.background = bool(node, "'background' of \(what)", scope: Scope.step, key: key + ".background")
        }
        return step
    }

    /// Checks the form of an action reference: `./path`, `docker://image`, or `owner/repo[/path]@ref`.
    private mutating func checkActionReference(_ uses: String, at node: Node) {
        if uses.containsExpression {
            error(.usesFormat, "'uses' cannot contain expressions; name the action literally, as 'owner/repo@ref'", at: node.mark)
            return
        }
        if uses.hasPrefix("./") || uses.hasPrefix("../") || uses == "." { return }
        if uses.hasPrefix("docker://") {
            if uses.count == "docker://".count { error(.usesFormat, "'docker://' must be followed by an image name", at: node.mark) }
            return
        }
        if let wellFormed = Self.isActionReferenceASCII(uses) {
            if !wellFormed { reportActionReference(uses, at: node) }
            return
        }
        let parts = uses.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts[0].split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty, path.count >= 2, path.allSatisfy({ !$0.isEmpty }) else {
            reportActionReference(uses, at: node)
            return
        }
    }

    /// `{owner}/{repo}[/{path}]@{ref}` checked on the bytes of an ASCII reference (where bytes
    /// are characters); nil when the reference is not ASCII.
    private static func isActionReferenceASCII(_ uses: String) -> Bool? {
        guard uses.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var slashes = 0
        var previous: UInt8 = 0x2F
        for (index, byte) in uses.utf8.enumerated() {
            if byte == 0x40 {
                // The path before '@' has two or more parts, none empty; the ref is not empty.
                return slashes >= 1 && previous != 0x2F && index + 1 < uses.utf8.count
            }
            if byte == 0x2F {
                if previous == 0x2F { return false }
                slashes += 1
            }
            previous = byte
        }
        return false
    }

    private mutating func reportActionReference(_ uses: String, at node: Node) {
        let parts = uses.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts[0].split(separator: "/", omittingEmptySubsequences: false)
        let example = parts.count == 1 && path.count >= 2 ? "'\(uses)@v4'" : "'actions/checkout@v4'"
        error(
            .usesFormat,
            "'\(uses)' is not an action reference; write '{owner}/{repo}[/{path}]@{ref}' (for example \(example)), './{local path}' or 'docker://{image}'",
            at: node.mark)
    }
}

/// How a step is named in messages (`step 2 of job 'build'`) and in expression keys
/// (`jobs.build.steps[2]`).
private struct StepNames {
    var label: String
    var job: String

    var what: String { "step \(label) of job '\(job)'" }
    var key: String { "jobs.\(job).steps[\(label)]" }
}
