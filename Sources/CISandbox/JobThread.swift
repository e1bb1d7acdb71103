import CSpawn
import Foundation

/// A thread of its own for one job: a task executor on which the job's task runs, so that the
/// job can wait for its step's process right there, blocking only itself.
///
/// Without it, every step would hand its wait to a new thread and come back to the shared
/// cooperative pool afterwards: two thread switches per step, each a wake-up that costs tens of
/// microseconds, and on a virtual machine with idle CPUs sometimes a millisecond. With it, a step
/// costs what a shell's `fork`, `exec` and `wait` cost.
///
/// Use it with `withTaskExecutorPreference(_:operation:)`; code in that task that runs
/// nonisolated runs on this thread. Call `finish()` afterwards to end the thread.
public final class JobThread: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    /// Jobs waiting to run, guarded by `condition`.
    private var queue: [UnownedJob] = []
    private var finished = false

    /// Starts the thread.
    public init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Whether the calling thread is a job's own (where blocking waits are fine).
    public static var isCurrent: Bool { ci_thread_is_marked() != 0 }

    /// Queues a job of the task for the thread.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once the jobs queued so far have run.
    public func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        ci_mark_thread()
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while queue.isEmpty && !finished { condition.wait() }
            if queue.isEmpty {
                condition.unlock()
                return
            }
            let job = queue.removeFirst()
            condition.unlock()
            job.runSynchronously(on: executor)
        }
    }
}
