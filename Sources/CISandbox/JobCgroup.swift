import CIBasics
import CSpawn
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A cgroup for one job, when the host offers writable cgroups (v2, or v1's `pids` and `memory`
/// hierarchies): every process of the job joins it before it runs, so the job's processes can
/// be counted, limited (`pids.max` stops a fork bomb, the memory limit stops a runaway build) and
/// all killed at the end, including those that left their session with `setsid`.
public final class JobCgroup: Sendable {
    /// One hierarchy's directory for this job.
    struct Directory: Sendable, Hashable {
        var path: String
        var version: Int
        var controller: String
    }

    let directories: [Directory]
    /// What was set up, for the job's log: `cgroup v1 pids+memory (pids.max 4096, memory 12 GiB)`.
    public let summary: String
    /// Each directory's `cgroup.procs`, open for writing from creation until `remove`, so that
    /// starting a process does not look the long paths up again.
    private let procsFiles: Mutex<[Int32]?>
    /// The thread that starts the job's processes from inside the cgroups (`startSpawner`).
    private let spawner: Mutex<SpawnerHandle?>

    /// A `ci_spawner`, and whether it has joined the cgroups.
    private struct SpawnerHandle: @unchecked Sendable {
        var pointer: OpaquePointer
        var ready = false
    }

    private init(directories: [Directory], summary: String, spawner: OpaquePointer? = nil) {
        self.directories = directories
        self.summary = summary
        self.spawner = Mutex(spawner.map { SpawnerHandle(pointer: $0) })
        procsFiles = Mutex(
            directories.compactMap { directory in
                let descriptor = open(directory.path + "/cgroup.procs", O_WRONLY | O_CLOEXEC)
                return descriptor >= 0 ? descriptor : nil
            })
    }

    /// Creates `ci-runner/<name>-<pid>-<random>` below this process's own cgroup in each writable hierarchy, with
    /// `pids` and `memory` limits where the controllers exist (or takes the set `prepare` made
    /// ahead, named `job-<pid>-<random>`). Returns nil when no hierarchy can be written.
    public static func create(name: String, pidsLimit: Int?, memoryLimit: UInt64?) -> JobCgroup? {
        let pooled = prepared.take()
        let directories = pooled?.directories ?? makeDirectories(name: name)
        guard !directories.isEmpty else { return nil }
        var notes: [String] = []
        for directory in directories {
            let controllers =
                directory.version == 2
                ? (try? String(contentsOfFile: directory.path + "/cgroup.controllers", encoding: .utf8)) ?? "" : directory.controller
            if let pidsLimit, controllers.contains("pids"), Self.write("\(pidsLimit)", to: directory.path + "/pids.max") {
                notes.append("pids.max \(pidsLimit)")
            }
            if let memoryLimit, controllers.contains("memory") {
                let v2 = directory.version == 2
                if Self.write("\(memoryLimit)", to: directory.path + (v2 ? "/memory.max" : "/memory.limit_in_bytes")) {
                    notes.append((v2 ? "memory.max " : "memory ") + Self.describe(memoryLimit))
                }
            }
        }
        let kinds = directories.map { $0.version == 2 ? "v2" : "v1 \($0.controller)" }.joined(separator: ", ")
        return JobCgroup(
            directories: directories, summary: "cgroup (\(kinds))" + (notes.isEmpty ? "" : ": " + notes.joined(separator: ", ")),
            spawner: pooled?.spawner)
    }

    /// Where the cgroup hierarchies are mounted.
    static let root = "/sys/fs/cgroup"

    /// Makes the job's directory in each writable hierarchy (v2 first, then v1's pids, memory and
    /// freezer), without limits.
    private static func makeDirectories(name: String) -> [Directory] {
        let own = ownCgroups
        // Unique per process and call: concurrent runners (and runs) never share a cgroup.
        let safeName =
            String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(64)) + "-\(getpid())-"
            + String(UUID().uuidString.prefix(8)).lowercased()
        var directories: [Directory] = []
        // cgroup v2: /sys/fs/cgroup itself, or /sys/fs/cgroup/unified in hybrid mode, where v1's
        // pids and freezer hierarchies do its work when they are there: with v1 alone, a job's
        // processes can be born in its cgroups (`startSpawner`).
        let v1Suffices = ["pids", "freezer"].allSatisfy { controller in
            own[controller] != nil && access(root + "/" + controller + "/cgroup.procs", W_OK) == 0
        }
        for mount in [root, root + "/unified"]
        where FileManager.default.fileExists(atPath: mount + "/cgroup.controllers") && !(v1Suffices && mount != root) {
            let parent = mount + (own[""] ?? "/").trimmingSuffix("/")
            let path = parent + "/ci-runner/" + safeName
            guard Self.makeDirectory(path) else { break }
            // Controllers reach a child only when each parent lists them in subtree_control
            // (which fails below a cgroup that holds processes, except at the root).
            Self.write("+pids +memory", to: parent + "/cgroup.subtree_control")
            Self.write("+pids +memory", to: parent + "/ci-runner/cgroup.subtree_control")
            directories.append(Directory(path: path, version: 2, controller: ""))
            break
        }
        // cgroup v1: one hierarchy per controller.
        for controller in ["pids", "memory", "freezer"] {
            let mount = root + "/" + controller
            guard FileManager.default.fileExists(atPath: mount + "/cgroup.procs"), let base = own[controller] else { continue }
            let path = mount + base.trimmingSuffix("/") + "/ci-runner/" + safeName
            guard Self.makeDirectory(path) else { continue }
            directories.append(Directory(path: path, version: 1, controller: controller))
        }
        return directories
    }

    /// The directories `prepare` made for the first job, until a job takes them.
    private static let prepared = Prepared()

    /// One set of job directories made ahead, handed to the first `create` (which waits for it
    /// when it is still being made).
    private final class Prepared: @unchecked Sendable {
        /// The directories and, where they are all v1, the spawner that joined them.
        struct Set: @unchecked Sendable {
            var directories: [Directory]
            var spawner: OpaquePointer?
        }
        private let state = Mutex<(started: Bool, made: Set?, done: Bool)>((false, nil, false))
        private let made = DispatchSemaphore(value: 0)

        /// Starts making the set; false when it was started before.
        func start() -> Bool {
            state.withLock { value in
                if value.started { return false }
                value.started = true
                return true
            }
        }

        func finish(_ set: Set) {
            state.withLock { $0.made = set.directories.isEmpty ? nil : set }
            made.signal()
        }

        /// The set, once; nil when none was started or it was taken.
        func take() -> Set? {
            let started = state.withLock { value in value.started && !value.done }
            guard started else { return nil }
            made.waitForEvent()
            return state.withLock { value in
                value.done = true
                defer { value.made = nil }
                return value.made
            }
        }
    }

    /// Removes the set `prepare` made when no job took it.
    public static func discardPrepared() {
        guard let set = prepared.take() else { return }
        if let spawner = set.spawner { ci_spawner_stop(spawner) }
        for directory in set.directories { removeDirectory(directory.path) }
    }

    /// rmdir, retried for up to 50 ms while the cgroup is busy (a thread that has just left it,
    /// such as a stopped spawner, can keep it so for a moment).
    static func removeDirectory(_ path: String) {
        var tries = 0
        while rmdir(path) != 0 && errno == EBUSY && tries < 50 {
            tries += 1
            usleep(1000)
        }
    }

    /// This process's cgroup in each hierarchy: controller (or "" for v2) → path. Read once: the
    /// runner does not move itself.
    static let ownCgroups: [String: String] = readOwnCgroups()

    private static func readOwnCgroups() -> [String: String] {
        let membership = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        var own: [String: String] = [:]
        for line in membership.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            if fields[0] == "0" {
                own[""] = String(fields[2])
            } else {
                for name in fields[1].split(separator: ",") { own[String(name)] = String(fields[2]) }
            }
        }
        return own
    }

    /// Readies the kernel's cgroup migration lock in the background, so that the job's first
    /// process joins its cgroup without waiting.
    ///
    /// Every write to a `cgroup.procs` file takes one system-wide lock whose writer side first
    /// waits for an RCU grace period (about 10 ms here) unless another write happened in the last
    /// few milliseconds. A job pays that wait once, when its first process joins the job's
    /// cgroup. Writing this process's own pid into the cgroup it is already in (which moves
    /// nothing) from another thread while the job prepares its directories pays it in parallel.
    /// With `sweeping`, the same thread then removes the job cgroups that runners which are
    /// gone left behind (`removeStale`).
    public static func primeMigrationLock(sweeping: Bool = false) {
        // v2's cgroup.procs takes the whole process, which is where it already is in that
        // hierarchy (a spawner thread is only ever in v1 cgroups); on v1 only this thread moves,
        // through `tasks`: writing to v1's cgroup.procs would move every thread of the runner,
        // the job's spawners too, out of their jobs' cgroups.
        let writable = ownDirectories().filter { access($0 + "/cgroup.procs", W_OK) == 0 }
        guard let own = writable.first else { return }
        let isV2 = FileManager.default.fileExists(atPath: own + "/cgroup.controllers")
        // With the sweep, once per run: the first job's directories are made first, while nothing
        // holds the cgroup lock (a mkdir waits for the lock the write below holds for its grace
        // period); the first job then takes them without waiting.
        let preparing = sweeping && prepared.start()
        let thread = Thread {
            var joining = false
            if preparing {
                let directories = makeDirectories(name: "job")
                // Where the set is all v1, its spawner's joining it is the write that readies
                // the lock, and the first job's processes need no other.
                let spawner = startSpawner(for: directories)
                joining = spawner != nil
                prepared.finish(Prepared.Set(directories: directories, spawner: spawner))
            }
            if !joining {
                if isV2 { Self.write("0", to: own + "/cgroup.procs") } else { Self.write("\(ci_gettid())", to: own + "/tasks") }
            }
            if sweeping { removeStale() }
        }
        thread.stackSize = 1 << 18
        thread.start()
    }

    /// Removes the job cgroups of runners that are gone (killed before they could remove them):
    /// `…/ci-runner/<name>-<pid>-<random>` whose pid no longer runs, when empty (as rmdir allows).
    public static func removeStale() {
        for directory in ownDirectories() {
            let parent = directory + "/ci-runner"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] {
                let parts = name.split(separator: "-")
                guard parts.count >= 3, let pid = pid_t(parts[parts.count - 2]), pid > 0, kill(pid, 0) != 0, errno == ESRCH else {
                    continue
                }
                rmdir(parent + "/" + name)
            }
        }
    }

    /// This process's own cgroup directory in each hierarchy mounted here (v2, then v1's pids,
    /// memory and freezer).
    static func ownDirectories() -> [String] {
        let own = ownCgroups
        let v2 = [root, root + "/unified"].compactMap { mount in own[""].map { mount + $0.trimmingSuffix("/") } }
        let v1 = ["pids", "memory", "freezer"].compactMap { controller in
            own[controller].map { root + "/" + controller + $0.trimmingSuffix("/") }
        }
        return (v2 + v1).filter { FileManager.default.fileExists(atPath: $0 + "/cgroup.procs") }
    }

    /// Runs `body` with every `cgroup.procs` file open for writing, for a child to join (by
    /// writing `0` from the child). Empty once the cgroup is removed.
    public func withProcsFiles<T>(_ body: ([Int32]) throws(SpawnError) -> T) throws(SpawnError) -> T {
        // Held for the spawn, so `remove` cannot close the files while a child writes to them.
        let result: Result<T, SpawnError> = procsFiles.withLock { files in
            do throws(SpawnError) {
                return .success(try body(files ?? []))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The processes in the job's cgroups.
    public var processes: Set<pid_t> {
        var pids = Set<pid_t>()
        for directory in directories {
            let text = (try? String(contentsOfFile: directory.path + "/cgroup.procs", encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") { if let pid = pid_t(line) { pids.insert(pid) } }
        }
        // Never the runner itself (its spawner thread is in the cgroups until it is stopped).
        pids.remove(getpid())
        return pids
    }

    /// Kills every process in the cgroups: `cgroup.kill` on v2; on v1, freezes the group (so
    /// nothing can fork meanwhile), sends SIGKILL to each member, and thaws it. Waits (up to a few
    /// seconds) until the cgroups are empty.
    public func killAll() async {
        for directory in directories where directory.version == 2 { _ = Self.write("1", to: directory.path + "/cgroup.kill") }
        let freezer = directories.first { $0.controller == "freezer" }
        // Microseconds, doubling up to 50 ms: exiting processes leave the list within a fraction
        // of a millisecond (a sandbox's, as its namespace ends), so the first looks come soon.
        var pause = 100
        var waited = 0
        while waited < 3_000_000 {
            let members = processes
            if members.isEmpty { return }
            if let freezer { _ = Self.write("FROZEN", to: freezer.path + "/freezer.state") }
            for pid in members { kill(pid, SIGKILL) }
            if let freezer { _ = Self.write("THAWED", to: freezer.path + "/freezer.state") }
            try? await Task.sleep(for: .microseconds(pause))
            waited += pause
            pause = min(pause * 2, 50_000)
        }
    }

    /// The job's cgroup directories, one per hierarchy.
    public var paths: [String] { directories.map(\.path) }

    /// Kills what is left and removes the directories.
    public func remove() async {
        stopSpawner()
        await killAll()
        procsFiles.withLock { files in
            for descriptor in files ?? [] { close(descriptor) }
            files = nil
        }
        for directory in directories { Self.removeDirectory(directory.path) }
    }

    /// Starts, once, a thread that joins the job's cgroups and starts the job's processes from
    /// there (`ci_spawner`), so that no process has to join them itself: only where every
    /// hierarchy is v1 (a v2 cgroup takes a whole process, not one thread). It joins on its own
    /// thread; `withReadySpawner` waits for that. `remove` stops it first.
    public func startSpawner() {
        spawner.withLock { value in
            if value == nil, let started = Self.startSpawner(for: directories) { value = SpawnerHandle(pointer: started) }
        }
    }

    /// Runs `body` with the spawner once it has joined the cgroups, holding it so that it cannot be
    /// stopped meanwhile; nil when there is none or it could not join (it is stopped then, and
    /// each process joins the cgroups itself).
    public func withReadySpawner<T>(_ body: (OpaquePointer) throws(SpawnError) -> T) throws(SpawnError) -> T? {
        let result: Result<T, SpawnError>? = spawner.withLock { value in
            guard let current = value else { return nil }
            if !current.ready {
                guard ci_spawner_ready(current.pointer) == 0 else {
                    ci_spawner_stop(current.pointer)
                    value = nil
                    return nil
                }
                value?.ready = true
            }
            do throws(SpawnError) {
                return .success(try body(current.pointer))
            } catch {
                return .failure(error)
            }
        }
        return try result?.get()
    }

    /// Stops the spawner (its thread leaves the cgroups as it ends).
    func stopSpawner() {
        if let stopped = spawner.withLock({ value -> OpaquePointer? in
            defer { value = nil }
            return value?.pointer
        }) {
            ci_spawner_stop(stopped)
        }
    }

    private static func startSpawner(for directories: [Directory]) -> OpaquePointer? {
        guard !directories.isEmpty, directories.allSatisfy({ $0.version == 1 }) else { return nil }
        var descriptors: [Int32] = []
        for directory in directories {
            let descriptor = open(directory.path + "/tasks", O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                for descriptor in descriptors { close(descriptor) }
                return nil
            }
            descriptors.append(descriptor)
        }
        guard let spawner = descriptors.withUnsafeBufferPointer({ ci_spawner_start($0.baseAddress, Int32($0.count)) }) else {
            for descriptor in descriptors { close(descriptor) }
            return nil
        }
        return spawner
    }

    private static func makeDirectory(_ path: String) -> Bool {
        (try? Directories.create(path)) != nil && access(path + "/cgroup.procs", W_OK) == 0
    }

    @discardableResult
    static func write(_ text: String, to path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return text.withCString { Glibc.write(descriptor, $0, strlen($0)) } == text.utf8.count
    }

    static func describe(_ bytes: UInt64) -> String {
        bytes >= 1 << 30 && bytes % (1 << 30) == 0 ? "\(bytes >> 30) GiB" : bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
