import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Why a step's process was stopped before it exited by itself.
public enum StopReason: String, Sendable, Hashable {
    /// Its `timeout-minutes` ran out.
    case timeout
    /// The run or job was cancelled (Ctrl-C, fail-fast).
    case cancelled
}

/// Stops one step's process when asked: SIGTERM to its process group, then SIGKILL after a grace
/// period, as swift-subprocess's teardown does.
public final class ProcessControl: Sendable {
    private let state = Mutex<(child: ChildProcess?, reason: StopReason?)>((nil, nil))
    /// How long to wait after SIGTERM before SIGKILL.
    public let grace: Duration

    /// Creates a control with a grace period.
    public init(grace: Duration = .milliseconds(7500)) {
        self.grace = grace
    }

    /// Why the process was stopped, if it was.
    public var reason: StopReason? { state.withLock { $0.reason } }

    /// Records the running process; stops it at once if a stop was already asked for.
    func attach(_ child: ChildProcess) {
        let reason = state.withLock { value -> StopReason? in
            value.child = child
            return value.reason
        }
        if reason != nil { terminate(child) }
    }

    /// Forgets the process once it has exited.
    func detach() { state.withLock { $0.child = nil } }

    /// Stops the process (or the next one attached) for `reason`. The first reason wins.
    public func stop(_ reason: StopReason) {
        let child = state.withLock { value -> ChildProcess? in
            if value.reason == nil { value.reason = reason }
            return value.child
        }
        if let child { terminate(child) }
    }

    /// Kills the running process's group at once (SIGKILL), without the grace period.
    public func kill() {
        if let child = state.withLock({ $0.child }) { child.signalGroup(SIGKILL) }
    }

    private func terminate(_ child: ChildProcess) {
        child.signalGroup(SIGTERM)
        let grace = self.grace
        Task.detached {
            try? await Task.sleep(for: grace)
            if child.groupIsAlive { child.signalGroup(SIGKILL) }
        }
    }
}

/// Where a job's steps run. A job opens one session, runs each step's process through it, and
/// closes it; a sandboxed session (bubblewrap) keeps this shape, so the engine does not change.
public protocol JobSession: Sendable {
    /// Runs one process, streaming its output (standard output and error, interleaved) to
    /// `output` from another thread. Returns the exit code, or 128 + the signal that killed it.
    func run(_ spec: ProcessSpec, control: ProcessControl, output: @escaping @Sendable (UnsafeRawBufferPointer) -> Void)
        async throws(SpawnError)
        -> Int32
    /// Ends the session: stops every process its steps left behind.
    func close() async
}

/// Runs steps as processes on this host, each in its own session and process group.
public final class HostJobSession: JobSession {
    private let groups = Mutex<[pid_t]>([])
    /// How long leftover processes get after SIGTERM when the session closes.
    public let closeGrace: Duration

    /// Creates a session.
    public init(closeGrace: Duration = .milliseconds(500)) {
        self.closeGrace = closeGrace
    }

    /// Runs one process off the cooperative thread pool.
    public func run(_ spec: ProcessSpec, control: ProcessControl, output: @escaping @Sendable (UnsafeRawBufferPointer) -> Void)
        async throws(SpawnError) -> Int32
    {
        let child = try ChildProcess.spawn(spec)
        groups.withLock { $0.append(child.pid) }
        control.attach(child)
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let thread = Thread {
                continuation.resume(returning: child.pump(output))
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        control.detach()
        return status
    }

    /// Stops what the job's steps left running: each step's process group and session, SIGTERM
    /// then SIGKILL.
    public func close() async {
        let sessions = groups.withLock { $0 }
        let leftovers = ProcessTable.processes().filter { process in
            process.state != "Z" && (sessions.contains(process.group) || sessions.contains(process.session))
        }
        guard !leftovers.isEmpty else { return }
        for process in leftovers { kill(process.pid, SIGTERM) }
        try? await Task.sleep(for: closeGrace)
        for process in leftovers where kill(process.pid, 0) == 0 { kill(process.pid, SIGKILL) }
    }
}
