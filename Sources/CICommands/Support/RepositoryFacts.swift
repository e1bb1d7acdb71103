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

    /// Reads the repository containing `directory`; without one, the directory itself with defaults.
    static func read(_ directory: String) -> RepositoryFacts {
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        guard let repository = try? Repository(discovering: absolute), let root = repository.workingDirectory else {
            return RepositoryFacts(
                root: absolute, files: nil, sha: String(repeating: "0", count: 40), ref: "refs/heads/main",
                repository: "local/" + URL(fileURLWithPath: absolute).lastPathComponent, actor: "ci-runner", commit: nil, remoteURL: nil)
        }
        let head = try? repository.head()
        let remote = repository.remoteURL()
        return RepositoryFacts(
            root: root, files: try? repository.workingTreeFiles(), sha: head?.commit.sha ?? String(repeating: "0", count: 40),
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
            (
                "timestamp",
                .string(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(commit?.author.time ?? 0))))
            ),
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
