import CGitPreload
import CLibGit2
import Foundation

/// A libgit2 call that failed: which call, its error code, and libgit2's message.
public struct GitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. Open-ended.
    public struct Code: RawRepresentable, Hashable, Sendable {
        /// The code's text.
        public var rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// No repository at or above the path.
        public static let notARepository = Code(rawValue: "not-a-repository")
        /// HEAD names a branch with no commits yet.
        public static let unbornBranch = Code(rawValue: "unborn-branch")
        /// Something was not found (a remote, a reference, an object).
        public static let notFound = Code(rawValue: "not-found")
        /// Any other libgit2 failure.
        public static let failed = Code(rawValue: "failed")
        /// libgit2 itself could not be loaded.
        public static let libraryMissing = Code(rawValue: "library-missing")
    }

    /// The kind of failure.
    public var code: Code
    /// The libgit2 function that failed, such as `git_repository_open_ext`.
    public var call: String
    /// libgit2's own message.
    public var message: String

    /// `call failed: message`.
    public var description: String { "\(call) failed: \(message)" }

    /// The error for a failed call that returned `result`, with libgit2's last error message.
    static func from(_ result: Int32, call: String) -> GitError {
        let message = ci_git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "error \(result)"
        let code: Code
        switch result {
        case GIT_ENOTFOUND.rawValue: code = call.hasPrefix("git_repository_open") ? .notARepository : .notFound
        case GIT_EUNBORNBRANCH.rawValue: code = .unbornBranch
        default: code = .failed
        }
        return GitError(code: code, call: call, message: message)
    }
}

/// Calls a libgit2 function and throws a `GitError` naming it when it fails.
@inline(__always)
func check(_ result: Int32, _ call: String) throws(GitError) {
    if result < 0 { throw GitError.from(result, call: call) }
}

/// libgit2's global state: loaded (see CLibGit2/shim.h) and initialised once, for the life of the
/// process.
enum GitLibrary {
    private static let loaded: GitError? = {
        // The load `prepareLibrary` started (CGitPreload), if any, ends first: then the library
        // is loaded and started, and what follows only finds it (or fails again, with a message).
        _ = ci_git_preload_wait()
        // CI_RUNNER_LIBGIT2 names another copy of the library (a path), for a libgit2 that is not
        // where the dynamic loader looks.
        let path = ProcessInfo.processInfo.environment["CI_RUNNER_LIBGIT2"].flatMap { $0.isEmpty ? nil : $0 }
        var message: UnsafePointer<CChar>?
        guard ci_git_load(path, &message) != nil else {
            let reason = message.map { String(cString: $0) } ?? "not found"
            let name = path ?? String(cString: ci_git_library_name())
            return GitError(
                code: .libraryMissing, call: "dlopen",
                message: "cannot load \(name) (install libgit2 1.5, e.g. apt-get install libgit2-1.5, or set CI_RUNNER_LIBGIT2): \(reason)")
        }
        if let missing = ci_git_missing_symbol() {
            return GitError(
                code: .libraryMissing, call: "dlsym",
                message: "\(path ?? String(cString: ci_git_library_name())) has no \(String(cString: missing)) (libgit2 1.5 is needed)")
        }
        let result = ci_git_libgit2_init()
        return result < 0 ? GitError.from(result, call: "git_libgit2_init") : nil
    }()

    /// Makes sure libgit2 is loaded and `git_libgit2_init` has run; throws when it cannot be.
    static func ensureInitialized() throws(GitError) {
        if let loaded { throw loaded }
    }
}

extension Repository {
    /// Waits for the libgit2 load `prepareLibrary` (or, for `run`, the process) started, if any.
    public static func finishPreload() { _ = ci_git_preload_wait() }

    /// Starts loading and initialising libgit2 on another thread (it reads and parses the system's
    /// CA certificates, a few milliseconds), so that the first repository opened later waits
    /// less. Once per process; with glibc, `run` has started it before main (CGitPreload).
    public static func prepareLibrary() { ci_git_preload_start() }
}
