import CSpawn
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The secrets to hide in a job's output: the run's secrets plus every `::add-mask::` value so far.
public final class MaskRegistry: Sendable {
    private let state: Mutex<SecretMasker>

    /// Creates a registry holding `values`.
    public init(_ values: [String] = []) {
        state = Mutex(SecretMasker(values))
    }

    /// Adds a value to hide from now on.
    public func add(_ value: String) { state.withLock { $0.add(value) } }

    /// The current masker.
    public var masker: SecretMasker { state.withLock { $0 } }

    /// Masks a string.
    public func mask(_ text: String) -> String { masker.mask(text) }
}

/// Turns a step's raw output into masked lines and workflow commands.
///
/// Output is processed in blocks of complete lines: a line that starts with `::` is a workflow
/// command and is handed to `onCommand` (not printed); the other lines are masked and handed to
/// `onOutput` as one block. `::add-mask::` takes effect for the very next line. After
/// `::stop-commands::TOKEN`, commands are printed as text until `::TOKEN::`. Lines that look like
/// commands but name none GitHub knows are printed as text.
///
/// One instance serves one step and is used by one thread at a time (the thread that reads the
/// step's output, then the step's task after the process has ended), hence `@unchecked Sendable`.
public final class StepOutput: @unchecked Sendable {
    private let masks: MaskRegistry
    private var masker: SecretMasker
    private let onOutput: ([UInt8]) -> Void
    private let onCommand: (WorkflowCommand) -> Void
    private var pending: [UInt8] = []
    private var stopToken: String?
    private var output: [UInt8] = []
    /// A masker without secrets, held while the registry adds one.
    private static let noMasks = SecretMasker()
    /// The longest run of bytes without a line break kept before it is passed on as a line.
    private static let maximumLine = 1 << 20

    /// Creates a processor.
    public init(masks: MaskRegistry, onOutput: @escaping ([UInt8]) -> Void, onCommand: @escaping (WorkflowCommand) -> Void) {
        self.masks = masks
        self.masker = masks.masker
        self.onOutput = onOutput
        self.onCommand = onCommand
        output.reserveCapacity(1 << 16)
    }

    /// Takes the next chunk of raw output.
    public func consume(_ chunk: UnsafeRawBufferPointer) {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        // The last line break in the chunk ends the block of complete lines.
        guard let last = ci_memrchr(base, 0x0A, chunk.count) else {
            pending.append(contentsOf: chunk)
            if pending.count >= Self.maximumLine { flushPending() }
            return
        }
        let cut = base.distance(to: last) + 1
        if pending.isEmpty {
            process(UnsafeRawBufferPointer(rebasing: chunk[..<cut]))
        } else {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<cut]))
            flushPending()
        }
        if cut < chunk.count { pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[cut...])) }
    }

    /// Processes what is left (a last line without a line break).
    public func finish() {
        if !pending.isEmpty { flushPending() }
    }

    private func flushPending() {
        let block = pending
        pending.removeAll(keepingCapacity: true)
        block.withUnsafeBytes { process($0) }
    }

    /// Processes a block of whole lines.
    private func process(_ block: UnsafeRawBufferPointer) {
        guard let base = block.baseAddress else { return }
        let hasCommand = block.starts(with: [0x3A, 0x3A]) || Self.containsLineStartingWithColons(block)
        if !hasCommand {
            emit(block)
            return
        }
        var lineStart = 0
        var plainStart = 0
        while lineStart < block.count {
            let rest = block.count - lineStart
            let lineEnd = memchr(base + lineStart, 0x0A, rest).map { base.distance(to: UnsafeRawPointer($0)) + 1 } ?? block.count
            if lineEnd - lineStart >= 2 && block[lineStart] == 0x3A && block[lineStart + 1] == 0x3A {
                let contentEnd = lineEnd > lineStart && block[lineEnd - 1] == 0x0A ? lineEnd - 1 : lineEnd
                let line = String(decoding: UnsafeRawBufferPointer(rebasing: block[lineStart..<contentEnd]), as: UTF8.self)
                if let command = command(in: line) {
                    if plainStart < lineStart { emit(UnsafeRawBufferPointer(rebasing: block[plainStart..<lineStart])) }
                    apply(command)
                    plainStart = lineEnd
                }
            }
            lineStart = lineEnd
        }
        if plainStart < block.count { emit(UnsafeRawBufferPointer(rebasing: block[plainStart...])) }
    }

    /// Whether a line after the first starts with `::`: finds each `:` with memchr (fast, and
    /// output rarely has any) and looks around it.
    static func containsLineStartingWithColons(_ block: UnsafeRawBufferPointer) -> Bool {
        guard let base = block.baseAddress else { return false }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var index = 1
        while index + 1 < block.count {
            guard let found = memchr(base + index, 0x3A, block.count - index) else { return false }
            let position = UnsafeRawPointer(found) - base
            if position + 1 < block.count && bytes[position - 1] == 0x0A && bytes[position + 1] == 0x3A { return true }
            index = position + 1
        }
        return false
    }

    /// The workflow commands GitHub knows.
    static let knownCommands: Set<String> = [
        "add-mask", "stop-commands", "group", "endgroup", "error", "warning", "notice", "debug", "set-output", "save-state",
        "set-env", "add-path", "echo", "add-matcher", "remove-matcher",
    ]

    /// The command on a line, or nil when the line is text (including commands after `stop-commands`).
    private func command(in line: String) -> WorkflowCommand? {
        guard let command = WorkflowCommand.parse(line[...]) else { return nil }
        if let token = stopToken { return command.name == token ? command : nil }
        guard Self.knownCommands.contains(command.name) else { return nil }
        if command.name == "stop-commands" && command.message.isEmpty { return nil }
        return command
    }

    /// Carries out a command.
    private func apply(_ command: WorkflowCommand) {
        if let token = stopToken, command.name == token {
            stopToken = nil
            return
        }
        switch command.name {
        case "add-mask":
            // This copy shares the registry's storage: let it go first, so that the registry
            // adds in place instead of copying every secret (a step may add thousands).
            masker = Self.noMasks
            masks.add(command.message)
            masker = masks.masker
        case "stop-commands":
            stopToken = command.message
        default:
            break
        }
        onCommand(command)
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) {
        output.removeAll(keepingCapacity: true)
        masker.mask(bytes, into: &output)
        if !output.isEmpty { onOutput(output) }
    }
}
