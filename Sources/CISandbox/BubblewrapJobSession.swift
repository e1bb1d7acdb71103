import CIBasics
import CSpawn
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a job's steps inside one bubblewrap sandbox: the namespaces are made once, when the
/// first step runs, with `ci-runner sandbox-agent` inside; each step is sent to the agent with
/// its output pipe, so output flows from the step straight to the runner as on the host. Closing
/// the session ends the agent, which ends the sandbox and every process in it.
public final class BubblewrapJobSession: JobSession {
    /// The bwrap executable.
    public let bubblewrap: String
    /// What the sandbox allows.
    public let policy: SandboxPolicy
    /// The agent's command line inside the sandbox (the socket is descriptor 3).
    public let agentCommand: [String]
    /// Where bwrap's own messages go (outside the sandbox).
    public let logFile: String
    /// The job's tracking id (`RUNNER_TRACKING_ID`).
    public let trackingID: String
    /// How long bwrap and the agent may take to start (a few milliseconds as a rule) before the
    /// sandbox is killed and its steps fail.
    public let startLimit: Duration
    let cgroup: JobCgroup?

    private struct Pending {
        var status: Int32?
        var failure: String?
    }

    private struct State {
        var socket: Int32 = -1
        var bwrapPID: pid_t = 0
        var startError: String?
        var nextID = 1
        var pending: [Int: Pending] = [:]
        var ended = false
        var closed = false
        /// Whether the session's thread has been started.
        var launching = false
        /// The environment of the last request sent, which the agent keeps: the next request
        /// sends only what changed.
        var sentEnvironment: [String: String]?
    }
    private let state = Mutex(State())
    /// Signalled once bwrap's start has succeeded or failed (`waitForEvent`).
    private let launched = DispatchSemaphore(value: 0)
    /// Signalled when the session closes: the thread that started bwrap waits for it (bwrap's
    /// `--die-with-parent` follows that thread).
    private let closing = DispatchSemaphore(value: 0)

    /// Creates a session; nothing starts until `prepare` or the first step.
    public init(
        bubblewrap: String, policy: SandboxPolicy, agentCommand: [String], logFile: String,
        trackingID: String = "ci-runner_" + UUID().uuidString.lowercased(), cgroup: JobCgroup? = nil,
        startLimit: Duration = .seconds(60)
    ) {
        self.bubblewrap = bubblewrap
        self.policy = policy
        self.agentCommand = agentCommand
        self.logFile = logFile
        self.trackingID = trackingID
        self.cgroup = cgroup
        self.startLimit = startLimit
    }

    /// The sandbox, for the job's log.
    public var summary: String {
        var parts = ["bubblewrap: PID, IPC and UTS namespaces, read-only root, private /tmp and HOME"]
        parts.append(policy.network ? "network shared" : "no network")
        parts.append(policy.dockerAccess ? "Docker socket reachable" : "no Docker socket")
        return parts.joined(separator: ", ") + "; " + (cgroup?.summary ?? "no writable cgroup, so no pids or memory limit")
    }

    /// Starts bwrap and the agent, and waits for the agent's `ready`.
    ///
    /// bwrap runs with `--die-with-parent`, which the kernel ties to the *thread* that started
    /// it; a thread of the shared pool may be retired at any time, so bwrap is started from the
    /// session's own thread, which then waits for as long as the session lives. The agent's
    /// reports are read by each step as it waits for its own.
    private func start() throws(SpawnError) -> Int32 {
        prepare()
        launched.waitForEvent()
        if let socket = state.withLock({ $0.socket >= 0 ? $0.socket : nil }) { return socket }
        throw SpawnError(executable: bubblewrap, message: state.withLock { $0.startError } ?? "the sandbox did not start")
    }

    /// Starts bwrap and the agent on the session's thread, without waiting for them.
    public func prepare() {
        let first = state.withLock { value in
            defer { value.launching = true }
            return !value.launching
        }
        guard first else { return }
        let thread = Thread { [self] in
            let result = self.launch()
            if case .failure(let error) = result { state.withLock { $0.startError = error.message } }
            launched.signal()
            if case .success = result { self.closing.wait() }
        }
        thread.stackSize = 512 << 10
        thread.start()
    }

    /// Spawns bwrap with the agent and waits for `ready`; returns the runner's end of the socket.
    private func launch() -> Result<Int32, SpawnError> {
        var pair: [Int32] = [-1, -1]
        let pairError = pair.withUnsafeMutableBufferPointer { ci_socketpair($0.baseAddress) }
        guard pairError == 0 else { return .failure(SpawnError(executable: bubblewrap, message: String(cString: strerror(pairError)))) }
        let log = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        defer { if log >= 0 { Glibc.close(log) } }
        let spec = ProcessSpec(
            executable: bubblewrap, arguments: policy.arguments() + ["--"] + agentCommand,
            environment: ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"],
            workingDirectory: "/")
        let pid: pid_t
        do {
            defer { Glibc.close(pair[1]) }  // only the agent keeps its end, so its exit ends the stream
            // Outside the job's cgroup: the agent joins it (below), so that bwrap starts without
            // waiting for the kernel's cgroup lock.
            pid = try ChildProcess.start(spec, output: log >= 0 ? log : 2, pass: pair[1])
        } catch {
            Glibc.close(pair[0])
            return .failure(error)
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        // Until the deadline (a signal does not restart the wait); a limit below zero is zero.
        let deadline = ContinuousClock.now + max(startLimit, .zero)
        var socket = pollfd(fd: pair[0], events: Int16(POLLIN), revents: 0)
        var polled: Int32
        repeat {
            let left = max(deadline - ContinuousClock.now, .zero).components
            let milliseconds = Double(left.seconds) * 1000 + Double(left.attoseconds) / 1e15
            polled = poll(&socket, 1, Int32(min(milliseconds, Double(Int32.max))))
        } while polled < 0 && errno == EINTR
        guard polled > 0, let (ready, _) = AgentMessage.receive(on: pair[0], buffer: &buffer), ready["op"]?.stringValue == "ready"
        else {
            Glibc.close(pair[0])
            // bwrap leads its own session: the group takes the agent with it. (When the agent
            // has ended already, there is no group left to signal.)
            if polled <= 0 { _ = ci_kill_group(pid, SIGKILL) }
            _ = ci_wait(pid)
            let log = logText
            let why = polled == 0 ? "the sandbox did not start within \(startLimit)" : "the sandbox did not start"
            return .failure(SpawnError(executable: bubblewrap, message: why + ": " + (log.isEmpty ? "no message" : log)))
        }
        // The agent joins the cgroup before it reads the first step: its steps are born in it.
        let joinError =
            (try? cgroup?.withProcsFiles { files in
                files.lazy.map { AgentMessage.send(.object([("op", .string("join"))]), on: pair[0], descriptor: $0) }.first { $0 != 0 }
            }) ?? nil
        if let joinError {
            Glibc.close(pair[0])
            _ = ci_wait(pid)
            return .failure(
                SpawnError(
                    executable: bubblewrap, message: "cannot hand the job's cgroup to the sandbox: \(String(cString: strerror(joinError)))")
            )
        }
        state.withLock {
            $0.socket = pair[0]
            $0.bwrapPID = pid
        }
        return .success(pair[0])
    }

    /// Reads one report of the agent and records it; when the agent is gone, every waiting step
    /// fails, saying how bwrap ended unless the session is closing.
    private func receiveReport(on socket: Int32, buffer: inout [UInt8]) {
        guard let (message, descriptor) = AgentMessage.receive(on: socket, buffer: &buffer) else {
            agentEnded()
            return
        }
        if descriptor >= 0 { Glibc.close(descriptor) }
        guard let report = message["id"]?.numberValue.map(Int.init) else { return }
        state.withLock { value in
            switch message["op"]?.stringValue {
            case "exited": value.pending[report]?.status = Int32(message["status"]?.numberValue ?? 255)
            case "failed": value.pending[report]?.failure = message["message"]?.stringValue ?? "failed"
            default: break
            }
        }
    }

    /// The agent's socket ended: fails every waiting step.
    private func agentEnded() {
        let (closing, pid) = state.withLock { ($0.closed, $0.bwrapPID) }
        var how = ""
        if !closing, pid > 0 {
            let status = ci_wait(pid)
            state.withLock { $0.bwrapPID = 0 }
            how = status > 128 ? " (killed by signal \(status - 128))" : " (exit status \(status))"
        }
        state.withLock { value in
            value.ended = true
            for id in value.pending.keys where value.pending[id]?.status == nil && value.pending[id]?.failure == nil {
                value.pending[id]?.failure = "the sandbox ended unexpectedly" + how
            }
        }
    }

    /// A step's process group inside the sandbox, signalled through the agent.
    private struct AgentProcess: ProcessGroupHandle {
        let session: BubblewrapJobSession
        let id: Int

        func signalGroup(_ signal: Int32) -> Bool {
            guard let socket = session.state.withLock({ $0.ended ? nil : $0.socket }) else { return false }
            return AgentMessage.send(.object([("op", .string("signal")), ("id", .int(id)), ("signal", .int(Int(signal)))]), on: socket) == 0
        }

        var groupIsAlive: Bool {
            session.state.withLock { value in
                guard let pending = value.pending[id] else { return false }
                return pending.status == nil && pending.failure == nil && !value.ended
            }
        }
    }

    /// Runs one step in the sandbox.
    public func run(
        _ spec: ProcessSpec, control: ProcessControl, output: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
        started: () -> Void
    ) async throws(SpawnError) -> Int32 {
        var spec = spec
        spec.environment["RUNNER_TRACKING_ID"] = trackingID
        // Each step reads the agent's reports while it runs, so steps take turns.
        guard state.withLock({ value in value.pending.isEmpty }) else {
            throw SpawnError(executable: spec.executable, message: "a sandbox session runs one step at a time")
        }
        let socket = try start()
        var pipe: [Int32] = [-1, -1]
        let pipeError = pipe.withUnsafeMutableBufferPointer { ci_pipe($0.baseAddress) }
        guard pipeError == 0 else { throw SpawnError(executable: spec.executable, message: String(cString: strerror(pipeError))) }
        let id = state.withLock { value -> Int in
            let id = value.nextID
            value.nextID += 1
            value.pending[id] = Pending()
            return id
        }
        let previous = state.withLock { $0.sentEnvironment }
        var message = AgentMessage.encode(spec, id: id, previous: previous).serialized(.compact)
        if message.utf8.count > AgentMessage.inlineLimit {
            // Too large for one message: hand it over in a file only this job can read.
            let file = policy.temp + "/.agent-request-\(id).json"
            do {
                try Files.write(file, message.utf8, mode: 0o600)
            } catch {
                state.withLock {
                    $0.pending.removeValue(forKey: id)
                    $0.sentEnvironment = nil
                }
                Glibc.close(pipe[0])
                Glibc.close(pipe[1])
                throw SpawnError(executable: spec.executable, message: "cannot hand the step to the sandbox: \(error)")
            }
            message = JSONValue.object([("op", .string("run")), ("id", .int(id)), ("file", .string(file))]).serialized(.compact)
        }
        let sendError = AgentMessage.send(serialized: message, on: socket, descriptor: pipe[1])
        Glibc.close(pipe[1])
        state.withLock { $0.sentEnvironment = sendError == 0 ? spec.environment : nil }
        defer { _ = state.withLock { $0.pending.removeValue(forKey: id) } }
        guard sendError == 0 else {
            Glibc.close(pipe[0])
            throw SpawnError(executable: spec.executable, message: "the sandbox is gone: \(String(cString: strerror(sendError)))")
        }
        control.attach(AgentProcess(session: self, id: id))
        started()
        let reader = pipe[0]
        await HostJobSession.offThePool { [self] in
            // Output until the agent reports (or goes), then that report; again until it is this step's.
            var buffer = [UInt8](repeating: 0, count: AgentMessage.bufferSize)
            while state.withLock({ $0.pending[id].map { $0.status == nil && $0.failure == nil } ?? false }) {
                ChildProcess.pump(reader, until: socket, into: output)
                receiveReport(on: socket, buffer: &buffer)
            }
            Glibc.close(reader)
        }
        control.detach()
        let outcome = state.withLock { $0.pending[id] }
        if outcome?.failure != nil {
            // The agent may not have taken this request's environment: the next one goes whole.
            state.withLock { $0.sentEnvironment = nil }
        }
        if var failure = outcome?.failure {
            if state.withLock({ $0.ended }) {
                let log = logText
                if !log.isEmpty { failure += " (\(log.suffix(600)))" }
            }
            throw SpawnError(executable: spec.executable, message: failure)
        }
        return outcome?.status ?? 255
    }

    /// What bwrap and the agent wrote to their log, trimmed.
    private var logText: String {
        (try? String(contentsOfFile: logFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    /// Ends the agent and with it the sandbox, then empties the cgroup.
    public func close() async {
        // A sandbox still starting (prepared, no step yet) is waited for, then ended like any.
        if state.withLock({ $0.launching }), !launched.eventHappened {
            await HostJobSession.onNewThread { [launched] in launched.waitForEvent() }
        }
        let (socket, pid) = state.withLock { value -> (Int32, pid_t) in
            guard !value.closed else { return (-1, 0) }
            value.closed = true
            return (value.socket, value.bwrapPID)
        }
        if socket >= 0 { shutdown(socket, Int32(SHUT_RDWR)) }
        if pid > 0 {
            let exited = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    // Not on the job's thread: the timeout below must be able to run meanwhile.
                    _ = await HostJobSession.onNewThread { ci_wait(pid) }
                    return true
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(5))
                    return false
                }
                let first = await group.next() ?? false
                if !first { kill(pid, SIGKILL) }
                group.cancelAll()
                await group.waitForAll()
                return first
            }
            _ = exited
        }
        if socket >= 0 { Glibc.close(socket) }
        closing.signal()
        await cgroup?.remove()
    }
}

extension DispatchSemaphore {
    /// Waits for an event signalled once (a semaphore that starts at 0), and leaves it signalled
    /// for the next waiter.
    func waitForEvent() {
        wait()
        signal()
    }

    /// Whether that event has happened, without waiting.
    var eventHappened: Bool {
        guard wait(timeout: .now()) == .success else { return false }
        signal()
        return true
    }
}
