import Foundation

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

    private init(directories: [Directory], summary: String) {
        self.directories = directories
        self.summary = summary
    }

    /// Creates `ci-runner/<name>-<pid>-<random>` below this process's own cgroup in each writable hierarchy, with
    /// `pids` and `memory` limits where the controllers exist. Returns nil when no hierarchy can
    /// be written.
    public static func create(name: String, pidsLimit: Int?, memoryLimit: UInt64?, root: String = "/sys/fs/cgroup") -> JobCgroup? {
        let membership = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        var own: [String: String] = [:]  // controller (or "" for v2) → path
        for line in membership.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            if fields[0] == "0" {
                own[""] = String(fields[2])
            } else {
                for name in fields[1].split(separator: ",") { own[String(name)] = String(fields[2]) }
            }
        }
        // Unique per process and call: concurrent runners (and runs) never share a cgroup.
        let safeName =
            String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(64)) + "-\(getpid())-"
            + String(UUID().uuidString.prefix(8)).lowercased()
        var directories: [Directory] = []
        var notes: [String] = []

        // cgroup v2: /sys/fs/cgroup itself, or /sys/fs/cgroup/unified in hybrid mode.
        for mount in [root, root + "/unified"] where FileManager.default.fileExists(atPath: mount + "/cgroup.controllers") {
            let parent = mount + (own[""] ?? "/").trimmingSuffix("/")
            let path = parent + "/ci-runner/" + safeName
            guard Self.makeDirectory(path) else { break }
            // Controllers reach a child only when each parent lists them in subtree_control
            // (which fails below a cgroup that holds processes, except at the root).
            Self.write("+pids +memory", to: parent + "/cgroup.subtree_control")
            Self.write("+pids +memory", to: parent + "/ci-runner/cgroup.subtree_control")
            let controllers = (try? String(contentsOfFile: path + "/cgroup.controllers", encoding: .utf8)) ?? ""
            if let pidsLimit, controllers.contains("pids"), Self.write("\(pidsLimit)", to: path + "/pids.max") {
                notes.append("pids.max \(pidsLimit)")
            }
            if let memoryLimit, controllers.contains("memory"), Self.write("\(memoryLimit)", to: path + "/memory.max") {
                notes.append("memory.max \(Self.describe(memoryLimit))")
            }
            directories.append(Directory(path: path, version: 2, controller: ""))
            break
        }
        // cgroup v1: one hierarchy per controller.
        for controller in ["pids", "memory", "freezer"] {
            let mount = root + "/" + controller
            guard FileManager.default.fileExists(atPath: mount + "/cgroup.procs"), let base = own[controller] else { continue }
            let path = mount + base.trimmingSuffix("/") + "/ci-runner/" + safeName
            guard Self.makeDirectory(path) else { continue }
            if controller == "pids", let pidsLimit, Self.write("\(pidsLimit)", to: path + "/pids.max") {
                notes.append("pids.max \(pidsLimit)")
            }
            if controller == "memory", let memoryLimit, Self.write("\(memoryLimit)", to: path + "/memory.limit_in_bytes") {
                notes.append("memory \(Self.describe(memoryLimit))")
            }
            directories.append(Directory(path: path, version: 1, controller: controller))
        }
        guard !directories.isEmpty else { return nil }
        let kinds = directories.map { $0.version == 2 ? "v2" : "v1 \($0.controller)" }.joined(separator: ", ")
        return JobCgroup(
            directories: directories, summary: "cgroup (\(kinds))" + (notes.isEmpty ? "" : ": " + notes.joined(separator: ", ")))
    }

    /// Opens every `cgroup.procs` file for writing, for a child to join (close them after the spawn).
    public func openProcsFiles() -> [Int32] {
        directories.compactMap { directory in
            let descriptor = open(directory.path + "/cgroup.procs", O_WRONLY | O_CLOEXEC)
            return descriptor >= 0 ? descriptor : nil
        }
    }

    /// The processes in the job's cgroups.
    public var processes: Set<pid_t> {
        var pids = Set<pid_t>()
        for directory in directories {
            let text = (try? String(contentsOfFile: directory.path + "/cgroup.procs", encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") { if let pid = pid_t(line) { pids.insert(pid) } }
        }
        return pids
    }

    /// Kills every process in the cgroups: `cgroup.kill` on v2; on v1, freezes the group (so
    /// nothing can fork meanwhile), sends SIGKILL to each member, and thaws it. Waits (up to a few
    /// seconds) until the cgroups are empty.
    public func killAll() async {
        for directory in directories where directory.version == 2 { _ = Self.write("1", to: directory.path + "/cgroup.kill") }
        let freezer = directories.first { $0.controller == "freezer" }
        var pause = 1  // milliseconds, doubling up to 50: exiting processes leave the list soon
        var waited = 0
        while waited < 3000 {
            let members = processes
            if members.isEmpty { return }
            if let freezer { _ = Self.write("FROZEN", to: freezer.path + "/freezer.state") }
            for pid in members { kill(pid, SIGKILL) }
            if let freezer { _ = Self.write("THAWED", to: freezer.path + "/freezer.state") }
            try? await Task.sleep(for: .milliseconds(pause))
            waited += pause
            pause = min(pause * 2, 50)
        }
    }

    /// Kills what is left and removes the directories.
    public func remove() async {
        await killAll()
        for directory in directories { rmdir(directory.path) }
    }

    private static func makeDirectory(_ path: String) -> Bool {
        (try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)) != nil
            && access(path + "/cgroup.procs", W_OK) == 0
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
