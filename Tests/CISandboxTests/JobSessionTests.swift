import CIBasics
import CISandbox
import CITestSupport
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Job sessions with real processes: nothing a job started survives it, in every mode; the
/// bubblewrap sandbox's namespaces; the policy as a pure function.
@Suite(.serialized) struct JobSessionTests {
    final class Collected: Sendable {
        let bytes = Mutex<[UInt8]>([])
        var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
    }

    /// A job's directories in a scratch folder.
    static func paths(_ scratch: TemporaryDirectory, _ name: String) throws -> SandboxSettings.JobPaths {
        let root = scratch.path + "/" + name
        for folder in ["workspace", "temp", "home", "tools"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        return SandboxSettings.JobPaths(
            name: name, root: root, workspace: root + "/workspace", temp: root + "/temp", home: root + "/home", toolCache: root + "/tools")
    }

    static func run(_ session: any JobSession, _ script: String, in paths: SandboxSettings.JobPaths) async throws -> (Int32, String) {
        let collected = Collected()
        let status = try await session.run(
            ProcessSpec(
                executable: "/bin/bash", arguments: ["-c", script], environment: ["PATH": "/usr/bin:/bin"],
                workingDirectory: paths.workspace),
            control: ProcessControl(grace: .milliseconds(500)), output: { chunk in collected.bytes.withLock { $0 += chunk } })
        return (status, collected.text)
    }

    static func alive(_ marker: String) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { name in
            guard let pid = pid_t(name), let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return line.contains(marker) ? pid : nil
        }
    }

    /// Starts a setsid daemon, a nohup'd process and a double fork, and returns. `marker` makes
    /// the command lines unique to one test case (the cases run in parallel).
    static func escapes(_ marker: Int) -> String {
        """
        setsid sleep \(marker)1 >/dev/null 2>&1 </dev/null &
        nohup sleep \(marker)2 >/dev/null 2>&1 &
        ( ( exec sleep \(marker)3 >/dev/null 2>&1 & ) & )
        sleep 0.2
        echo started
        """
    }

    static var modes: [String] {
        var modes = ["none", "none+cgroup"]
        if case .success = Bubblewrap.probe(environment: ["PATH": "/usr/bin:/bin"]) { modes.append("bwrap") }
        return modes
    }

    static func session(_ mode: String, _ paths: SandboxSettings.JobPaths, hide: [String] = []) throws -> any JobSession {
        switch mode {
        case "bwrap":
            guard case .success(let bwrap) = Bubblewrap.probe(environment: ["PATH": "/usr/bin:/bin"]) else { throw CancellationError() }
            var settings = SandboxSettings(mode: .bubblewrap(bwrap), agentCommand: [Binary.path, "sandbox-agent"], hiddenPaths: hide)
            settings.readOnlyPaths = [Binary.path]
            return settings.makeSession(for: paths)
        case "none+cgroup":
            return SandboxSettings(mode: .none, useCgroups: true).makeSession(for: paths)
        default:
            return SandboxSettings(mode: .none, useCgroups: false).makeSession(for: paths)
        }
    }

    @Test(arguments: modes)
    func noProcessOfAFinishedJobSurvives(mode: String) async throws {
        try #require(mode != "bwrap" || Binary.isBuilt)
        let scratch = try TemporaryDirectory()
        let paths = try Self.paths(scratch, "leftovers")
        let session = try Self.session(mode, paths)
        let marker = 1300 + 10 * (Self.modes.firstIndex(of: mode) ?? 9)
        let (status, output) = try await Self.run(session, Self.escapes(marker), in: paths)
        #expect(status == 0 && output.contains("started"), "\(output)")
        #expect(!Self.alive("sleep \(marker)").isEmpty, "the escapes were running before the job ended")
        await session.close()
        try await Task.sleep(for: .milliseconds(100))
        let survivors = Self.alive("sleep \(marker)")
        #expect(survivors.isEmpty, "\(mode): \(survivors) survived the job")
        for pid in survivors { kill(pid, SIGKILL) }
    }

    @Test func theSandboxHasItsOwnPIDsAReadOnlyRootAndPrivateTmp() async throws {
        try #require(Binary.isBuilt && Self.modes.contains("bwrap"))
        let scratch = try TemporaryDirectory()
        let paths = try Self.paths(scratch, "namespaces")
        let secret = scratch.path + "/hidden"
        try FileManager.default.createDirectory(atPath: secret, withIntermediateDirectories: true)
        try Data("top secret".utf8).write(to: URL(fileURLWithPath: secret + "/key"))
        let session = try Self.session("bwrap", paths, hide: [secret])
        defer { Task { await session.close() } }
        let (status, output) = try await Self.run(
            session,
            """
            echo "pids: $(ls /proc | grep -c '^[0-9]')"
            echo "self: $$"
            touch /usr/ci-runner-test 2>/dev/null && echo "root writable" || echo "root read-only"
            touch /tmp/private && echo "tmp writable"
            echo data > "$PWD/file" && echo "workspace writable"
            cat \(secret)/key 2>/dev/null || echo "hidden"
            touch \(secret)/new 2>/dev/null && echo "hidden writable" || echo "hidden read-only"
            """, in: paths)
        #expect(status == 0, "\(output)")
        let pids = output.split(separator: "\n").first { $0.hasPrefix("pids: ") }.flatMap { Int($0.dropFirst(6)) } ?? 999
        #expect(pids < 10, "only the sandbox's own processes are visible: \(output)")
        #expect(output.contains("root read-only") && output.contains("tmp writable") && output.contains("workspace writable"))
        #expect(output.contains("hidden\n") && output.contains("hidden read-only") && !output.contains("top secret"))
        #expect(FileManager.default.fileExists(atPath: paths.workspace + "/file"))
    }

    /// An agent that never says it is ready (here a `sleep` in its place) fails the job's steps
    /// once the start limit has passed, and the sandbox is killed, not left behind.
    @Test func aSandboxThatDoesNotStartInTimeIsKilledAndItsStepFails() async throws {
        guard case .success(let bwrap) = Bubblewrap.probe(environment: ["PATH": "/usr/bin:/bin"]) else { return }
        let scratch = try TemporaryDirectory()
        let paths = try Self.paths(scratch, "slow-start")
        let policy = SandboxPolicy(workspace: paths.workspace, temp: paths.temp, home: paths.home, toolCache: paths.toolCache)
        let session = BubblewrapJobSession(
            bubblewrap: bwrap, policy: policy, agentCommand: ["/bin/sleep", "3071"], logFile: scratch.path + "/sandbox.log",
            startLimit: .milliseconds(500))
        let started = ContinuousClock.now
        await #expect {
            _ = try await Self.run(session, "echo never", in: paths)
        } throws: { error in
            "\(error)".contains("did not start within 0.5 seconds")
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        await session.close()
        // The kernel ends the sandbox's PID namespace, and the stand-in with it, just after bwrap.
        let deadline = ContinuousClock.now + .seconds(3)
        while !Self.alive("sleep 3071").isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(Self.alive("sleep 3071").isEmpty, "the agent's stand-in was killed with the sandbox")
    }

    @Test func aStoppedStepInTheSandboxGetsSIGTERMThenSIGKILL() async throws {
        try #require(Binary.isBuilt && Self.modes.contains("bwrap"))
        let scratch = try TemporaryDirectory()
        let paths = try Self.paths(scratch, "stop")
        let session = try Self.session("bwrap", paths)
        let control = ProcessControl(grace: .milliseconds(300))
        let collected = Collected()
        let started = ContinuousClock.now
        Task {
            try? await Task.sleep(for: .milliseconds(300))
            control.stop(.timeout)
        }
        let status = try await session.run(
            ProcessSpec(
                executable: "/bin/bash", arguments: ["-c", "trap 'echo got TERM' TERM; while true; do sleep 0.05; done"],
                environment: ["PATH": "/usr/bin:/bin"], workingDirectory: paths.workspace),
            control: control, output: { chunk in collected.bytes.withLock { $0 += chunk } })
        await session.close()
        #expect(status == 128 + SIGKILL, "the trap ignored SIGTERM, so SIGKILL ended it: \(collected.text)")
        #expect(collected.text.contains("got TERM"))
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(control.reason == .timeout)
    }

    @Test func thePolicyIsAPureFunctionOfTheJobsSettings() {
        let policy = SandboxPolicy(
            workspace: "/r/jobs/a/workspace", temp: "/r/jobs/a/temp", home: "/r/jobs/a/home", toolCache: "/r/jobs/a/tools",
            hiddenPaths: ["/r", "/home/me"], readOnlyPaths: ["/home/me/.pyenv"], network: false, dockerAccess: false,
            dockerSockets: ["/run/docker.sock"])
        let arguments = policy.arguments()
        #expect(arguments == policy.arguments())
        let text = arguments.joined(separator: " ")
        #expect(
            text.hasPrefix("--die-with-parent --new-session --unshare-pid --unshare-ipc --unshare-uts --unshare-cgroup-try --unshare-net"))
        #expect(text.contains("--ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --tmpfs /var/tmp --tmpfs /r --tmpfs /home/me"))
        #expect(text.contains("--ro-bind /home/me/.pyenv /home/me/.pyenv --bind /r/jobs/a/workspace /r/jobs/a/workspace"))
        #expect(text.contains("--ro-bind /dev/null /run/docker.sock --remount-ro /r --remount-ro /home/me --chdir /r/jobs/a/workspace"))
        let open = SandboxPolicy(workspace: "/w", temp: "/t", home: "/h", toolCache: "/c").arguments()
        #expect(!open.contains("--unshare-net") && !open.contains("/dev/null"))
        // The job's folder bound as one for the folders inside it; a workspace elsewhere by itself.
        let folder = SandboxPolicy(
            workspace: "/elsewhere/ws", temp: "/r/jobs/a/temp", home: "/r/jobs/a/home", toolCache: "/r/jobs/a/tools",
            jobFolder: "/r/jobs/a",
            writablePaths: ["/dev/shm/x"]
        ).arguments().joined(separator: " ")
        #expect(folder.contains("--bind /r/jobs/a /r/jobs/a --bind /elsewhere/ws /elsewhere/ws --bind /dev/shm/x /dev/shm/x --chdir"))
        #expect(!folder.contains("--bind /r/jobs/a/"))
    }

    /// bwrap starts outside the job's cgroup (so it need not wait for the kernel's cgroup lock);
    /// the agent joins it before the first step, so every step is born in it.
    @Test func aSandboxsStepsAreBornInTheJobsCgroup() async throws {
        try #require(Binary.isBuilt && Self.modes.contains("bwrap"))
        guard let probe = JobCgroup.create(name: "probe", pidsLimit: nil, memoryLimit: nil) else { return }  // no writable cgroup
        await probe.remove()
        let scratch = try TemporaryDirectory()
        let paths = try Self.paths(scratch, "joined")
        let session = try Self.session("bwrap", paths)
        let (status, output) = try await Self.run(session, "cat /proc/self/cgroup", in: paths)
        await session.close()
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n")
        // Inside the sandbox's cgroup namespace the job's cgroup shows below the runner's own.
        let pidsLine = lines.first { $0.contains(":pids:") || $0.hasPrefix("0::") }
        #expect(pidsLine?.contains("/ci-runner/") == true && pidsLine?.contains("-\(getpid())-") == true, "\(output)")
        #expect(lines.filter { $0.contains("/ci-runner/") }.count == probe.paths.count, "in every hierarchy: \(output)")
    }

    /// A sandbox starts when the session is prepared, before the workspace is filled: files
    /// copied in afterwards are there for the first step; a prepared sandbox that runs no step
    /// ends with the session.
    @Test func aPreparedSandboxSeesLaterFilesAndEndsWithTheSession() async throws {
        try #require(Binary.isBuilt && Self.modes.contains("bwrap"))
        let scratch = try TemporaryDirectory()
        let paths = try Self.paths(scratch, "prepared")
        let session = try Self.session("bwrap", paths)
        session.prepare()
        try Files.write(paths.workspace + "/late.txt", text: "copied after the sandbox started\n")
        let (status, output) = try await Self.run(session, "cat late.txt", in: paths)
        #expect(status == 0 && output == "copied after the sandbox started\n", "\(output)")
        await session.close()

        let idle = try Self.session("bwrap", try Self.paths(scratch, "idle"))
        idle.prepare()
        try await Task.sleep(for: .milliseconds(50))
        let sandbox = scratch.path + "/idle/workspace"
        #expect(!Self.alive(sandbox).isEmpty, "bwrap started before any step")
        await idle.close()
        try await Task.sleep(for: .milliseconds(100))
        #expect(Self.alive(sandbox).isEmpty, "the prepared sandbox ended with its session")
    }

    /// After the first step the runner sends the agent only the environment's changes: each
    /// step still gets exactly its own variables.
    @Test func eachSandboxedStepGetsExactlyItsEnvironment() async throws {
        try #require(Binary.isBuilt && Self.modes.contains("bwrap"))
        let scratch = try TemporaryDirectory()
        let paths = try Self.paths(scratch, "environments")
        let session = try Self.session("bwrap", paths)
        let environments: [[String: String]] = [
            ["PATH": "/usr/bin:/bin", "A": "1", "B": "2"], ["PATH": "/usr/bin:/bin", "A": "1", "C": "3"],
            ["PATH": "/usr/bin:/bin", "A": "changed", "C": "3"], ["PATH": "/usr/bin:/bin", "B": "back", "EMPTY": ""],
        ]
        for environment in environments {
            let collected = Collected()
            let status = try await session.run(
                ProcessSpec(
                    executable: "/bin/bash", arguments: ["-c", "env -u PWD -u SHLVL -u _ -u RUNNER_TRACKING_ID | sort"],
                    environment: environment, workingDirectory: paths.workspace),
                control: ProcessControl(grace: .milliseconds(500)), output: { chunk in collected.bytes.withLock { $0 += chunk } })
            #expect(status == 0)
            let expected = environment.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "\n") + "\n"
            #expect(collected.text == expected)
        }
        await session.close()
    }

    /// Both ways a step joins the job's cgroup: by writing to `cgroup.procs` itself, or born in
    /// it from the session's spawner thread (prepared; where every hierarchy is v1).
    @Test(arguments: [false, true])
    func cgroupsLimitAndKillAJobsProcesses(prepared: Bool) async throws {
        let scratch = try TemporaryDirectory()
        let paths = try Self.paths(scratch, "cgroup")
        guard let cgroup = JobCgroup.create(name: "test", pidsLimit: 50, memoryLimit: 256 << 20) else {
            // No writable cgroup on this host: nothing to test.
            return
        }
        #expect(cgroup.summary.contains("pids.max 50"))
        let session = HostJobSession(cgroup: cgroup)
        if prepared {
            session.prepare()
            // Another job's start readies the kernel's lock by a write that moves nothing: not
            // even this job's spawner thread out of its cgroups (on v1 it writes to `tasks`).
            JobCgroup.primeMigrationLock()
            try await Task.sleep(for: .milliseconds(50))
        }
        let (_, membership) = try await Self.run(session, "cat /proc/self/cgroup", in: paths)
        for path in cgroup.paths {
            let relative = path.split(separator: "/").suffix(2).joined(separator: "/")
            #expect(membership.contains(relative), "the step is in \(path): \(membership)")
        }
        let (_, output) = try await Self.run(
            session,
            """
            python3 - <<'PY'
            import os, time
            started = 0
            for _ in range(80):
                try:
                    if os.fork() == 0:
                        time.sleep(30)
                        os._exit(0)
                    started += 1
                except OSError:
                    break
            print("running: %d" % started)
            PY
            """, in: paths)
        let running = Int(output.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        #expect(running < 50, "pids.max stopped the forks: \(output)")
        #expect(!cgroup.processes.isEmpty)
        await session.close()
        #expect(cgroup.processes.isEmpty)
    }
    /// A job on its own thread waits for its steps there, blocking nothing else: a stop sent from
    /// elsewhere (a timeout, Ctrl-C) still ends the step at once.
    @Test func aJobThreadWaitsForItsStepsItselfAndStaysStoppable() async throws {
        let scratch = try TemporaryDirectory()
        let paths = try Self.paths(scratch, "thread")
        let thread = JobThread(name: "test job")
        defer { thread.finish() }
        #expect(!JobThread.isCurrent)
        let (onThread, status, elapsed) = try await withTaskExecutorPreference(thread) {
            let onThread = JobThread.isCurrent
            let session = HostJobSession(cgroup: nil)
            let control = ProcessControl(grace: .milliseconds(200))
            Task.detached {
                try? await Task.sleep(for: .milliseconds(100))
                control.stop(.timeout)
            }
            let started = ContinuousClock.now
            let status = try await session.run(
                ProcessSpec(executable: "/bin/sleep", arguments: ["30"], workingDirectory: paths.workspace), control: control,
                output: { _ in })
            await session.close()
            return (onThread, status, ContinuousClock.now - started)
        }
        #expect(onThread, "the job's code runs on its thread")
        #expect(status == 128 + SIGTERM)
        #expect(elapsed < .seconds(5), "stopped after \(elapsed)")
    }

    /// Readying the cgroup lock writes this process into the cgroup it is already in: it moves nothing.
    @Test func primingTheCgroupLockMovesNothing() async throws {
        let before = try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)
        JobCgroup.primeMigrationLock()
        try await Task.sleep(for: .milliseconds(200))
        #expect(try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) == before)
    }
    /// A successful probe is remembered with what it depends on (here: the bwrap binary), and
    /// bwrap is not started again until that changes.
    @Test func aSuccessfulProbeIsRememberedUntilBwrapChanges() throws {
        guard case .success(let real) = Bubblewrap.probe(environment: ["PATH": "/usr/bin:/bin"]) else { return }
        let scratch = try TemporaryDirectory()
        let counter = scratch.path + "/started"
        let wrapper = try scratch.write("bin/bwrap", "#!/bin/sh\necho x >> \(counter)\nexec \(real) \"$@\"\n")
        chmod(wrapper, 0o755)
        let environment = ["PATH": scratch.path + "/bin:/usr/bin:/bin"]
        let cache = scratch.path + "/bwrap-probe"
        func starts() -> Int { ((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "").split(separator: "\n").count }
        #expect(try Bubblewrap.probe(environment: environment, cacheFile: cache).get() == wrapper)
        #expect(try Bubblewrap.probe(environment: environment, cacheFile: cache).get() == wrapper)
        #expect(starts() == 1, "the second probe used the remembered result")
        _ = try scratch.write("bin/bwrap", "#!/bin/sh\necho x >> \(counter)\n\n exec \(real) \"$@\"\n")
        #expect(try Bubblewrap.probe(environment: environment, cacheFile: cache).get() == wrapper)
        #expect(starts() == 2, "a changed bwrap is probed again")
    }
    /// Cgroups left by a runner that was killed are removed; a live runner's stay.
    @Test func staleCgroupsOfGoneRunnersAreRemoved() throws {
        guard let live = JobCgroup.create(name: "live", pidsLimit: nil, memoryLimit: nil),
            let stale = JobCgroup.create(name: "stale", pidsLimit: nil, memoryLimit: nil)
        else { return }  // no writable cgroup here
        defer { Task { await live.remove() } }
        // Rename the stale one as if a runner with a pid that does not exist had made it.
        var goneNames: [String] = []
        for path in stale.paths {
            let gone = path.replacingOccurrences(of: "-\(getpid())-", with: "-999999999-")
            if rename(path, gone) == 0 { goneNames.append(gone) }
        }
        #expect(!goneNames.isEmpty)
        JobCgroup.removeStale()
        for gone in goneNames { #expect(!FileManager.default.fileExists(atPath: gone), "\(gone) was removed") }
        for path in live.paths { #expect(FileManager.default.fileExists(atPath: path), "\(path) of this runner stays") }
    }
}
