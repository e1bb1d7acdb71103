import CLibGit2

/// A git repository opened through libgit2. Owns its `git_repository` handle and frees it.
///
/// Not `Sendable`: use one from a single thread, within a scope. Calls block; run them off the
/// cooperative thread pool.
public final class Repository {
    private let handle: OpaquePointer

    /// Opens the repository that contains `path` (searching parent directories).
    public init(discovering path: String) throws(GitError) {
        try GitLibrary.ensureInitialized()
        var pointer: OpaquePointer?
        try check(ci_git_repository_open_ext(&pointer, path, 0, nil), "git_repository_open_ext")
        guard let pointer else { throw GitError(code: .failed, call: "git_repository_open_ext", message: "no repository") }
        handle = pointer
    }

    deinit { ci_git_repository_free(handle) }

    /// The working tree's root, without a trailing slash; nil for a bare repository.
    public var workingDirectory: String? {
        guard let path = ci_git_repository_workdir(handle) else { return nil }
        let text = String(cString: path)
        return text.count > 1 && text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// HEAD: the reference it names (`refs/heads/main`, or nil when detached) and the commit.
    public func head() throws(GitError) -> Head {
        var reference: OpaquePointer?
        try check(ci_git_repository_head(&reference, handle), "git_repository_head")
        defer { ci_git_reference_free(reference) }
        guard let reference, let oid = ci_git_reference_target(reference) else {
            throw GitError(code: .failed, call: "git_reference_target", message: "HEAD has no target")
        }
        let detached = ci_git_repository_head_detached(handle) == 1
        let name = detached ? nil : ci_git_reference_name(reference).map { String(cString: $0) }
        return Head(reference: name, commit: try commit(oid))
    }

    /// The commit with id `oid`.
    private func commit(_ oid: UnsafePointer<git_oid>) throws(GitError) -> Commit {
        var pointer: OpaquePointer?
        try check(ci_git_commit_lookup(&pointer, handle, oid), "git_commit_lookup")
        defer { ci_git_commit_free(pointer) }
        guard let pointer else { throw GitError(code: .notFound, call: "git_commit_lookup", message: "no commit") }
        let author = ci_git_commit_author(pointer).map(Signature.init) ?? Signature(name: "", email: "", time: 0, offsetMinutes: 0)
        let committer = ci_git_commit_committer(pointer).map(Signature.init) ?? author
        return Commit(
            sha: Self.hex(oid), message: ci_git_commit_message(pointer).map { String(cString: $0) } ?? "", author: author,
            committer: committer
        )
    }

    /// The URL of remote `name` as configured (`remote.<name>.url`, before any `insteadOf`
    /// rewriting), or nil when there is no such remote.
    public func remoteURL(_ name: String = "origin") -> String? {
        var config: OpaquePointer?
        guard ci_git_repository_config_snapshot(&config, handle) == 0, let config else { return nil }
        defer { ci_git_config_free(config) }
        var value: UnsafePointer<CChar>?
        guard ci_git_config_get_string(&value, config, "remote.\(name).url") == 0, let value else { return nil }
        return String(cString: value)
    }

    /// The working tree's files as `git ls-files --cached --others --exclude-standard` lists them:
    /// tracked files that still exist, and untracked files git does not ignore. Paths are
    /// relative, with `/`, sorted.
    public func workingTreeFiles() throws(GitError) -> [String] {
        var files = Set<String>()
        var index: OpaquePointer?
        try check(ci_git_repository_index(&index, handle), "git_repository_index")
        defer { ci_git_index_free(index) }
        for position in 0..<ci_git_index_entrycount(index) {
            if let entry = ci_git_index_get_byindex(index, position), let path = entry.pointee.path {
                // Skip gitlinks (submodules): mode 0160000.
                if entry.pointee.mode & 0o170000 != 0o160000 { files.insert(String(cString: path)) }
            }
        }
        var options = ci_git_status_options_init()
        options.show = GIT_STATUS_SHOW_WORKDIR_ONLY
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
        var list: OpaquePointer?
        try check(ci_git_status_list_new(&list, handle, &options), "git_status_list_new")
        defer { ci_git_status_list_free(list) }
        for position in 0..<ci_git_status_list_entrycount(list) {
            guard let entry = ci_git_status_byindex(list, position), let delta = entry.pointee.index_to_workdir else { continue }
            let status = entry.pointee.status.rawValue
            if status & GIT_STATUS_WT_NEW.rawValue != 0, let path = delta.pointee.new_file.path {
                files.insert(String(cString: path))
            }
            if status & GIT_STATUS_WT_DELETED.rawValue != 0, let path = delta.pointee.old_file.path {
                files.remove(String(cString: path))
            }
        }
        return files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func hex(_ oid: UnsafePointer<git_oid>) -> String {
        var buffer = [CChar](repeating: 0, count: 41)
        ci_git_oid_tostr(&buffer, buffer.count, oid)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// What HEAD points at.
public struct Head: Sendable, Hashable {
    /// The full reference name, such as `refs/heads/main`; nil when HEAD is detached.
    public var reference: String?
    /// The commit.
    public var commit: Commit
}

/// A commit's id, message and signatures.
public struct Commit: Sendable, Hashable {
    /// The 40-character hex id.
    public var sha: String
    /// The full message.
    public var message: String
    /// Who wrote the change.
    public var author: Signature
    /// Who committed it.
    public var committer: Signature
}

/// A name, an email and a time.
public struct Signature: Sendable, Hashable {
    /// The name.
    public var name: String
    /// The email.
    public var email: String
    /// Seconds since 1970.
    public var time: Int64
    /// The time zone offset, in minutes.
    public var offsetMinutes: Int32

    /// Creates a signature.
    public init(name: String, email: String, time: Int64, offsetMinutes: Int32) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ pointer: UnsafePointer<git_signature>) {
        self.init(
            name: pointer.pointee.name.map { String(cString: $0) } ?? "", email: pointer.pointee.email.map { String(cString: $0) } ?? "",
            time: pointer.pointee.when.time, offsetMinutes: pointer.pointee.when.offset)
    }
}

extension Signature {
    /// The time as ISO 8601 in the signer's time zone, as GitHub's payloads give it:
    /// `2024-05-01T14:03:09+02:00` (`Z` for UTC).
    public var iso8601: String {
        let local = time + Int64(offsetMinutes) * 60
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let seconds = local - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let zone: String
        if offsetMinutes == 0 {
            zone = "Z"
        } else {
            let magnitude = Int64(abs(Int(offsetMinutes)))
            zone = (offsetMinutes < 0 ? "-" : "+") + two(magnitude / 60) + ":" + two(magnitude % 60)
        }
        return "\(year)-\(two(month))-\(two(day))T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))" + zone
    }
}
