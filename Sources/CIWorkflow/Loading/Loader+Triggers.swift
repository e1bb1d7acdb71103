import CIBasics
import CIYAML
import OrderedCollections

extension Loader {
    /// `on`: a string, a sequence of event names, or a mapping of events to their settings.
    mutating func loadTriggers(_ node: Node) -> OrderedDictionary<String, Trigger> {
        var triggers: OrderedDictionary<String, Trigger> = [:]
        switch node.value {
        case .scalar:
            guard let name = string(node, "'on'", nonEmpty: true) else { return [:] }
            if let trigger = eventByName(name, node: node) { triggers[name] = trigger }
        case .sequence(let items):
            if items.isEmpty { error(.empty, "'on' must name at least one event", at: node.mark) }
            for item in items {
                guard let name = string(item, "each event in 'on'", nonEmpty: true) else { continue }
                if triggers[name] != nil {
                    error(.duplicateKey, "the event '\(name)' is listed twice in 'on'", at: item.mark)
                    continue
                }
                if let trigger = eventByName(name, node: item) { triggers[name] = trigger }
            }
        case .mapping(let pairs):
            if pairs.isEmpty { error(.empty, "'on' must name at least one event", at: node.mark) }
            for pair in pairs {
                guard let spec = knownEvent(pair.key, at: pair.keyMark) else { continue }
                if let trigger = loadTrigger(spec, pair: pair) { triggers[pair.key] = trigger }
            }
        }
        return triggers
    }

    /// The spec of an event named in `on`, or nil (reported) when GitHub has no such event.
    private mutating func knownEvent(_ name: String, at mark: Mark) -> EventSpec? {
        if let spec = EventCatalog.spec(name) { return spec }
        var message = "unknown event '\(name)' in 'on'"
        if let suggestion = Suggestion.closest(to: name, in: EventCatalog.events.keys) {
            message += "; did you mean '\(suggestion)'?"
        } else {
            message += "; see https://docs.github.com/actions/using-workflows/events-that-trigger-workflows"
        }
        error(.unknownEvent, message, at: mark)
        return nil
    }

    /// An event given by name only (`on: push`, `on: [push, pull_request]`).
    private mutating func eventByName(_ name: String, node: Node) -> Trigger? {
        guard knownEvent(name, at: node.mark) != nil else { return nil }
        if name == "schedule" {
            error(.type, "the 'schedule' event needs its cron times: write 'schedule:' then '- cron: \"…\"' entries", at: node.mark)
            return nil
        }
        return Trigger(event: name, location: location(node.mark))
    }

    private mutating func loadTrigger(_ spec: EventSpec, pair: Pair) -> Trigger? {
        var trigger = Trigger(event: spec.name, location: location(pair.keyMark))
        let node = pair.value
        let what = "the '\(spec.name)' event"
        if spec.name == "schedule" {
            trigger.schedules = loadSchedules(node)
            return trigger
        }
        if node.isNull { return trigger }
        guard let pairs = mapping(node, what) else { return nil }
        // GitHub checks workflow_call strictly but ignores unknown settings of other events.
        let byKey = keys(pairs, allowed: spec.keys, in: what, severity: spec.name == "workflow_call" ? .error : .warning)
        if let types = byKey["types"]?.value { trigger.types = activityTypes(types, spec: spec) }
        func filter(_ key: String) -> [String]? {
            guard let value = byKey[key]?.value else { return nil }
            guard let patterns = strings(value, "'\(key)' of \(what)") else { return nil }
            if patterns.isEmpty { warning(.empty, "'\(key)' of \(what) is empty, so it matches nothing; remove it", at: value.mark) }
            return patterns.map(\.value)
        }
        trigger.branches = filter("branches")
        trigger.branchesIgnore = filter("branches-ignore")
        trigger.tags = filter("tags")
        trigger.tagsIgnore = filter("tags-ignore")
        trigger.paths = filter("paths")
        trigger.pathsIgnore = filter("paths-ignore")
        trigger.workflows = filter("workflows")
        trigger.names = filter("names")
        trigger.versions = filter("versions")
        for (include, exclude) in [("branches", "branches-ignore"), ("tags", "tags-ignore"), ("paths", "paths-ignore")] {
            if byKey[include] != nil, let ignore = byKey[exclude] {
                error(
                    .type,
                    "\(what) has both '\(include)' and '\(exclude)'; use one of them (a '!' pattern in '\(include)' excludes)",
                    at: ignore.keyMark)
            }
        }
        if let inputs = byKey["inputs"]?.value {
            trigger.inputs = loadInputs(inputs, event: spec.name)
        }
        if let outputs = byKey["outputs"]?.value { trigger.outputs = loadCallOutputs(outputs) }
        if let secrets = byKey["secrets"]?.value { trigger.secrets = loadCallSecrets(secrets) }
        return trigger
    }

    private mutating func activityTypes(_ node: Node, spec: EventSpec) -> [String]? {
        let what = "'types' of the '\(spec.name)' event"
        guard let types = strings(node, what) else { return nil }
        if types.isEmpty { warning(.empty, "\(what) is empty, so the event never triggers; remove it", at: node.mark) }
        if let allowed = spec.activityTypes, !allowed.isEmpty {
            for type in types where !allowed.contains(type.value) {
                var message = "'\(type.value)' is not an activity type of '\(spec.name)'"
                if let suggestion = Suggestion.closest(to: type.value, in: allowed) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; use one of: " + allowed.joined(separator: ", ")
                }
                diagnostics.append(.warning(.activityType, message + "; GitHub never triggers on it", at: type.location))
            }
        }
        return types.map(\.value)
    }

    private mutating func loadSchedules(_ node: Node) -> [Schedule] {
        let what = "'schedule'"
        guard let items = node.sequence else {
            error(.type, "\(what) must be a sequence of '- cron: \"…\"' entries, but it is \(describe(node))", at: node.mark)
            return []
        }
        if items.isEmpty { warning(.empty, "\(what) has no entries, so the workflow never runs on a schedule; remove it", at: node.mark) }
        var schedules: [Schedule] = []
        for item in items {
            guard let pairs = mapping(item, "each entry of \(what)") else { continue }
            let byKey = keys(pairs, allowed: ["cron", "timezone"], in: "a schedule entry")
            guard let cronNode = byKey["cron"]?.value else {
                error(.missingKey, "a schedule entry is missing 'cron'", at: item.mark)
                continue
            }
            guard let text = string(cronNode, "'cron'", nonEmpty: true) else { continue }
            var timezone: String?
            if let zone = byKey["timezone"]?.value { timezone = string(zone, "'timezone'", nonEmpty: true) }
            switch CronSchedule.parse(text) {
            case .success(let cron):
                if let warning = cron.frequencyWarning { self.warning(.cron, warning, at: cronNode.mark) }
                schedules.append(Schedule(cron: cron, timezone: timezone))
            case .failure(let problem):
                error(.cron, "invalid cron expression '\(text)': \(problem.message)", at: cronNode.mark)
            }
        }
        return schedules
    }

    private mutating func loadInputs(_ node: Node, event: String) -> OrderedDictionary<String, InputDefinition> {
        let what = "the inputs of '\(event)'"
        if node.isNull { return [:] }
        guard let pairs = mapping(node, what) else { return [:] }
        checkCaseInsensitiveDuplicates(pairs, in: what)
        let isCall = event == "workflow_call"
        let allowed = isCall ? ["description", "type", "required", "default"] : ["description", "type", "required", "default", "options"]
        var inputs: OrderedDictionary<String, InputDefinition> = [:]
        for pair in pairs {
            checkIdentifier(pair.key, kind: "input", at: pair.keyMark)
            let inputWhat = "input '\(pair.key)' of '\(event)'"
            var input = InputDefinition()
            if pair.value.isNull {
                if isCall { error(.missingKey, "\(inputWhat) is missing 'type' (boolean, number or string)", at: pair.keyMark) }
                inputs[pair.key] = input
                continue
            }
            guard let fields = mapping(pair.value, inputWhat) else { continue }
            let byKey = keys(fields, allowed: allowed, in: inputWhat)
            if let description = byKey["description"]?.value { input.description = string(description, "'description' of \(inputWhat)") }
            if let required = byKey["required"]?.value, let value = bool(required, "'required' of \(inputWhat)") {
                input.required = value.literal ?? false
            }
            if let typeNode = byKey["type"]?.value, let typeName = string(typeNode, "'type' of \(inputWhat)", nonEmpty: true) {
                let allowedTypes: [InputType] = isCall ? [.boolean, .number, .string] : InputType.allCases
                if let type = InputType(rawValue: typeName), allowedTypes.contains(type) {
                    input.type = type
                } else {
                    let message =
                        "'type' of \(inputWhat) must be one of \(allowedTypes.map { "'\($0.rawValue)'" }.joined(separator: ", ")), but it is '\(typeName)'"
                    if isCall {
                        error(.type, message, at: typeNode.mark)
                    } else {
                        warning(.type, message + "; it is treated as 'string'", at: typeNode.mark)
                    }
                }
            } else if isCall && byKey["type"] == nil {
                error(.missingKey, "\(inputWhat) is missing 'type' (boolean, number or string)", at: pair.keyMark)
            }
            if let optionsNode = byKey["options"]?.value,
                let options = strings(optionsNode, "'options' of \(inputWhat)", acceptsSingle: false, nonEmptyItems: false)
            {
                input.options = options.map(\.value)
                if options.isEmpty {
                    if input.type == .choice {
                        error(.empty, "'options' of \(inputWhat) must list at least one choice", at: optionsNode.mark)
                    } else {
                        warning(.empty, "'options' of \(inputWhat) is empty; remove it", at: optionsNode.mark)
                    }
                }
                if input.type != .choice && !options.isEmpty {
                    warning(.suspicious, "'options' only applies to inputs of type 'choice'", at: optionsNode.mark)
                }
            } else if input.type == .choice && byKey["options"] == nil {
                error(.missingKey, "\(inputWhat) has type 'choice' but no 'options'", at: pair.keyMark)
            }
            if let defaultNode = byKey["default"]?.value {
                input.defaultValue = inputDefault(defaultNode, input: input, what: inputWhat, isCall: isCall)
            }
            inputs[pair.key] = input
        }
        return inputs
    }

    private mutating func inputDefault(_ node: Node, input: InputDefinition, what: String, isCall: Bool) -> JSONValue? {
        let scope: ContextSet = isCall ? Scope.workflowLevel : []
        if case .string(let text)? = node.resolved, !scope.isEmpty, text.containsExpression {
            site(text, node: node, scope: scope, key: "default")
            return .string(text)
        }
        guard node.scalar != nil else {
            error(.type, "'default' of \(what) must be a string, boolean or number, but it is \(describe(node))", at: node.mark)
            return nil
        }
        let value = node.jsonValue
        switch (input.type, value) {
        case (.boolean, .bool), (.number, .int), (.number, .double), (.string, _), (.environment, _), (_, .null): return value
        case (.choice, .string(let text)):
            if !input.options.isEmpty && !input.options.contains(text) {
                error(.type, "'default' of \(what) is '\(text)', which is not one of its options", at: node.mark)
            }
            return value
        case (.choice, _): return .string(node.scalar?.text ?? "")
        case (.boolean, _):
            error(.type, "'default' of \(what) must be true or false, as its type is boolean, but it is \(describe(node))", at: node.mark)
            return nil
        case (.number, _):
            error(.type, "'default' of \(what) must be a number, as its type is number, but it is \(describe(node))", at: node.mark)
            return nil
        }
    }

    private mutating func loadCallOutputs(_ node: Node) -> OrderedDictionary<String, WorkflowCallOutput> {
        let what = "the outputs of 'workflow_call'"
        if node.isNull { return [:] }
        guard let pairs = mapping(node, what) else { return [:] }
        checkCaseInsensitiveDuplicates(pairs, in: what)
        var outputs: OrderedDictionary<String, WorkflowCallOutput> = [:]
        for pair in pairs {
            checkIdentifier(pair.key, kind: "output", at: pair.keyMark)
            let outputWhat = "output '\(pair.key)' of 'workflow_call'"
            if pair.value.isNull {
                error(.missingKey, "\(outputWhat) is missing 'value', usually '${{ jobs.<job>.outputs.<name> }}'", at: pair.keyMark)
                continue
            }
            guard let fields = mapping(pair.value, outputWhat) else { continue }
            let byKey = keys(fields, allowed: ["description", "value"], in: outputWhat)
            var description: String?
            if let node = byKey["description"]?.value { description = string(node, "'description' of \(outputWhat)") }
            guard let valueNode = byKey["value"]?.value else {
                error(.missingKey, "\(outputWhat) is missing 'value', usually '${{ jobs.<job>.outputs.<name> }}'", at: pair.keyMark)
                continue
            }
            guard
                let value = string(
                    valueNode, "'value' of \(outputWhat)", scope: Scope.workflowCallOutput, key: "outputs.\(pair.key).value", nonEmpty: true
                )
            else { continue }
            outputs[pair.key] = WorkflowCallOutput(description: description, value: value)
        }
        return outputs
    }

    private mutating func loadCallSecrets(_ node: Node) -> OrderedDictionary<String, WorkflowCallSecret> {
        let what = "the secrets of 'workflow_call'"
        if node.isNull { return [:] }
        guard let pairs = mapping(node, what) else { return [:] }
        checkCaseInsensitiveDuplicates(pairs, in: what)
        var secrets: OrderedDictionary<String, WorkflowCallSecret> = [:]
        for pair in pairs {
            checkIdentifier(pair.key, kind: "secret", at: pair.keyMark)
            let secretWhat = "secret '\(pair.key)' of 'workflow_call'"
            var secret = WorkflowCallSecret(description: nil, required: false)
            if !pair.value.isNull, let fields = mapping(pair.value, secretWhat) {
                let byKey = keys(fields, allowed: ["description", "required"], in: secretWhat)
                if let node = byKey["description"]?.value { secret.description = string(node, "'description' of \(secretWhat)") }
                if let node = byKey["required"]?.value { secret.required = bool(node, "'required' of \(secretWhat)")?.literal ?? false }
            }
            secrets[pair.key] = secret
        }
        return secrets
    }

    /// Reports a name that is not a GitHub identifier: a letter or `_`, then letters, digits, `-` or `_`.
    mutating func checkIdentifier(_ name: String, kind: String, at mark: Mark) {
        if !Identifier.isValid(name) {
            error(
                .invalidID,
                "'\(name)' is not a valid \(kind) id: it must start with a letter or '_' and contain only letters, digits, '-' and '_'",
                at: mark)
        }
    }
}

/// GitHub's rule for job, step, input and output ids.
public enum Identifier {
    /// Whether `name` starts with a letter or `_` and holds only ASCII letters, digits, `-` and `_`.
    public static func isValid(_ name: String) -> Bool {
        // On the UTF-8 bytes: every non-ASCII character fails, as a byte >= 0x80 does.
        func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) }
        guard let first = name.utf8.first, first == 0x5F || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == 0x5F || $0 == 0x2D || isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }
}
