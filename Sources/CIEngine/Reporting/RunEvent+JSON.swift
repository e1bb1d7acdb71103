import CIBasics

extension RunEvent {
    /// The event as one JSON object (one NDJSON line), with a `type` field.
    public var json: JSONValue {
        func job(_ key: JobKey) -> [(String, JSONValue)] {
            [("job", .string(key.name)), ("job_id", .string(key.id)), ("index", .int(key.index))]
        }
        switch self {
        case .runStarted(let runID, let workflow, let event, let jobs):
            return .object([
                ("type", .string("run_started")), ("run_id", .string(runID)), ("workflow", .string(workflow)), ("event", .string(event)),
                ("jobs", .array(jobs.map(JSONValue.string))),
            ])
        case .jobStarted(let key):
            return .object([("type", .string("job_started"))] + job(key))
        case .stepStarted(let key, let step, let name):
            return .object([("type", .string("step_started"))] + job(key) + [("step", .int(step)), ("name", .string(name))])
        case .output(let key, let step, let bytes):
            return .object(
                [("type", .string("output"))] + job(key) + [
                    ("step", step.map(JSONValue.int) ?? .null), ("text", .string(String(decoding: bytes, as: UTF8.self))),
                ])
        case .group(let key, let step, let title):
            return .object(
                [("type", .string(title == nil ? "group_ended" : "group_started"))] + job(key) + [
                    ("step", .int(step)), ("title", title.map(JSONValue.string) ?? .null),
                ])
        case .note(let key, let message):
            return .object([("type", .string("note"))] + job(key) + [("message", .string(message))])
        case .debug(let key, let step, let message):
            return .object([("type", .string("debug"))] + job(key) + [("step", .int(step)), ("message", .string(message))])
        case .annotation(let key, let step, let annotation):
            return .object(
                [("type", .string("annotation"))] + job(key)
                    + [
                        ("step", step.map(JSONValue.int) ?? .null), ("level", .string(annotation.level)),
                        ("message", .string(annotation.message)),
                        ("properties", .object(annotation.properties.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                    ])
        case .stepFinished(let key, let step, let name, let outcome, let conclusion, let seconds):
            return .object(
                [("type", .string("step_finished"))] + job(key)
                    + [
                        ("step", .int(step)), ("name", .string(name)), ("outcome", .string(outcome.rawValue)),
                        ("conclusion", .string(conclusion.rawValue)), ("seconds", .double(seconds)),
                    ])
        case .jobFinished(let key, let result, let seconds, let message):
            return .object(
                [("type", .string("job_finished"))] + job(key)
                    + [
                        ("result", .string(result.rawValue)), ("seconds", .double(seconds)),
                        ("message", message.map(JSONValue.string) ?? .null),
                    ])
        case .runFinished(let result, let seconds):
            return .object([("type", .string("run_finished")), ("result", .string(result.rawValue)), ("seconds", .double(seconds))])
        }
    }
}
