import CIBasics
import CIYAML
import OrderedCollections

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a workflow is loaded.
public struct LoadOptions: Sendable {
    /// Bounds on the YAML input.
    public var limits: YAMLLimits
    /// Checks `${{ }}` expressions as they load (GitHub's syntax and context availability by
    /// default); nil skips expression checks.
    public var expressionChecker: (any ExpressionChecker)?
    /// Whether to add lint warnings (YAML 1.1 look-alikes, `${ x }` in scripts, …).
    public var lint: Bool

    /// Creates options.
    public init(
        limits: YAMLLimits = .default, expressionChecker: (any ExpressionChecker)? = WorkflowExpressionChecker(), lint: Bool = true
    ) {
        self.limits = limits
        self.expressionChecker = expressionChecker
        self.lint = lint
    }
}

/// The outcome of loading a workflow file.
public struct LoadResult: Sendable {
    /// The workflow, when the file is YAML with a mapping at its root. Check `isValid` before running it.
    public var workflow: Workflow?
    /// Every error and warning, sorted by position.
    public var diagnostics: [Diagnostic]
    /// The file's text, for rendering diagnostics.
    public var source: SourceText
    /// The parsed YAML, when it parsed.
    public var document: YAMLDocument?

    /// Whether the workflow loaded without errors (warnings allowed).
    public var isValid: Bool { workflow != nil && !diagnostics.containsErrors }
}

/// Loads workflow files: YAML, then GitHub's workflow syntax, then the job graph and matrices.
///
/// There is one path: every command that reads a workflow comes through `load`.
public enum WorkflowLoader {
    /// The keys a workflow's root mapping may have.
    public static let rootKeys = ["name", "description", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"]

    /// Loads a workflow from its bytes. `path` is used in diagnostics.
    public static func load(_ bytes: [UInt8], path: String, options: LoadOptions = LoadOptions()) -> LoadResult {
        let source = SourceText(path: path, bytes: bytes)
        let document: YAMLDocument
        do {
            document = try YAML.parse(bytes, limits: options.limits)
        } catch {
            return LoadResult(workflow: nil, diagnostics: [error.diagnostic(path: path)], source: source, document: nil)
        }
        var loader = Loader(source: source, checker: options.expressionChecker)
        loader.diagnostics += document.warnings.map { $0.diagnostic(path: path) }
        loader.diagnostics += document.errors.map { $0.diagnostic(path: path) }
        // A merge key is a plain `<<`, so a file without those two bytes has none to report.
        if let root = document.root, Self.containsLessLess(bytes) { loader.reportMergeKeys(root) }
        let workflow = loader.loadWorkflow(document.root)
        if let workflow, let root = document.root {
            loader.checkJobGraph(workflow)
            if options.lint { loader.lint(root: root, workflow: workflow, source: source) }
        }
        return LoadResult(workflow: workflow, diagnostics: loader.diagnostics.sortedUnique(), source: source, document: document)
    }

    /// Whether `bytes` hold `<<` somewhere.
    static func containsLessLess(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            var start = 0
            while start < buffer.count, let found = memchr(base + start, 0x3C, buffer.count - start) {
                let index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                if index + 1 < buffer.count && buffer[index + 1] == 0x3C { return true }
                start = index + 1
            }
            return false
        }
    }

    /// Loads a workflow from a string.
    public static func load(_ text: String, path: String, options: LoadOptions = LoadOptions()) -> LoadResult {
        load(Array(text.utf8), path: path, options: options)
    }
}

extension Loader {
    mutating func loadWorkflow(_ root: Node?) -> Workflow? {
        guard let root else {
            error(.empty, "the workflow file is empty; a workflow needs 'on' and 'jobs'", at: Mark(line: 1, column: 1, offset: 0))
            return nil
        }
        guard let pairs = root.mapping else {
            error(
                .type, "a workflow must be a mapping with keys such as 'on' and 'jobs', but this file holds \(describe(root))",
                at: root.mark)
            return nil
        }
        var workflow = Workflow(path: path)
        let byKey = keys(pairs, allowed: WorkflowLoader.rootKeys, in: "the workflow")
        if let node = byKey["name"]?.value { workflow.name = string(node, "'name' of the workflow") }
        if let node = byKey["description"]?.value { _ = string(node, "'description' of the workflow") }
        if let node = byKey["run-name"]?.value {
            workflow.runName = string(node, "'run-name'", scope: Scope.workflowLevel, key: "run-name")
        }
        if let pair = byKey["on"] {
            workflow.triggers = loadTriggers(pair.value)
        } else {
            error(.missingKey, "the workflow is missing 'on', the events that trigger it (for example 'on: push')", at: root.mark)
        }
        if let node = byKey["permissions"]?.value { workflow.permissions = loadPermissions(node, "'permissions' of the workflow") }
        if let node = byKey["env"]?.value {
            workflow.env =
                stringMap(node, "'env' of the workflow", scope: Scope.workflowEnv, key: "env", caseInsensitive: true) ?? .value([:])
        }
        if let node = byKey["defaults"]?.value { workflow.defaults = loadDefaults(node, "the workflow", scope: []) }
        if let pair = byKey["concurrency"] {
            workflow.concurrency = loadConcurrency(pair, "the workflow", scope: Scope.workflowLevel, key: "concurrency")
        }
        if let pair = byKey["jobs"] {
            workflow.jobs = loadJobs(pair.value)
        } else {
            error(.missingKey, "the workflow is missing 'jobs', the jobs it runs", at: root.mark)
        }
        return workflow
    }

    mutating func loadPermissions(_ node: Node, _ what: String) -> Permissions? {
        if case .string(let text)? = node.resolved {
            switch text {
            case "read-all": return .readAll
            case "write-all": return .writeAll
            default:
                error(.type, "\(what) must be 'read-all', 'write-all' or a mapping of scopes to levels, but it is '\(text)'", at: node.mark)
                return nil
            }
        }
        if node.isNull {
            error(.empty, "\(what) must not be empty; write '{}' to grant no permissions", at: node.mark)
            return nil
        }
        guard let pairs = mapping(node, what) else { return nil }
        let scopes: [String: [String]] = [
            "actions": ["read", "write", "none"], "artifact-metadata": ["read", "write", "none"],
            "attestations": ["read", "write", "none"], "checks": ["read", "write", "none"], "contents": ["read", "write", "none"],
            "copilot-requests": ["write", "none"], "deployments": ["read", "write", "none"], "discussions": ["read", "write", "none"],
            "id-token": ["write", "none"], "issues": ["read", "write", "none"], "models": ["read", "none"],
            "packages": ["read", "write", "none"], "pages": ["read", "write", "none"], "pull-requests": ["read", "write", "none"],
            "repository-projects": ["read", "write", "none"], "security-events": ["read", "write", "none"],
            "statuses": ["read", "write", "none"], "vulnerability-alerts": ["read", "none"],
        ]
        var result: OrderedDictionary<String, String> = [:]
        for pair in pairs {
            guard let levels = scopes[pair.key] else {
                unknownKey(pair, allowed: scopes.keys.sorted(), in: what)
                continue
            }
            guard let level = string(pair.value, "permission '\(pair.key)'", nonEmpty: true) else { continue }
            if !levels.contains(level) {
                error(
                    .type, "permission '\(pair.key)' must be \(levels.map { "'\($0)'" }.joined(separator: ", ")), but it is '\(level)'",
                    at: pair.value.mark)
                continue
            }
            result[pair.key] = level
        }
        return .scopes(result)
    }

    mutating func loadDefaults(_ node: Node, _ owner: String, scope: ContextSet) -> RunDefaults? {
        let what = "'defaults' of \(owner)"
        if node.isNull {
            warning(.empty, "\(what) is empty; remove it", at: node.mark)
            return nil
        }
        guard let pairs = mapping(node, what) else { return nil }
        let byKey = keys(pairs, allowed: ["run"], in: what)
        guard let run = byKey["run"]?.value else {
            if byKey.isEmpty && pairs.isEmpty { warning(.empty, "\(what) has no 'run'; remove it", at: node.mark) }
            return nil
        }
        let runWhat = "'defaults.run' of \(owner)"
        if run.isNull { return RunDefaults() }
        guard let runPairs = mapping(run, runWhat) else { return nil }
        let runKeys = keys(runPairs, allowed: ["shell", "working-directory"], in: runWhat)
        var defaults = RunDefaults()
        if let shellNode = runKeys["shell"]?.value,
            let shell = string(shellNode, "'shell' in \(runWhat)", scope: scope, key: "defaults.run.shell", nonEmpty: true)
        {
            checkShell(shell, at: shellNode)
            defaults.shell = shell
        }
        if let directory = runKeys["working-directory"]?.value {
            defaults.workingDirectory = string(
                directory, "'working-directory' in \(runWhat)", scope: scope, key: "defaults.run.working-directory", nonEmpty: true)
        }
        return defaults
    }

    mutating func checkShell(_ shell: String, at node: Node) {
        if !shell.containsExpression && !Shells.isValid(shell.lowercased()) {
            error(
                .unknownShell,
                "unknown shell '\(shell)'; use bash, sh, python, pwsh, powershell, cmd, or a command with '{0}' for the script file, such as 'perl {0}'",
                at: node.mark)
        }
    }

    mutating func loadConcurrency(_ pair: Pair, _ owner: String, scope: ContextSet, key: String) -> Concurrency? {
        let node = pair.value
        let what = "'concurrency' of \(owner)"
        if node.scalar != nil {
            guard let group = string(node, what, scope: scope, key: key, nonEmpty: true) else { return nil }
            return Concurrency(group: group)
        }
        guard let pairs = mapping(node, what) else { return nil }
        let byKey = keys(pairs, allowed: ["group", "cancel-in-progress", "queue"], in: what)
        guard let groupNode = byKey["group"]?.value else {
            error(.missingKey, "\(what) is missing 'group', the name of the concurrency group", at: pair.keyMark)
            return nil
        }
        guard let group = string(groupNode, "'group' in \(what)", scope: scope, key: key + ".group", nonEmpty: true) else { return nil }
        var concurrency = Concurrency(group: group)
        if let cancel = byKey["cancel-in-progress"]?.value {
            concurrency.cancelInProgress =
                bool(cancel, "'cancel-in-progress' in \(what)", scope: scope, key: key + ".cancel-in-progress") ?? .value(false)
        }
        if let queueNode = byKey["queue"]?.value, let queue = string(queueNode, "'queue' in \(what)", nonEmpty: true) {
            if queue == "single" || queue == "max" {
                concurrency.queue = queue
            } else {
                error(.type, "'queue' in \(what) must be 'single' or 'max', but it is '\(queue)'", at: queueNode.mark)
            }
        }
        return concurrency
    }
}
