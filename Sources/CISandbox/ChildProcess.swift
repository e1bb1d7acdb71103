import CSpawn
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A process that could not be started.
public struct SpawnError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The program.
    public var executable: String
    /// What went wrong.
    public var message: String
    /// `cannot run <program>: <message>`.
    public var description: String { "cannot run \(executable): \(message)" }
}

/// A running child process that leads its own session and process group.
public final class ChildProcess: Sendable {
    /// Its process id, which is also its process group and session id.
    public let pid: pid_t
    private let outputDescriptor: Int32

    /// The job's tracking id, found in the environment of the processes the child starts.
    private let trackingID: String?
    /// Whether the child has been reaped (after which its pid may name another process).
    private let reaped = Mutex(false)

    private init(pid: pid_t, outputDescriptor: Int32, trackingID: String?) {
        self.pid = pid
        self.outputDescriptor = outputDescriptor
        self.trackingID = trackingID
    }

    /// Starts `spec` in a new session. Standard input is `/dev/null`; standard output and error
    /// go, interleaved, into one pipe that `pump` reads. The child joins the cgroups whose
    /// `cgroup.procs` files are open as `cgroups` before it runs anything.
    public static func spawn(_ spec: ProcessSpec, cgroups: [Int32] = [], spawner: OpaquePointer? = nil) throws(SpawnError)
        -> ChildProcess
    {
        var fds: [Int32] = [-1, -1]
        let pipeError = fds.withUnsafeMutableBufferPointer { ci_pipe($0.baseAddress) }
        guard pipeError == 0 else { throw SpawnError(executable: spec.executable, message: String(cString: strerror(pipeError))) }
        defer { close(fds[1]) }
        do {
            let pid = try start(spec, output: fds[1], cgroups: cgroups, spawner: spawner)
            return ChildProcess(pid: pid, outputDescriptor: fds[0], trackingID: spec.environment["RUNNER_TRACKING_ID"])
        } catch {
            close(fds[0])
            throw error
        }
    }

    /// Starts `spec` in a new session with standard input `/dev/null` and standard output and
    /// error on `output`; `pass` (when given) becomes its descriptor 3. With `spawner` (see
    /// `JobCgroup.startSpawner`), the spawner's thread starts it, in the cgroups it has joined.
    /// Returns the pid; the caller reaps it.
    public static func start(
        _ spec: ProcessSpec, output: Int32, cgroups: [Int32] = [], pass: Int32? = nil, spawner: OpaquePointer? = nil
    ) throws(SpawnError) -> pid_t {
        guard let path = spec.resolvedExecutable() else {
            throw SpawnError(executable: spec.executable, message: "not found on PATH")
        }
        let null = nullDescriptor
        let argv = CStringArray(([path] + spec.arguments).map { Array($0.utf8) })
        // NAME=value, by name (so that a step's `env` prints the same way each time).
        let envp = CStringArray(
            spec.environment.sorted { $0.key < $1.key }.map {
                Array($0.key.utf8) + [0x3D] + Array($0.value.utf8)
            })
        let argvPointers = argv.pointers
        let envpPointers = envp.pointers
        let limits = spec.limits.map { ci_rlimit(resource: $0.resource.rawValue, soft: $0.value, hard: $0.value) }
        var pid: pid_t = 0
        // The strings live in `argv` and `envp`, which must outlive the spawn.
        let result = withExtendedLifetime((argv, envp)) {
            spawn(path, spec, argvPointers, envpPointers, limits, cgroups, null, output, pass, spawner, &pid)
        }
        guard result == 0 else {
            let reason =
                result == ENOENT && access(spec.workingDirectory, F_OK) != 0
                ? "the working directory \(spec.workingDirectory) does not exist" : String(cString: strerror(result))
            throw SpawnError(executable: path, message: reason)
        }
        return pid
    }

    private static func spawn(
        _ path: String, _ spec: ProcessSpec, _ argvPointers: [UnsafeMutablePointer<CChar>?], _ envpPointers: [UnsafeMutablePointer<CChar>?],
        _ limits: [ci_rlimit], _ cgroups: [Int32], _ null: Int32, _ output: Int32, _ pass: Int32?, _ spawner: OpaquePointer?,
        _ pid: inout pid_t
    ) -> Int32 {
        path.withCString { pathPointer in
            spec.workingDirectory.withCString { directory in
                argvPointers.withUnsafeBufferPointer { argv in
                    envpPointers.withUnsafeBufferPointer { envp in
                        limits.withUnsafeBufferPointer { limitPointer in
                            cgroups.withUnsafeBufferPointer { cgroupPointer in
                                var options = ci_spawn_options(
                                    path: pathPointer, argv: argv.baseAddress, envp: envp.baseAddress, cwd: directory, in_fd: null,
                                    out_fd: output, err_fd: output, new_session: 1, limits: limitPointer.baseAddress,
                                    limit_count: Int32(limits.count), cgroup_fds: cgroupPointer.baseAddress,
                                    cgroup_count: Int32(cgroups.count),
                                    pass_fd: pass ?? -1)
                                if let spawner { return ci_spawner_spawn(spawner, &options, &pid) }
                                return ci_spawn(&options, &pid)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Reads the output, calling `sink` with each chunk, until the process has exited and what it
    /// left in the pipe is drained; then reaps it. Blocks: call it off the cooperative pool.
    /// Returns the exit code, or 128 + the signal that killed it.
    public func pump(_ sink: (UnsafeRawBufferPointer) -> Void) -> Int32 {
        // Until the process has exited and what it left in the pipe is drained; output from
        // descendants that outlive it is not waited for. Not reaped meanwhile, so that its pid
        // cannot be reused.
        let exit = ci_exit_fd(pid)
        if exit >= 0 {
            Self.pump(outputDescriptor, until: exit, into: sink)
            close(exit)
        }
        let pumped = min(exit, 0)
        close(outputDescriptor)
        // Reap under the lock, so that no signal can reach a process that reused the pid.
        let status = reaped.withLock { reaped in
            reaped = true
            return ci_wait(pid)
        }
        return pumped < 0 ? pumped : status
    }

    /// Sends `signal` to the process's whole group (it and the children that did not leave it).
    /// Once the process has been reaped, its pid may name another process's group, so only the
    /// members that carry the job's tracking id are signalled, one by one.
    @discardableResult
    public func signalGroup(_ signal: Int32) -> Bool {
        let sent = reaped.withLock { reaped -> Bool? in reaped ? nil : ci_kill_group(pid, signal) == 0 }
        if let sent { return sent }
        guard let trackingID else { return false }
        let members = ProcessTable.members(ofGroup: pid).filter {
            ProcessTable.environment(of: $0, contains: "RUNNER_TRACKING_ID=" + trackingID)
        }
        for member in members { kill(member, signal) }
        return !members.isEmpty
    }

    /// Whether the process group still has live members (zombies waiting to be reaped do not count).
    public var groupIsAlive: Bool {
        let leaderRunning = reaped.withLock { !$0 }
        let members = ProcessTable.members(ofGroup: pid)
        if leaderRunning { return !members.isEmpty }
        guard let trackingID else { return false }
        return members.contains { ProcessTable.environment(of: $0, contains: "RUNNER_TRACKING_ID=" + trackingID) }
    }
}

/// Reads the kernel's process table (`/proc`).
public enum ProcessTable {
    /// The live (not zombie) processes whose process group is `group`.
    public static func members(ofGroup group: pid_t) -> [pid_t] {
        processes().filter { $0.group == group && $0.state != "Z" }.map(\.pid)
    }

    /// The live (not zombie) processes whose session is `session`.
    public static func members(ofSession session: pid_t) -> [pid_t] {
        processes().filter { $0.session == session && $0.state != "Z" }.map(\.pid)
    }

    /// One process as `/proc/<pid>/stat` describes it.
    public struct Entry: Sendable, Hashable {
        /// Its id, state (`R`, `S`, `Z`, …), parent, process group and session.
        public var pid: pid_t, state: Character, parent: pid_t, group: pid_t, session: pid_t
        /// When it started, in clock ticks after boot: with the pid, it names one process even
        /// after its pid is reused.
        public var startTime: UInt64
    }

    /// The start time of `pid`, or nil when it does not exist.
    public static func startTime(of pid: pid_t) -> UInt64? { entry(pid)?.startTime }

    /// Every process.
    public static func processes() -> [Entry] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var result: [Entry] = []
        while let item = readdir(directory) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let pid = pid_t(name), let process = entry(pid) { result.append(process) }
        }
        return result
    }

    static func entry(_ pid: pid_t) -> Entry? {
        guard let stat = readSmallFile("/proc/\(pid)/stat") else { return nil }
        // The command is in parentheses and may hold spaces; the fields after the last ')' are fixed.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let parent = pid_t(fields[1]), let group = pid_t(fields[2]),
            let session = pid_t(fields[3]), let start = UInt64(fields[19])
        else { return nil }
        return Entry(pid: pid, state: state, parent: parent, group: group, session: session, startTime: start)
    }

    /// Whether `pid`'s environment has the entry `entry` (`NAME=value`). False when it cannot be
    /// read (another user's process, or gone).
    public static func environment(of pid: pid_t, contains entry: String) -> Bool {
        let descriptor = open("/proc/\(pid)/environ", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while data.count < 1 << 20 {
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { break }
            data += buffer.prefix(count)
        }
        let needle = [0] + Array(entry.utf8) + [0]
        data.insert(0, at: 0)
        data.append(0)
        return data.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { ci_memmem(haystack.baseAddress, haystack.count, $0.baseAddress, $0.count) != nil }
        }
    }

    private static func readSmallFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }
}

/// `/dev/null`, open for reading for the life of the process: every child's standard input.
private let nullDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)

extension ChildProcess {
    /// Reads `output` into `sink`, chunk by chunk, until `stop` becomes readable (a process's exit
    /// descriptor, or the sandbox agent's socket with its report), then drains what is left.
    static func pump(_ output: Int32, until stop: Int32, into sink: (UnsafeRawBufferPointer) -> Void) {
        withoutActuallyEscaping(sink) { sink in
            var box = SinkBox(sink: sink)
            withUnsafeMutablePointer(to: &box) { pointer in
                ci_pump_until(
                    output, stop,
                    { context, data, length in
                        guard let context, let data else { return }
                        context.assumingMemoryBound(to: SinkBox.self).pointee.sink(UnsafeRawBufferPointer(start: data, count: Int(length)))
                    }, pointer)
            }
        }
    }
}

private struct SinkBox {
    var sink: (UnsafeRawBufferPointer) -> Void
}

/// C strings packed in one allocation, and the NULL-terminated array of pointers to them
/// (`argv`, `envp`); freed with the object.
private final class CStringArray {
    private let storage: UnsafeMutablePointer<CChar>
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [[UInt8]]) {
        storage = .allocate(capacity: strings.reduce(0) { $0 + $1.count + 1 })
        var pointers: [UnsafeMutablePointer<CChar>?] = []
        pointers.reserveCapacity(strings.count + 1)
        var offset = 0
        for bytes in strings {
            let start = storage + offset
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { UnsafeMutableRawPointer(start).copyMemory(from: base, byteCount: source.count) }
            }
            start[bytes.count] = 0
            pointers.append(start)
            offset += bytes.count + 1
        }
        pointers.append(nil)
        self.pointers = pointers
    }

    deinit { storage.deallocate() }
}
