import OrderedCollections
import Synchronization

/// Carries out the workflow commands of one step as its output is read, and keeps what they set.
final class CommandCollector: Sendable {
    private let key: JobKey
    private let step: Int
    private let bus: EventBus
    private let allowUnsecure: Bool
    private let state = Mutex(Collected())

    struct Collected: Sendable {
        var outputs: OrderedDictionary<String, String> = [:]
        var env: [(String, String)] = []
        var paths: [String] = []
        var state: [(String, String)] = []
        var failed = false
        var warnedSetOutput = false
    }

    init(key: JobKey, step: Int, bus: EventBus, allowUnsecure: Bool) {
        self.key = key
        self.step = step
        self.bus = bus
        self.allowUnsecure = allowUnsecure
    }

    func handle(_ command: WorkflowCommand) {
        switch command.name {
        case "group": bus.emit(.group(key, step: step, title: command.message))
        case "endgroup": bus.emit(.group(key, step: step, title: nil))
        case "debug": bus.emit(.debug(key, step: step, command.message))
        case "error", "warning", "notice":
            bus.emit(
                .annotation(key, step: step, Annotation(level: command.name, message: command.message, properties: command.properties)))
        case "set-output":
            let warn = state.withLock { value -> Bool in
                if let name = command.properties["name"] { value.outputs[name] = command.message }
                defer { value.warnedSetOutput = true }
                return !value.warnedSetOutput
            }
            if warn {
                bus.emit(
                    .annotation(
                        key, step: step,
                        Annotation(
                            level: "warning",
                            message:
                                "The `set-output` command is deprecated and will be disabled soon. Please upgrade to using Environment Files.",
                            properties: [:])))
            }
        case "save-state":
            if let name = command.properties["name"] { state.withLock { $0.state.append((name, command.message)) } }
        case "set-env", "add-path":
            guard allowUnsecure else {
                state.withLock { $0.failed = true }
                bus.emit(
                    .annotation(
                        key, step: step,
                        Annotation(
                            level: "error",
                            message:
                                "Unable to process command '::\(command.name)::' successfully. The `\(command.name)` command is disabled. Please upgrade to using Environment Files or opt into unsecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_COMMANDS` environment variable to `true`.",
                            properties: [:])))
                return
            }
            if command.name == "set-env", let name = command.properties["name"] {
                state.withLock { $0.env.append((name, command.message)) }
            } else if command.name == "add-path" {
                state.withLock { $0.paths.append(command.message) }
            }
        default:
            break
        }
    }

    func result() -> Collected { state.withLock { $0 } }
}
