/// Everything an expression can see while it evaluates.
public struct EvaluationContext: Sendable {
    /// The named contexts (`github`, `env`, `matrix`, …); names match without regard to case.
    public var contexts: ExpressionObject
    /// The state the status functions (`success()`, `failure()`, …) report; nil where they are not available.
    public var status: StatusState?
    /// Hashes files for `hashFiles()`; nil where it is not available.
    public var files: (any FileHasher)?

    /// Creates a context.
    public init(contexts: ExpressionObject = ExpressionObject([]), status: StatusState? = nil, files: (any FileHasher)? = nil) {
        self.contexts = contexts
        self.status = status
        self.files = files
    }

    /// A context from JSON objects keyed by context name.
    public init(contexts: [(String, ExpressionValue)], status: StatusState? = nil, files: (any FileHasher)? = nil) {
        self.init(contexts: ExpressionObject(contexts), status: status, files: files)
    }
}

/// A job's or step's result, as the status functions see it.
public enum RunStatus: String, Sendable, Hashable, CaseIterable {
    /// Everything so far succeeded.
    case success
    /// Something failed.
    case failure
    /// The run was cancelled.
    case cancelled
    /// Something needed was skipped: neither `success()` nor `failure()` holds.
    case skipped
}

/// What `success()`, `failure()`, `cancelled()` and `always()` report.
public struct StatusState: Sendable, Hashable {
    /// The current status: of the job's earlier steps (step `if`), or of the jobs it needs (job `if`).
    public var current: RunStatus
    /// At job level, the result of each job in `needs` (including transitive ones), for
    /// `success('job')`-style calls with arguments.
    public var jobResults: [String: RunStatus]

    /// Creates a state.
    public init(current: RunStatus, jobResults: [String: RunStatus] = [:]) {
        self.current = current
        self.jobResults = jobResults
    }
}

/// Hashes workspace files for `hashFiles()`.
public protocol FileHasher: Sendable {
    /// GitHub's hash of the files matching `patterns` (`!` excludes), or `""` when none match.
    func hashFiles(_ patterns: [String]) throws(ExpressionError) -> String
}
