import CIBasics
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Saves a run's logs: each job's whole log in `logs/<job>.log` (its messages, and each step's
/// output after a `==> Step N: name` line), an index of where each step's output lies in
/// `logs/<job>.index` (`step<TAB>start<TAB>end<TAB>name` per line, byte offsets), and every event
/// but output in `events.ndjson`. One file per job, not per step: a job with many steps creates
/// few files.
public final class LogStore: RunReporter {
    private let directory: String
    private struct JobLog {
        var descriptor: Int32
        var index: Int32
        var offset = 0
        /// The running step and where its output starts.
        var step: (number: Int, name: String, start: Int)?
    }
    private struct State {
        var jobs: [JobKey: JobLog] = [:]
        var events: Int32 = -1
    }
    private let state = Mutex(State())

    /// Creates a store in the run's directory.
    public init(runDirectory: String) {
        directory = runDirectory
        try? Directories.create(runDirectory + "/logs")
        let events = open(runDirectory + "/events.ndjson", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o600)
        state.withLock { $0.events = events }
    }

    /// The base name of a job's log files.
    public static func jobFileName(_ name: String) -> String { name.fileSafeName }

    private func log(_ key: JobKey, _ state: inout State) -> JobLog? {
        if let open = state.jobs[key] { return open }
        let base = directory + "/logs/" + Self.jobFileName(key.name)
        let descriptor = open(base + ".log", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o600)
        let index = open(base + ".index", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0, index >= 0 else {
            if descriptor >= 0 { close(descriptor) }
            if index >= 0 { close(index) }
            return nil
        }
        let opened = JobLog(descriptor: descriptor, index: index)
        state.jobs[key] = opened
        return opened
    }

    private func append(_ key: JobKey, _ bytes: UnsafeRawBufferPointer, _ state: inout State) {
        guard var job = log(key, &state) else { return }
        ByteSink(descriptor: job.descriptor).write(bytes)
        job.offset += bytes.count
        state.jobs[key] = job
    }

    private func append(_ key: JobKey, _ text: String, _ state: inout State) {
        var text = text
        text.withUTF8 { append(key, UnsafeRawBufferPointer($0), &state) }
    }

    /// A step name for the index, whose fields are tab-separated lines: tabs and line feeds become spaces.
    static func oneLine(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 == 9 || $0 == 10 }) else { return name }
        return String(decoding: name.utf8.map { $0 == 9 || $0 == 10 ? 32 : $0 }, as: UTF8.self)
    }

    /// Ends the running step's range in the index, under its final name (masked with every mask
    /// known by then).
    private func closeStep(_ key: JobKey, name: String? = nil, _ state: inout State) {
        guard var job = state.jobs[key], let step = job.step else { return }
        let final = name.map(Self.oneLine) ?? step.name
        ByteSink(descriptor: job.index).write("\(step.number)\t\(step.start)\t\(job.offset)\t\(final)\n")
        job.step = nil
        state.jobs[key] = job
    }

    /// Writes output to its job's log and other events to `events.ndjson`.
    public func receive(_ event: RunEvent) {
        state.withLock { state in
            switch event {
            case .output(let key, _, let bytes):
                bytes.withUnsafeBytes { append(key, $0, &state) }
                return
            case .stepStarted(let key, let step, let name):
                closeStep(key, &state)
                append(key, "==> Step \(step): \(name)\n", &state)
                if var job = state.jobs[key] {
                    job.step = (step, Self.oneLine(name), job.offset)
                    state.jobs[key] = job
                }
            case .stepFinished(let key, _, let name, _, _, _):
                closeStep(key, name: name, &state)
            case .annotation(let key, _, let annotation):
                append(key, "##[\(annotation.level)]\(annotation.message)\n", &state)
            case .debug(let key, _, let message):
                append(key, "##[debug]\(message)\n", &state)
            case .note(let key, let message):
                append(key, message + "\n", &state)
            case .group(let key, _, let title):
                append(key, title.map { "##[group]\($0)\n" } ?? "##[endgroup]\n", &state)
            case .jobFinished(let key, let result, _, let message):
                closeStep(key, &state)
                if let message { append(key, message + "\n", &state) }
                append(key, "==> Job \(result.rawValue)\n", &state)
            default:
                break
            }
            if state.events >= 0 { ByteSink(descriptor: state.events).write(event.json.serializedLine()) }
        }
    }

    /// Closes the files.
    public func finish() {
        state.withLock { state in
            for job in state.jobs.values {
                close(job.descriptor)
                close(job.index)
            }
            if state.events >= 0 { close(state.events) }
            state.jobs = [:]
            state.events = -1
        }
    }

    /// A job's saved log, as `ci-runner logs` reads it.
    public struct SavedJob: Sendable {
        /// The job's file base name.
        public var name: String
        /// The whole log.
        public var text: String
        /// Each step's number, name and output.
        public var steps: [(number: Int, name: String, output: String)]
    }

    /// The saved logs of the run in `runDirectory`, job by job (sorted by name); nil without logs.
    public static func saved(runDirectory: String) -> [SavedJob]? {
        let folder = runDirectory + "/logs"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        return names.filter { $0.hasSuffix(".log") }.sorted().map { file in
            let base = String(file.dropLast(4))
            let bytes = FileManager.default.contents(atPath: folder + "/" + file).map(Array.init) ?? []
            let index = (try? String(contentsOfFile: folder + "/" + base + ".index", encoding: .utf8)) ?? ""
            let steps = index.split(separator: "\n").compactMap { line -> (Int, String, String)? in
                let fields = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false)
                guard fields.count == 4, let number = Int(fields[0]), let start = Int(fields[1]), let end = Int(fields[2]),
                    0 <= start, start <= end, end <= bytes.count
                else { return nil }
                return (number, String(fields[3]), String(decoding: bytes[start..<end], as: UTF8.self))
            }
            return SavedJob(name: base, text: String(decoding: bytes, as: UTF8.self), steps: steps)
        }
    }
}

extension String {
    /// A name safe for a file: letters, digits, `-`, `_`, `.`; others become `_`.
    public var fileSafeName: String {
        let mapped = unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        }
        return String(mapped.prefix(80))
    }
}
