import CIBasics
import CIEngine
import CIGit
import Foundation

/// What `run` learns about the repository through libgit2: the working tree to copy, HEAD, the
/// remote and the author, for the `github` context.
struct RepositoryFacts {
    var root: String
    var files: [String]?
    var sha: String
    var ref: String
    var repository: String
    var actor: String
    var commit: Commit?
    var remoteURL: String?

    /// Reads the repository for `target` (a workflow file or a directory) through libgit2.
    ///
    /// The project is the folder that holds the workflow's `.github/workflows/`: the repository's
    /// root, or a sub-folder with its own `.github/workflows/` (such as `examples/app`); its files
    /// (tracked, plus untracked ones git does not ignore) are what each job's workspace gets.
    /// Outside a repository, the folder itself with default facts. Throws only when libgit2
    /// itself cannot be loaded (every folder would look like no repository).
    static func read(target: String) throws(GitError) -> RepositoryFacts {
        let absolute = URL(fileURLWithPath: target).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory)
        let folder = exists && isDirectory.boolValue ? absolute : (absolute as NSString).deletingLastPathComponent
        // The project folder the target names, when it names one by its .github/workflows/.
        var project: String?
        if folder.hasSuffix("/.github/workflows") {
            project = String(folder.dropLast("/.github/workflows".count))
        } else if FileManager.default.fileExists(atPath: folder + "/.github/workflows") {
            project = folder
        }
        let found: Repository?
        do {
            found = try Repository(discovering: folder)
        } catch {
            if error.code == .libraryMissing { throw error }
            found = nil
        }
        guard let repository = found, let workdir = repository.workingDirectory else {
            let root = project ?? folder
            return RepositoryFacts(
                root: root, files: nil, sha: String(repeating: "0", count: 40), ref: "refs/heads/main",
                repository: "local/" + URL(fileURLWithPath: root).lastPathComponent, actor: "ci-runner", commit: nil, remoteURL: nil)
        }
        let gitRoot = URL(fileURLWithPath: workdir).standardizedFileURL.path
        var root = gitRoot
        var files = try? repository.workingTreeFiles()
        if let project, project.hasPrefix(gitRoot + "/") {
            root = project
            let prefix = String(project.dropFirst(gitRoot.count + 1)) + "/"
            files = files?.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        }
        let head = try? repository.head()
        let remote = repository.remoteURL()
        return RepositoryFacts(
            root: root, files: files, sha: head?.commit.sha ?? String(repeating: "0", count: 40),
            ref: head?.reference ?? "refs/heads/main",
            repository: remote.flatMap(Self.ownerAndName) ?? "local/" + URL(fileURLWithPath: root).lastPathComponent,
            actor: head.map { $0.commit.author.name.isEmpty ? "ci-runner" : $0.commit.author.name } ?? "ci-runner", commit: head?.commit,
            remoteURL: remote)
    }

    /// `owner/name` from a remote URL such as `https://github.com/owner/name.git` or `git@host:owner/name.git`.
    static func ownerAndName(_ url: String) -> String? {
        var path = url
        if let scheme = path.range(of: "://") {
            path = String(path[scheme.upperBound...])
            guard let slash = path.firstIndex(of: "/") else { return nil }
            path = String(path[path.index(after: slash)...])
        } else if let colon = path.firstIndex(of: ":") {
            path = String(path[path.index(after: colon)...])
        }
        if path.hasSuffix(".git") { path = String(path.dropLast(4)) }
        let parts = path.split(separator: "/")
        guard parts.count >= 2 else { return nil }
        return parts.suffix(2).joined(separator: "/")
    }

    /// A payload like GitHub's for `event` when none is given.
    func payload(for event: String) -> JSONValue {
        let owner = String(repository.split(separator: "/").first ?? "")
        let name = String(repository.split(separator: "/").last ?? "")
        let repositoryValue: JSONValue = .object([
            ("name", .string(name)), ("full_name", .string(repository)),
            ("owner", .object([("login", .string(owner)), ("name", .string(owner))])),
            ("default_branch", .string("main")), ("clone_url", .string(remoteURL ?? "")),
        ])
        let author: JSONValue = .object([("name", .string(commit?.author.name ?? actor)), ("email", .string(commit?.author.email ?? ""))])
        let headCommit: JSONValue = .object([
            ("id", .string(sha)), ("tree_id", .string("")), ("message", .string(commit?.message.trimmingCharacters(in: .newlines) ?? "")),
            ("timestamp", .string((commit?.author ?? Signature(name: "", email: "", time: 0, offsetMinutes: 0)).iso8601)),
            ("author", author), ("committer", author),
        ])
        switch event {
        case "push":
            return .object([
                ("ref", .string(ref)), ("before", .string(String(repeating: "0", count: 40))), ("after", .string(sha)),
                ("repository", repositoryValue), ("pusher", author), ("sender", .object([("login", .string(actor))])),
                ("head_commit", headCommit), ("commits", .array([headCommit])),
            ])
        case "pull_request", "pull_request_target":
            let branch = ref.hasPrefix("refs/heads/") ? String(ref.dropFirst(11)) : ref
            return .object([
                ("action", .string("opened")), ("number", .int(1)), ("repository", repositoryValue),
                ("sender", .object([("login", .string(actor))])),
                (
                    "pull_request",
                    .object([
                        ("number", .int(1)), ("head", .object([("ref", .string(branch)), ("sha", .string(sha))])),
                        ("base", .object([("ref", .string("main"))])),
                    ])
                ),
            ])
        default:
            return .object([("repository", repositoryValue), ("sender", .object([("login", .string(actor))]))])
        }
    }
}
