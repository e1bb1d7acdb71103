import CIBasics
import CIYAML
import OrderedCollections

/// An action's `action.yml`: its inputs, outputs and how it runs.
public struct ActionMetadata: Sendable {
    /// `name`.
    public var name: String
    /// `description`.
    public var description: String?
    /// `inputs`.
    public var inputs: OrderedDictionary<String, ActionInput>
    /// `outputs`: name to value template (composite) or nil (set by the action).
    public var outputs: OrderedDictionary<String, String?>
    /// `runs`.
    public var runs: ActionRuns

    /// Creates metadata.
    public init(
        name: String, description: String? = nil, inputs: OrderedDictionary<String, ActionInput> = [:],
        outputs: OrderedDictionary<String, String?> = [:], runs: ActionRuns
    ) {
        self.name = name
        self.description = description
        self.inputs = inputs
        self.outputs = outputs
        self.runs = runs
    }
}

/// One input of an action.
public struct ActionInput: Sendable, Hashable {
    /// `description`.
    public var description: String?
    /// `required`.
    public var required: Bool
    /// `default`, a template.
    public var defaultValue: String?
    /// `deprecationMessage`.
    public var deprecationMessage: String?
}

/// How an action runs.
public enum ActionRuns: Sendable {
    /// `using: composite`: steps run in the caller's job.
    case composite([Step])
    /// `using: node…`: JavaScript (not run on this host yet).
    case node(using: String, main: String)
    /// `using: docker`: a container (not run on this host yet).
    case docker(image: String)
}

extension WorkflowLoader {
    /// Loads an action's metadata file (`action.yml`).
    public static func loadAction(_ bytes: [UInt8], path: String, options: LoadOptions = LoadOptions()) -> (
        action: ActionMetadata?, diagnostics: [Diagnostic]
    ) {
        let source = SourceText(path: path, bytes: bytes)
        let document: YAMLDocument
        do {
            document = try YAML.parse(bytes, limits: options.limits)
        } catch {
            return (nil, [error.diagnostic(path: path)])
        }
        var loader = Loader(source: source, checker: options.expressionChecker)
        loader.diagnostics += document.errors.map { $0.diagnostic(path: path) }
        let action = loader.loadAction(document.root)
        return (action, loader.diagnostics.sortedUnique())
    }
}

extension Loader {
    mutating func loadAction(_ root: Node?) -> ActionMetadata? {
        guard let root, let pairs = root.mapping else {
            error(.type, "an action file must be a mapping with 'name' and 'runs'", at: root?.mark ?? Mark(line: 1, column: 1, offset: 0))
            return nil
        }
        let byKey = keys(pairs, allowed: ["name", "description", "author", "inputs", "outputs", "runs", "branding"], in: "the action")
        let name = byKey["name"].flatMap { string($0.value, "'name' of the action") } ?? "action"
        var inputs: OrderedDictionary<String, ActionInput> = [:]
        if let node = byKey["inputs"]?.value, !node.isNull, let inputPairs = mapping(node, "'inputs' of the action") {
            for pair in inputPairs {
                var input = ActionInput(description: nil, required: false, defaultValue: nil, deprecationMessage: nil)
                if !pair.value.isNull, let fields = mapping(pair.value, "input '\(pair.key)'") {
                    let fieldKeys = keys(
                        fields, allowed: ["description", "required", "default", "deprecationMessage"], in: "input '\(pair.key)'")
                    input.description = fieldKeys["description"].flatMap { string($0.value, "'description'") }
                    if let required = fieldKeys["required"]?.value {
                        // Action metadata accepts booleans and the strings 'true'/'false'.
                        input.required = required.resolved == .bool(true) || required.resolved == .string("true")
                    }
                    input.defaultValue = fieldKeys["default"].flatMap {
                        string(
                            $0.value, "'default' of input '\(pair.key)'", scope: Scope.step.subtracting(.secrets),
                            key: "inputs.\(pair.key).default", nullIsEmpty: true)
                    }
                    input.deprecationMessage = fieldKeys["deprecationMessage"].flatMap { string($0.value, "'deprecationMessage'") }
                }
                inputs[pair.key] = input
            }
        }
        var outputs: OrderedDictionary<String, String?> = [:]
        if let node = byKey["outputs"]?.value, !node.isNull, let outputPairs = mapping(node, "'outputs' of the action") {
            for pair in outputPairs {
                var value: String?
                if !pair.value.isNull, let fields = mapping(pair.value, "output '\(pair.key)'") {
                    let fieldKeys = keys(fields, allowed: ["description", "value"], in: "output '\(pair.key)'")
                    value = fieldKeys["value"].flatMap {
                        string($0.value, "'value' of output '\(pair.key)'", scope: Scope.step, key: "outputs.\(pair.key).value")
                    }
                }
                outputs[pair.key] = value
            }
        }
        guard let runsPair = byKey["runs"] else {
            error(.missingKey, "the action is missing 'runs'", at: root.mark)
            return nil
        }
        guard let runsPairs = mapping(runsPair.value, "'runs' of the action") else { return nil }
        let runs = keys(
            runsPairs,
            allowed: [
                "using", "steps", "main", "pre", "post", "pre-if", "post-if", "image", "args", "env", "entrypoint", "pre-entrypoint",
                "post-entrypoint",
            ],
            in: "'runs' of the action")
        guard let usingNode = runs["using"]?.value, let using = string(usingNode, "'using'", nonEmpty: true) else {
            if runs["using"] == nil { error(.missingKey, "'runs' of the action is missing 'using'", at: runsPair.keyMark) }
            return nil
        }
        switch using {
        case "composite":
            guard let stepsNode = runs["steps"]?.value else {
                error(.missingKey, "a composite action needs 'steps'", at: runsPair.keyMark)
                return nil
            }
            let steps = loadSteps(stepsNode, job: "the action", composite: true)
            return ActionMetadata(
                name: name, description: byKey["description"].flatMap { string($0.value, "'description'") }, inputs: inputs,
                outputs: outputs, runs: .composite(steps))
        case "docker":
            let image = runs["image"].flatMap { string($0.value, "'image'") } ?? ""
            return ActionMetadata(name: name, inputs: inputs, outputs: outputs, runs: .docker(image: image))
        default:
            guard using.hasPrefix("node") else {
                error(
                    .type, "'using' must be 'composite', 'docker' or a Node.js version such as 'node20', but it is '\(using)'",
                    at: usingNode.mark)
                return nil
            }
            let main = runs["main"].flatMap { string($0.value, "'main'") } ?? ""
            return ActionMetadata(name: name, inputs: inputs, outputs: outputs, runs: .node(using: using, main: main))
        }
    }
}
