import CIBasics

/// `--json`: every event as one JSON line.
public final class NDJSONReporter: RunReporter {
    private let stream: ByteSink

    /// Creates a reporter that writes to `stream`.
    public init(stream: ByteSink = .standardOutput) {
        self.stream = stream
    }

    /// Writes the event as one line.
    public func receive(_ event: RunEvent) {
        stream.write(event.json.serializedLine())
    }
}
