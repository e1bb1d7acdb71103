import CIBasics
import CSpawn
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The messages between the runner and the agent inside a job's sandbox, one JSON object per
/// SOCK_SEQPACKET message.
///
/// Runner → agent: `{"op":"run","id":N,"executable":…,"arguments":[…],"environment":{…},
/// "directory":…,"limits":[[resource,value],…]}` with the write end of the step's output pipe
/// attached (SCM_RIGHTS); after the first, `environment` holds only the variables that differ
/// from the request before and `"unset":[…]` those it no longer has; or `{"op":"run","id":N,"file":PATH}` when the request is too large for
/// one message (the agent reads and deletes the file); `{"op":"signal","id":N,"signal":S}`;
/// `{"op":"join"}` with a `cgroup.procs` file of the job's cgroup attached, which the agent joins
/// (before the first step: bwrap starts outside the cgroup, so that it need not wait for the
/// kernel's cgroup lock, and the agent's steps are born in it).
/// Agent → runner: `{"op":"ready"}` once, then `{"op":"exited","id":N,"status":S}` or
/// `{"op":"failed","id":N,"message":…}` per step.
enum AgentMessage {
    /// The largest message sent inline.
    static let inlineLimit = 60_000
    /// The receive buffer.
    static let bufferSize = 1 << 16

    /// The `run` request for `spec`. With `previous` (the environment of the request before, which
    /// the agent remembers), only what changed is sent: `environment` holds the variables that
    /// are new or different and `unset` those that are gone. Steps of a job share most of theirs.
    static func encode(_ spec: ProcessSpec, id: Int, previous: [String: String]? = nil) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("op", .string("run")), ("id", .int(id)), ("executable", .string(spec.executable)),
            ("arguments", .array(spec.arguments.map(JSONValue.string))),
        ]
        if let previous {
            members.append(
                ("environment", .object(spec.environment.filter { previous[$0.key] != $0.value }.map { ($0.key, .string($0.value)) })))
            members.append(("unset", .array(previous.keys.filter { spec.environment[$0] == nil }.map(JSONValue.string))))
        } else {
            members.append(("environment", .object(spec.environment.map { ($0.key, .string($0.value)) })))
        }
        members.append(("directory", .string(spec.workingDirectory)))
        members.append(("limits", .array(spec.limits.map { .array([.int(Int($0.resource.rawValue)), .string(String($0.value))]) })))
        return .object(members)
    }

    /// The spec of a `run` request; `previous` is the environment of the request before, which
    /// a request with `unset` changes.
    static func decodeSpec(_ message: JSONValue, previous: [String: String] = [:]) -> ProcessSpec? {
        guard let executable = message["executable"]?.stringValue, let directory = message["directory"]?.stringValue else { return nil }
        var environment: [String: String] = [:]
        if case .array(let unset)? = message["unset"] {
            environment = previous
            for name in unset { if let name = name.stringValue { environment[name] = nil } }
        }
        if case .object(let members)? = message["environment"] {
            for member in members { environment[member.key] = member.value.stringValue ?? "" }
        }
        let limits = (message["limits"]?.arrayValue ?? []).compactMap { item -> ResourceLimit? in
            guard let pair = item.arrayValue, pair.count == 2, let raw = pair[0].numberValue,
                let value = pair[1].stringValue.flatMap(UInt64.init),
                let resource = ResourceLimit.Resource(rawValue: Int32(raw))
            else { return nil }
            return ResourceLimit(resource, value)
        }
        return ProcessSpec(
            executable: executable, arguments: (message["arguments"]?.arrayValue ?? []).map { $0.stringValue ?? "" },
            environment: environment, workingDirectory: directory, limits: limits)
    }

    /// Sends `message`, with `descriptor` attached when given. Returns an errno or 0.
    @discardableResult
    static func send(_ message: JSONValue, on socket: Int32, descriptor: Int32 = -1) -> Int32 {
        send(serialized: message.serialized(.compact), on: socket, descriptor: descriptor)
    }

    /// Sends a message already serialized.
    @discardableResult
    static func send(serialized: String, on socket: Int32, descriptor: Int32 = -1) -> Int32 {
        var text = serialized
        return text.withUTF8 { ci_send_message(socket, $0.baseAddress, $0.count, descriptor) }
    }

    /// Receives one message; nil at the end of the stream or on an error.
    static func receive(on socket: Int32, buffer: inout [UInt8]) -> (message: JSONValue, descriptor: Int32)? {
        var descriptor: Int32 = -1
        let count = buffer.withUnsafeMutableBytes { ci_receive_message(socket, $0.baseAddress, $0.count, &descriptor) }
        guard count > 0 else { return nil }
        guard let message = try? JSONValue.parse(bytes: Array(buffer.prefix(Int(count)))) else {
            if descriptor >= 0 { close(descriptor) }
            return (.object([("op", .string("invalid"))]), -1)
        }
        return (message, descriptor)
    }
}

extension ResourceLimit.Resource {
    /// The resource with this Linux number.
    init?(rawValue: Int32) {
        guard let resource = [Self.openFiles, .processes, .coreSize, .fileSize].first(where: { $0.rawValue == rawValue }) else {
            return nil
        }
        self = resource
    }
}

/// The agent that runs a job's steps inside its sandbox: `ci-runner sandbox-agent`, started by
/// bwrap with the runner's socket as descriptor 3. It starts each step it is sent in a new
/// session, with the output pipe it was given, reports how it exited, signals a step's group when
/// asked, and when the runner closes the socket it kills every group and exits; bwrap then tears
/// the namespace down, which kills whatever is left.
///
/// One thread does it all, waiting on the socket and on each running step's exit descriptor
/// (a pidfd) at once: a step's exit reaches the runner with a single wake-up here.
public enum SandboxAgent {
    /// A step's process.
    private struct Running {
        var id: Int
        var pid: pid_t
        /// Readable once the process has exited.
        var exit: Int32
    }

    /// Serves the runner on `socket` until it closes; returns the exit status for the process.
    public static func serve(socket: Int32) -> Int32 {
        var running: [Running] = []
        // Why the agent could not join the job's cgroup: every step then fails with it, rather
        // than run without the job's limits.
        var joinFailure: String?
        // The last request's environment, which the next one changes.
        var environment: [String: String] = [:]
        AgentMessage.send(.object([("op", .string("ready"))]), on: socket)
        var buffer = [UInt8](repeating: 0, count: AgentMessage.bufferSize)
        serving: while true {
            let watched = [socket] + running.map(\.exit)
            var ready = [Int32](repeating: 0, count: watched.count)
            guard ci_wait_readable(watched, &ready, Int32(watched.count)) >= 0 else { break }
            // Exits first: a step that ended is reported before the next request is read.
            for (index, step) in running.enumerated().reversed() where ready[index + 1] != 0 {
                let status = ci_wait(step.pid)
                close(step.exit)
                running.remove(at: index)
                AgentMessage.send(.object([("op", .string("exited")), ("id", .int(step.id)), ("status", .int(Int(status)))]), on: socket)
            }
            guard ready[0] != 0 else { continue }
            guard let (message, descriptor) = AgentMessage.receive(on: socket, buffer: &buffer) else { break serving }
            let id = Int(message["id"]?.numberValue ?? -1)
            switch message["op"]?.stringValue {
            case "join":
                guard descriptor >= 0 else { break }
                if write(descriptor, "0", 1) != 1, joinFailure == nil {
                    joinFailure = "the sandbox cannot join the job's cgroup: \(String(cString: strerror(errno)))"
                }
                close(descriptor)
            case "run":
                // Decoded even when it cannot run: the next request's environment builds on it.
                let spec = request(message).flatMap { AgentMessage.decodeSpec($0, previous: environment) }
                if let spec { environment = spec.environment }
                if let step = start(spec, joinFailure: joinFailure, descriptor: descriptor, id: id, socket: socket) {
                    running.append(step)
                }
            case "signal":
                if let step = running.first(where: { $0.id == id }), let signal = message["signal"]?.numberValue {
                    _ = ci_kill_group(step.pid, Int32(signal))
                }
            default:
                if descriptor >= 0 { close(descriptor) }
            }
        }
        for step in running { _ = ci_kill_group(step.pid, SIGKILL) }
        return 0
    }

    /// A `run` request, read from its file when it came as one (the agent deletes the file).
    private static func request(_ message: JSONValue) -> JSONValue? {
        guard let file = message["file"]?.stringValue else { return message }
        let data = FileManager.default.contents(atPath: file).map(Array.init) ?? []
        unlink(file)
        return try? JSONValue.parse(bytes: data)
    }

    /// Starts a requested step; reports a failure to the runner and returns nil when it cannot.
    private static func start(_ spec: ProcessSpec?, joinFailure: String?, descriptor: Int32, id: Int, socket: Int32) -> Running? {
        func fail(_ text: String) -> Running? {
            AgentMessage.send(.object([("op", .string("failed")), ("id", .int(id)), ("message", .string(text))]), on: socket)
            return nil
        }
        guard descriptor >= 0, let spec else {
            if descriptor >= 0 { close(descriptor) }
            return fail("invalid request")
        }
        if let joinFailure {
            close(descriptor)
            return fail(joinFailure)
        }
        defer { close(descriptor) }
        let pid: pid_t
        do {
            pid = try ChildProcess.start(spec, output: descriptor)
        } catch {
            return fail(error.message)
        }
        let exit = ci_exit_fd(pid)
        guard exit >= 0 else {
            _ = ci_kill_group(pid, SIGKILL)
            _ = ci_wait(pid)
            return fail("cannot watch the step's process: \(String(cString: strerror(-exit)))")
        }
        return Running(id: id, pid: pid, exit: exit)
    }
}
