import CSpawn
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

/// A running step's process group, as a session sees it: one that can be signalled and asked
/// whether it still runs.
public protocol ProcessGroupHandle: Sendable {
    /// Sends `signal` to the whole group; false when it no longer exists.
    @discardableResult func signalGroup(_ signal: Int32) -> Bool
    /// Whether the group still has live members.
    var groupIsAlive: Bool { get }
}

/// Stops one step's process when asked: SIGTERM to its process group, then SIGKILL after a grace
/// period, as swift-subprocess's teardown does.
public final class ProcessControl: Sendable {
    private let state = Mutex<(process: (any ProcessGroupHandle)?, reason: StopReason?)>((nil, nil))
    /// How long to wait after SIGTERM before SIGKILL.
    public let grace: Duration

    /// Creates a control with a grace period.
    public init(grace: Duration = .milliseconds(7500)) {
        self.grace = grace
    }

    /// Why the process was stopped, if it was.
    public var reason: StopReason? { state.withLock { $0.reason } }

    /// Records the running process; stops it at once if a stop was already asked for.
    public func attach(_ process: any ProcessGroupHandle) {
        let reason = state.withLock { value -> StopReason? in
            value.process = process
            return value.reason
        }
        if reason != nil { terminate(process) }
    }

    /// Forgets the process once it has exited.
    public func detach() { state.withLock { $0.process = nil } }

    /// Stops the process (or the next one attached) for `reason`. The first reason wins.
    public func stop(_ reason: StopReason) {
        let process = state.withLock { value -> (any ProcessGroupHandle)? in
            if value.reason == nil { value.reason = reason }
            return value.process
        }
        if let process { terminate(process) }
    }

    /// Kills the running process's group at once (SIGKILL), without the grace period.
    public func kill() {
        if let process = state.withLock({ $0.process }) { process.signalGroup(SIGKILL) }
    }

    private func terminate(_ process: any ProcessGroupHandle) {
        process.signalGroup(SIGTERM)
        let grace = self.grace
        Task.detached {
            try? await Task.sleep(for: grace)
            if process.groupIsAlive { process.signalGroup(SIGKILL) }
        }
    }
}

extension ChildProcess: ProcessGroupHandle {}

/// Where a job's steps run. A job opens one session, runs each step's process through it, and
/// closes it; a sandboxed session (bubblewrap) keeps this shape, so the engine does not change.
public protocol JobSession: Sendable {
    /// Runs one process, streaming its output (standard output and error, interleaved) to
    /// `output` from another thread. `started` runs once the process has started, on the caller's
    /// task, before the wait for it: work for later that can overlap the process. Returns the exit
    /// code, or 128 + the signal that killed it.
    func run(
        _ spec: ProcessSpec, control: ProcessControl, output: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
        started: () -> Void
    ) async throws(SpawnError) -> Int32
    /// Ends the session: stops every process its steps left behind.
    func close() async
    /// What isolates the job, for its log (`process groups`, `bubblewrap …`, the cgroup's limits).
    var summary: String { get }
    /// Starts, in the background, what the first step would otherwise wait for (a sandbox), so
    /// that it overlaps the job's other preparation. Optional: `run` starts it when needed.
    func prepare()
}

extension JobSession {
    /// Nothing to start ahead.
    public func prepare() {}

    /// Runs one process, with nothing to do while it starts.
    public func run(_ spec: ProcessSpec, control: ProcessControl, output: @escaping @Sendable (UnsafeRawBufferPointer) -> Void)
        async throws(SpawnError) -> Int32
    {
        try await run(spec, control: control, output: output, started: {})
    }
}

/// Runs steps as processes on this host, each in its own session and process group, and in the
/// job's cgroup when there is one.
///
/// Every step gets `RUNNER_TRACKING_ID` in its environment, as GitHub's runner does. When the
/// job ends, whatever its steps left running is stopped: members of the steps' process groups and
/// sessions, of the job's cgroup, and any process that still carries the job's tracking id (one
/// that escaped with `setsid` or a double fork), SIGTERM, then SIGKILL.
public final class HostJobSession: JobSession {
    /// The steps' process groups (and sessions): each leader's pid and start time.
    private let groups = Mutex<[(pid: pid_t, start: UInt64?)]>([])
    /// How long leftover processes get after SIGTERM when the session closes.
    public let closeGrace: Duration
    /// The job's tracking id (`RUNNER_TRACKING_ID`).
    public let trackingID: String
    let cgroup: JobCgroup?

    /// Creates a session.
    public init(
        closeGrace: Duration = .milliseconds(500), trackingID: String = "ci-runner_" + UUID().uuidString.lowercased(),
        cgroup: JobCgroup? = nil
    ) {
        self.closeGrace = closeGrace
        self.trackingID = trackingID
        self.cgroup = cgroup
    }

    /// Starts the job's spawner thread, when the cgroups allow one: it joins them (which may wait
    /// for the kernel's cgroup lock) while the job prepares.
    public func prepare() { cgroup?.startSpawner() }

    /// Process groups, plus the cgroup's summary when there is one.
    public var summary: String {
        "no sandbox: steps run as host processes in their own process groups; "
            + (cgroup?.summary ?? "no writable cgroup, so no pids or memory limit")
    }

    /// Runs one process off the cooperative thread pool.
    public func run(
        _ spec: ProcessSpec, control: ProcessControl, output: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
        started: () -> Void
    ) async throws(SpawnError) -> Int32 {
        var spec = spec
        spec.environment["RUNNER_TRACKING_ID"] = trackingID
        let child: ChildProcess
        if let spawned = try cgroup?.withReadySpawner({ spawner throws(SpawnError) in try ChildProcess.spawn(spec, spawner: spawner) }) {
            // Born in the job's cgroups: started from the spawner's thread, which is in them.
            child = spawned
        } else if let cgroup {
            child = try cgroup.withProcsFiles { files throws(SpawnError) in try ChildProcess.spawn(spec, cgroups: files) }
        } else {
            child = try ChildProcess.spawn(spec)
            // Without a cgroup, `close` finds leftovers through the steps' groups.
            let start = ProcessTable.startTime(of: child.pid)
            groups.withLock { $0.append((child.pid, start)) }
        }
        control.attach(child)
        started()
        let status = await Self.offThePool { child.pump(output) }
        control.detach()
        return status
    }

    /// Runs blocking work (reading a step's output until it exits) right here on a job's own
    /// thread (`JobThread`), else on a thread of its own, off the cooperative pool. (Dispatch's
    /// queues cap how many such waits run at once, which would hold back steps of parallel jobs.)
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        if JobThread.isCurrent { return work() }
        return await onNewThread(work)
    }

    /// Runs blocking work on a new thread, always (for a wait that must not hold up the job's own
    /// thread, such as one raced against a timeout).
    static func onNewThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Stops what the job's steps left running.
    public func close() async {
        // With a cgroup, every process the steps started is in it (leaving it takes privileges a
        // step could use for worse); without one, the steps' groups and sessions and the tracking
        // id find them.
        let leftovers = cgroup?.processes ?? leftoversWithoutCgroup()
        if !leftovers.isEmpty {
            for pid in leftovers { kill(pid, SIGTERM) }
            try? await Task.sleep(for: closeGrace)
            for pid in leftovers where kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
        await cgroup?.remove()
    }

    /// The live processes in the steps' process groups or sessions, or carrying the tracking id.
    private func leftoversWithoutCgroup() -> Set<pid_t> {
        // A group's id stays ours while any member lives (the kernel does not reuse it), unless
        // the leader is gone and a new process took its pid: then the pid names someone else's.
        let sessions = Set(
            groups.withLock { $0 }.filter { group in
                guard let now = ProcessTable.startTime(of: group.pid) else { return true }
                return now == group.start
            }.map(\.pid))
        let ownPID = getpid()
        var leftovers = Set<pid_t>()
        for process in ProcessTable.processes() where process.state != "Z" && process.pid != ownPID {
            if sessions.contains(process.group) || sessions.contains(process.session)
                || ProcessTable.environment(of: process.pid, contains: "RUNNER_TRACKING_ID=" + trackingID)
            {
                leftovers.insert(process.pid)
            }
        }
        return leftovers
    }
}
