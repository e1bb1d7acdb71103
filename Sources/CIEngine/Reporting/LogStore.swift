import CIBasics
import Foundation
import Synchronization

/// Saves a run's logs: each step's output under `logs/<job>/<NN>-<step>.log`, the job's own
/// messages under `logs/<job>/job.log`, and every event but output in `events.ndjson`.
public final class LogStore: RunReporter {
    private let directory: String
    private struct State {
        var files: [String: FileHandle] = [:]
        var stepNames: [String: String] = [:]
        var events: FileHandle?
    }
    private let state = Mutex(State())

    /// Creates a store in the run's directory.
    public init(runDirectory: String) {
        directory = runDirectory
        try? FileManager.default.createDirectory(atPath: runDirectory + "/logs", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: runDirectory + "/events.ndjson", contents: nil)
        let events = FileHandle(forWritingAtPath: runDirectory + "/events.ndjson")
        state.withLock { $0.events = events }
    }

    /// The folder of a job's logs.
    public static func jobFolder(_ key: JobKey) -> String { key.name.fileSafeName }

    private func handle(_ key: JobKey, step: Int?, _ state: inout State) -> FileHandle? {
        let folder = directory + "/logs/" + Self.jobFolder(key)
        let file: String
        if let step {
            let name = state.stepNames["\(key.name)#\(step)"] ?? "step"
            file = folder + "/" + String(format: "%02d", step) + "-" + name.fileSafeName + ".log"
        } else {
            file = folder + "/job.log"
        }
        if let open = state.files[file] { return open }
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: file, contents: nil)
        guard let opened = FileHandle(forWritingAtPath: file) else { return nil }
        opened.seekToEndOfFile()
        state.files[file] = opened
        return opened
    }

    /// Writes output to its step's log and other events to `events.ndjson`.
    public func receive(_ event: RunEvent) {
        state.withLock { state in
            switch event {
            case .output(let key, let step, let bytes):
                handle(key, step: step, &state)?.write(Data(bytes))
                return
            case .stepStarted(let key, let step, let name):
                state.stepNames["\(key.name)#\(step)"] = name
            case .annotation(let key, let step, let annotation):
                handle(key, step: step, &state)?.write(Data("##[\(annotation.level)]\(annotation.message)\n".utf8))
            case .debug(let key, let step, let message):
                handle(key, step: step, &state)?.write(Data("##[debug]\(message)\n".utf8))
            case .group(let key, let step, let title):
                handle(key, step: step, &state)?.write(Data((title.map { "##[group]\($0)\n" } ?? "##[endgroup]\n").utf8))
            case .jobFinished(let key, _, _, let message?):
                handle(key, step: nil, &state)?.write(Data((message + "\n").utf8))
            default:
                break
            }
            state.events?.write(Data((event.json.serialized(.compact) + "\n").utf8))
        }
    }

    /// Closes the files.
    public func finish() {
        state.withLock { state in
            for file in state.files.values { try? file.close() }
            try? state.events?.close()
            state.files = [:]
        }
    }
}

extension String {
    /// A name safe for a file: letters, digits, `-`, `_`, `.`, `(`, `)`; others become `_`.
    var fileSafeName: String {
        let mapped = unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        }
        return String(mapped.prefix(80))
    }
}
