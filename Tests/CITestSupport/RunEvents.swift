import CIBasics
import Foundation

/// The NDJSON event stream of `ci-runner run --json`, parsed, with the questions tests ask of it.
public struct RunEvents: Sendable {
    /// Every event, in order.
    public var events: [JSONValue]

    /// Parses NDJSON text; lines that are not JSON objects are ignored.
    public init(ndjson: String) {
        events = ndjson.split(separator: "\n").compactMap { line in
            guard let value = try? JSONValue.parse(bytes: Array(line.utf8)), case .object = value else { return nil }
            return value
        }
    }

    /// Events of one type.
    public func of(_ type: String) -> [JSONValue] { events.filter { $0["type"]?.stringValue == type } }

    /// Each finished job instance's result, by its display name.
    public var jobResults: [String: String] {
        var results: [String: String] = [:]
        for event in of("job_finished") {
            if let name = event["job"]?.stringValue { results[name] = event["result"]?.stringValue ?? "" }
        }
        return results
    }

    /// The results of every instance of the job with this id.
    public func results(ofJob id: String) -> [String] {
        of("job_finished").filter { $0["job_id"]?.stringValue == id }.compactMap { $0["result"]?.stringValue }
    }

    /// The display names of the job instances that started, in order.
    public var startedJobs: [String] { of("job_started").compactMap { $0["job"]?.stringValue } }

    /// `(name, outcome, conclusion)` of each finished step of a job instance, in order.
    public func steps(of job: String) -> [(name: String, outcome: String, conclusion: String)] {
        of("step_finished").filter { $0["job"]?.stringValue == job }.map {
            ($0["name"]?.stringValue ?? "", $0["outcome"]?.stringValue ?? "", $0["conclusion"]?.stringValue ?? "")
        }
    }

    /// Everything the steps printed (already masked), in order; only `job`'s when given.
    public func output(of job: String? = nil) -> String {
        of("output").filter { job == nil || $0["job"]?.stringValue == job }.compactMap { $0["text"]?.stringValue }.joined()
    }

    /// The message of each job that ended with one.
    public var jobMessages: [String: String] {
        var messages: [String: String] = [:]
        for event in of("job_finished") {
            if let name = event["job"]?.stringValue, let message = event["message"]?.stringValue { messages[name] = message }
        }
        return messages
    }

    /// The run's result.
    public var runResult: String? { of("run_finished").last?["result"]?.stringValue }
}
