import CISandbox
import Synchronization

/// Cancels a job instance: marks it cancelled and stops the step process running in it.
/// Shared by the run (Ctrl-C), the matrix (fail-fast) and the job's own timeout.
final class JobCancellation: Sendable {
    private let state = Mutex<(cancelled: Bool, timedOut: Bool, controls: [ObjectIdentifier: ProcessControl])>((false, false, [:]))
    private let parent: JobCancellation?

    init(parent: JobCancellation? = nil) {
        self.parent = parent
        parent?.children.withLock { $0.append(self) }
    }

    private let children = Mutex<[JobCancellation]>([])

    var isCancelled: Bool { state.withLock { $0.cancelled } || (parent?.isCancelled ?? false) }
    var timedOut: Bool { state.withLock { $0.timedOut } }

    /// Whether the job was already cancelled when the current step's `if` was evaluated. Such a
    /// step runs on `always()` or `cancelled()` and is not stopped by that cancellation.
    @TaskLocal static var stepStartsCancelled = false

    /// Tracks a step's process so that a cancellation stops it. A step that began before the
    /// cancellation and registers after it is stopped at once.
    func register(_ control: ProcessControl) {
        let stop = state.withLock { value -> Bool in
            value.controls[ObjectIdentifier(control)] = control
            return value.cancelled
        }
        if (stop || (parent?.isCancelled ?? false)) && !Self.stepStartsCancelled { control.stop(.cancelled) }
    }

    /// Kills every running step process at once (a second Ctrl-C), here and in every child.
    func kill() {
        for control in state.withLock({ Array($0.controls.values) }) { control.kill() }
        for child in children.withLock({ $0 }) { child.kill() }
    }

    func unregister(_ control: ProcessControl) {
        _ = state.withLock { $0.controls.removeValue(forKey: ObjectIdentifier(control)) }
    }

    /// Cancels: running steps get SIGTERM (then SIGKILL), later steps see `cancelled()`.
    func cancel(timedOut: Bool = false) {
        let controls = state.withLock { value -> [ProcessControl] in
            value.cancelled = true
            if timedOut { value.timedOut = true }
            return Array(value.controls.values)
        }
        for control in controls { control.stop(.cancelled) }
        for child in children.withLock({ $0 }) { child.cancel() }
    }
}
