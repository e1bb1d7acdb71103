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

    func register(_ control: ProcessControl) {
        let stop = state.withLock { value -> Bool in
            value.controls[ObjectIdentifier(control)] = control
            return value.cancelled
        }
        if stop || (parent?.isCancelled ?? false) { control.stop(.cancelled) }
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
