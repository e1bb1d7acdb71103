import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How the runner isolates jobs, chosen once per run, and the sessions it makes for each job.
public struct SandboxSettings: Sendable {
    /// How steps run.
    public enum Mode: Sendable, Hashable {
        /// As host processes in their own process groups (and the job's cgroup, when there is one).
        case none
        /// In one bubblewrap sandbox per job, bwrap being at this path.
        case bubblewrap(String)
    }

    /// How steps run.
    public var mode: Mode
    /// The agent's command line inside the sandbox (`ci-runner sandbox-agent`).
    public var agentCommand: [String]
    /// Whether jobs share the host's network (a job can still opt out with the `no-network` label).
    public var network: Bool
    /// Whether steps may use the Docker daemon's socket.
    public var dockerAccess: Bool
    /// `pids.max` of each job's cgroup (stops fork bombs); nil for none.
    public var pidsLimit: Int?
    /// The memory limit of each job's cgroup; nil for none.
    public var memoryLimit: UInt64?
    /// Whether to put each job in a cgroup when the host allows it.
    public var useCgroups: Bool
    /// Directories hidden from sandboxed steps (the runner's home, other runs).
    public var hiddenPaths: [String]
    /// Paths that stay visible, read-only, inside hidden ones (toolchains on PATH, the agent).
    public var readOnlyPaths: [String]

    /// Creates settings.
    public init(
        mode: Mode = .none, agentCommand: [String] = [], network: Bool = true, dockerAccess: Bool = true, pidsLimit: Int? = 4096,
        memoryLimit: UInt64? = nil, useCgroups: Bool = true, hiddenPaths: [String] = [], readOnlyPaths: [String] = []
    ) {
        self.mode = mode
        self.agentCommand = agentCommand
        self.network = network
        self.dockerAccess = dockerAccess
        self.pidsLimit = pidsLimit
        self.memoryLimit = memoryLimit
        self.useCgroups = useCgroups
        self.hiddenPaths = hiddenPaths
        self.readOnlyPaths = readOnlyPaths
    }

    /// The directories of one job.
    public struct JobPaths: Sendable {
        /// A name for the job's cgroup and log (`run-3-build-0`).
        public var name: String
        /// The job's folder, which holds its workspace, temp, home and tool cache (a sandbox binds
        /// it as one when they are all in it) and nothing a step must not touch.
        public var root: String
        /// The workspace, temp, home and tool cache.
        public var workspace: String, temp: String, home: String, toolCache: String
        /// Other folders steps write to (the runner's command files).
        public var extraWritable: [String]
        /// Outside the sandbox: where bwrap's own messages go (default: `root`).
        public var logFolder: String

        /// Creates the paths.
        public init(
            name: String, root: String, workspace: String, temp: String, home: String, toolCache: String, extraWritable: [String] = [],
            logFolder: String? = nil
        ) {
            self.name = name
            self.root = root
            self.workspace = workspace
            self.temp = temp
            self.home = home
            self.toolCache = toolCache
            self.extraWritable = extraWritable
            self.logFolder = logFolder ?? root
        }
    }

    /// Starts, in the background, the slow kernel work that the first job's session would
    /// otherwise wait for, and the removal of cgroups that killed runners left; call it as a run
    /// starts (as early as possible: the kernel's part takes 3-30 ms here). Once per process.
    public static func prepareRun() {
        guard !runPrepared.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        JobCgroup.primeMigrationLock(sweeping: true)
    }

    private static let runPrepared = Atomic<Bool>(false)

    /// Undoes what `prepareRun` made ahead and no job used; call it as a run ends.
    public static func finishRun() { JobCgroup.discardPrepared() }

    /// The session for one job; `network` false cuts this job's network whatever the setting.
    public func makeSession(for job: JobPaths, network jobNetwork: Bool = true) -> any JobSession {
        let cgroup = useCgroups ? JobCgroup.create(name: job.name, pidsLimit: pidsLimit, memoryLimit: memoryLimit) : nil
        switch mode {
        case .none:
            return HostJobSession(cgroup: cgroup)
        case .bubblewrap(let path):
            let policy = SandboxPolicy(
                workspace: job.workspace, temp: job.temp, home: job.home, toolCache: job.toolCache, jobFolder: job.root,
                writablePaths: job.extraWritable,
                hiddenPaths: hiddenPaths.filter { FileManager.default.fileExists(atPath: $0) },
                readOnlyPaths: readOnlyPaths.filter { FileManager.default.fileExists(atPath: $0) }, network: network && jobNetwork,
                dockerAccess: dockerAccess, dockerSockets: Self.dockerSockets())
            return BubblewrapJobSession(
                bubblewrap: path, policy: policy, agentCommand: agentCommand, logFile: job.logFolder + "/sandbox.log", cgroup: cgroup)
        }
    }

    /// The Docker daemon's sockets that exist here, as real paths.
    static func dockerSockets() -> [String] {
        var sockets = Set<String>()
        for path in ["/run/docker.sock", "/var/run/docker.sock"] where FileManager.default.fileExists(atPath: path) {
            sockets.insert(URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
        }
        return sockets.sorted()
    }
}

/// Finds bubblewrap and checks that it can make the namespaces a job needs.
public enum Bubblewrap {
    /// bwrap's path, or why it cannot be used. With `cacheFile`, a success is remembered there
    /// with what it depends on (this boot, this bwrap binary, this user and the kernel's user
    /// namespace settings), and not probed again while they stay the same: the probe starts bwrap,
    /// a few milliseconds of every run.
    public static func probe(environment: [String: String], cacheFile: String? = nil) -> Result<String, ProbeFailure> {
        guard let path = ProcessSpec(executable: "bwrap", environment: environment, workingDirectory: "/").resolvedExecutable() else {
            return .failure(ProbeFailure(message: "bwrap is not installed (apt-get install bubblewrap)"))
        }
        let key = cacheFile.map { _ in probeKey(path) }
        if let cacheFile, let key, (try? String(contentsOfFile: cacheFile, encoding: .utf8)) == key { return .success(path) }
        let result = runProbe(path)
        if case .success = result, let cacheFile, let key {
            // Written whole under a temporary name, then renamed: a reader sees the old or the new key.
            let temporary = cacheFile + ".\(getpid())"
            if (try? key.write(toFile: temporary, atomically: false, encoding: .utf8)) != nil { rename(temporary, cacheFile) }
        }
        return result
    }

    /// What a successful probe depends on, as one line.
    static func probeKey(_ path: String) -> String {
        var info = stat()
        _ = stat(path, &info)
        let settings = [
            "/proc/sys/kernel/random/boot_id", "/proc/sys/user/max_user_namespaces", "/proc/sys/kernel/unprivileged_userns_clone",
            "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
        ].map { ((try? String(contentsOfFile: $0, encoding: .utf8)) ?? "-").trimmingCharacters(in: .whitespacesAndNewlines) }
        return ([path, "\(info.st_ino)", "\(info.st_size)", "\(info.st_mtim.tv_sec)", "uid \(getuid())"] + settings).joined(separator: " ")
            + "\n"
    }

    /// Starts bwrap with a minimal sandbox running /bin/true.
    private static func runProbe(_ path: String) -> Result<String, ProbeFailure> {
        let spec = ProcessSpec(
            executable: path,
            arguments: [
                "--die-with-parent", "--unshare-pid", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--", "/bin/true",
            ],
            environment: ["PATH": "/usr/bin:/bin"], workingDirectory: "/")
        guard let child = try? ChildProcess.spawn(spec) else { return .failure(ProbeFailure(message: "bwrap cannot be started")) }
        var message: [UInt8] = []
        let status = child.pump { message += $0 }
        guard status == 0 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(ProbeFailure(message: "bwrap cannot make namespaces here: \(text.isEmpty ? "exit status \(status)" : text)"))
        }
        return .success(path)
    }

    /// Why bubblewrap cannot be used.
    public struct ProbeFailure: Error, Sendable, CustomStringConvertible {
        /// The reason.
        public var message: String
        /// The reason.
        public var description: String { message }
    }
}
