import CIBasics
import Foundation

/// The directories of one job instance under the run directory: workspace, temp, home, tool
/// cache (per job, so what a job installs there does not reach another).
struct JobDirectories {
    let root: String
    let workspace: String
    let temp: String
    let home: String
    let toolCache: String
    /// Where the step scripts and `GITHUB_*` command files go: a folder in /dev/shm (memory: a
    /// step's small files cost no disk inode), or `temp/_runner_file_commands`.
    let commands: String

    /// Creates the directories for `slug` (the workspace empty, or `override`: see `fillWorkspace`).
    init(configuration: RunConfiguration, slug: String) throws {
        root = configuration.runDirectory + "/jobs/" + slug
        workspace = configuration.workspaceOverride ?? root + "/workspace"
        temp = root + "/temp"
        home = root + "/home"
        toolCache = root + "/tool-cache"
        commands =
            access("/dev/shm", W_OK) == 0
            ? "/dev/shm/ci-runner-\(getpid())-\(slug)-\(UUID().uuidString.prefix(8).lowercased())" : temp + "/_runner_file_commands"
        for directory in [workspace, temp, home, toolCache, temp + "/_github_workflow"] { try Directories.create(directory) }
        // Scripts and command files can hold secrets: only the runner's user reads them.
        Self.removeStaleCommandFolders()
        try Directories.create(commands, mode: 0o700)
    }

    /// Fills the workspace with a copy of the source tree (unless the run has its own workspace).
    func fillWorkspace(configuration: RunConfiguration) throws {
        guard configuration.workspaceOverride == nil else { return }
        try Self.copy(from: configuration.sourceDirectory, files: configuration.sourceFiles, to: workspace)
    }

    /// Removes what the job made: the folder of scripts and command files, and the job's folder
    /// unless `keep`. With `keep`, an in-memory folder of scripts and command files (bwrap's log
    /// too) is first copied to `temp/_runner_file_commands`, where it is without /dev/shm.
    func remove(keep: Bool) {
        if commands.hasPrefix("/dev/shm/") {
            let kept = temp + "/_runner_file_commands"
            if keep, (try? Directories.create(kept, mode: 0o700)) != nil { try? Self.copy(from: commands, files: nil, to: kept) }
            try? Directories.remove(commands)
        }
        if !keep { try? Directories.remove(root) }
    }

    /// Removes `/dev/shm/ci-runner-<pid>-…` folders whose runner is gone (killed before it could).
    static func removeStaleCommandFolders() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? [] where name.hasPrefix("ci-runner-") {
            guard let pid = Int32(name.dropFirst("ci-runner-".count).prefix { $0.isNumber }), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? Directories.remove("/dev/shm/" + name) }
        }
    }

    /// Copies `files` (relative paths; nil: everything but `.git`) from `source` into `target`,
    /// keeping symbolic links as links and file modes.
    /// Outside a git repository the whole folder is copied (as act does), but not a folder this
    /// large: running a workflow file that sits in `/tmp` or a home folder would copy all of it.
    static let maximumUntrackedFiles = 20_000

    struct TooManyFiles: Error, CustomStringConvertible {
        var directory: String
        var description: String {
            "\(directory) is not in a git repository and holds more than \(maximumUntrackedFiles) files, which every job would copy; run from a repository (only its tracked and unignored files are copied) or pass --workspace DIR"
        }
    }

    /// With `whole`, everything under `source` is copied, `.git` too and however many files.
    static func copy(from source: String, files: [String]?, to target: String, whole: Bool = false) throws {
        let manager = FileManager.default
        let list: [String]
        if let files {
            list = files
        } else {
            var all: [String] = []
            if let enumerator = manager.enumerator(atPath: source) {
                while let path = enumerator.nextObject() as? String {
                    if !whole, path == ".git" || path.hasPrefix(".git/") {
                        enumerator.skipDescendants()
                        continue
                    }
                    var isDirectory: ObjCBool = false
                    if manager.fileExists(atPath: source + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                        all.append(path)
                    } else if (try? manager.destinationOfSymbolicLink(atPath: source + "/" + path)) != nil {
                        all.append(path)
                    }
                    if !whole, all.count > maximumUntrackedFiles { throw TooManyFiles(directory: source) }
                }
            }
            list = all
        }
        var created = Set<String>()
        for path in list {
            let from = source + "/" + path
            let to = target + "/" + path
            let parent = (to as NSString).deletingLastPathComponent
            if !created.contains(parent) {
                try Directories.create(parent)
                created.insert(parent)
            }
            // A tracked file deleted in the working tree is skipped. A folder in the list is a
            // repository inside the working tree that git does not track (libgit2 lists it as
            // `nested/`; registered submodules are not listed): it is copied whole, its .git too.
            if try Files.copy(from, to: to) == .directory {
                try Directories.create(to)
                try copy(from: from, files: nil, to: to, whole: true)
            }
        }
    }
}
