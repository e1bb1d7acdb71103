import CIBasics
import CIExpressions

/// How a step or job ended.
public enum Conclusion: String, Sendable, Hashable, Codable {
    /// It succeeded (or failed with `continue-on-error`).
    case success
    /// It failed.
    case failure
    /// It was cancelled (Ctrl-C, fail-fast, timeout of the job).
    case cancelled
    /// It did not run: its `if` was false, or an earlier failure stopped it.
    case skipped

    var runStatus: RunStatus {
        switch self {
        case .success: .success
        case .failure: .failure
        case .cancelled: .cancelled
        case .skipped: .skipped
        }
    }
}

/// Identifies one job instance in a run: the job's id and, for matrix jobs, its display name.
public struct JobKey: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// The job id in the workflow (for a job of a called reusable workflow, `caller/job`).
    public var id: String
    /// The instance's name as shown: `build (3.11)`.
    public var name: String
    /// The position of the instance in its matrix (0 without one).
    public var index: Int

    /// Creates a key.
    public init(id: String, name: String, index: Int = 0) {
        self.id = id
        self.name = name
        self.index = index
    }

    /// The name.
    public var description: String { name }

    /// Orders by id, then matrix position.
    public static func < (lhs: JobKey, rhs: JobKey) -> Bool { (lhs.id, lhs.index) < (rhs.id, rhs.index) }
}

/// An annotation a step made with `::error`, `::warning` or `::notice`.
public struct Annotation: Sendable, Hashable, Codable {
    /// `error`, `warning` or `notice`.
    public var level: String
    /// The message.
    public var message: String
    /// The `file`, `line`, `col`, `endLine`, `endColumn` and `title` properties.
    public var properties: [String: String]
}

/// Everything that happens during a run, in order. Every reporter consumes this one stream.
public enum RunEvent: Sendable {
    /// The run began.
    case runStarted(runID: String, workflow: String, event: String, jobs: [String])
    /// A job instance began.
    case jobStarted(JobKey)
    /// A step began.
    case stepStarted(JobKey, step: Int, name: String)
    /// Output of a step (masked, complete lines), or of the job's setup when `step` is nil.
    case output(JobKey, step: Int?, [UInt8])
    /// A `::group::` began (`title`) or ended (`title` nil).
    case group(JobKey, step: Int, title: String?)
    /// A `::debug::` message.
    case debug(JobKey, step: Int, String)
    /// A fact about the job for its log (how it is isolated, …), shown on the terminal with `--verbose`.
    case note(JobKey, String)
    /// An annotation.
    case annotation(JobKey, step: Int?, Annotation)
    /// A step ended.
    case stepFinished(JobKey, step: Int, name: String, outcome: Conclusion, conclusion: Conclusion, seconds: Double)
    /// A job instance ended (or was skipped without starting).
    case jobFinished(JobKey, result: Conclusion, seconds: Double, message: String?)
    /// The run ended.
    case runFinished(result: Conclusion, seconds: Double)
}

/// Receives the events of a run. Called from many threads, one event at a time (the bus serialises).
public protocol RunReporter: AnyObject, Sendable {
    /// Handles one event.
    func receive(_ event: RunEvent)
    /// Called once after `runFinished`, to flush.
    func finish()
}

extension RunReporter {
    /// Does nothing.
    public func finish() {}
}
