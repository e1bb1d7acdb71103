import Synchronization

/// The single stream of run events: each event goes to every reporter, in order, one at a time.
///
/// Delivery is synchronous on the thread that emits, so a slow reporter slows the step that
/// writes the output (as a full pipe would) instead of letting output pile up in memory.
public final class EventBus: Sendable {
    private let reporters: Mutex<[any RunReporter]>

    /// Creates a bus that delivers to `reporters`.
    public init(_ reporters: [any RunReporter]) {
        self.reporters = Mutex(reporters)
    }

    /// Delivers `event` to every reporter.
    public func emit(_ event: RunEvent) {
        reporters.withLock { reporters in
            for reporter in reporters { reporter.receive(event) }
        }
    }

    /// Flushes every reporter.
    public func finish() {
        reporters.withLock { reporters in
            for reporter in reporters { reporter.finish() }
        }
    }
}
