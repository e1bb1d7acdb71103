import CIBasics
import Foundation
import Synchronization

/// Reports a run on a terminal or in a log.
///
/// Without a terminal (or with `verbose`), it prints plain lines: each step's start and end
/// (`[build (3.11)] ✓ Run tests 2.1s`), the output as it comes under a `[job] ▶ step` header
/// (repeated as `[job] ┆ step` whenever the output switches back from another job or message, so
/// concurrent jobs stay readable while output itself is written as is), annotations, and a final
/// table. On a terminal
/// it keeps one live line per running job with its current step (and `::group::`), prints each
/// finished step above them, and shows the last lines of a failed step's output.
public final class TerminalReporter: RunReporter {
    private let stream: ByteSink
    private let style: TextStyle
    private let live: Bool
    private let verbose: Bool
    private let logHint: String?

    private struct Running {
        var step: String = "Set up job"
        var group: String?
        var started = ContinuousClock.now
    }

    private struct State {
        var running: [JobKey: Running] = [:]
        var order: [JobKey] = []
        var drawnLines = 0
        var jobOrder: [String] = []
        /// The step whose output was printed last, with nothing else printed since.
        var lastSource: String?
        var stepNames: [String: String] = [:]
        var tails: [String: [UInt8]] = [:]
        var finished: [(JobKey, Conclusion, Double, String?)] = []
    }
    private let state = Mutex(State())

    /// Creates a reporter. `live` draws progress lines (use it on a terminal only).
    public init(stream: ByteSink = .standardOutput, style: TextStyle, live: Bool, verbose: Bool, logHint: String? = nil) {
        self.stream = stream
        self.style = style
        self.live = live
        self.verbose = verbose
        self.logHint = logHint
    }

    private func symbol(_ conclusion: Conclusion) -> String {
        switch conclusion {
        case .success: style.paint("✓", .green)
        case .failure: style.paint("✗", .red)
        case .cancelled: style.paint("⊘", .yellow)
        case .skipped: style.paint("-", .dim)
        }
    }

    private func prefix(_ key: JobKey) -> String { style.paint("[\(key.name)]", .cyan) }

    static func duration(_ seconds: Double) -> String {
        guard seconds < 60 else { return "\(Int(seconds) / 60)m\(Int(seconds) % 60)s" }
        // To the nearest tenth of a second, ties away from zero (Foundation's formatter took ~20 µs a call).
        let tenths = Int((max(seconds, 0) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)s"
    }

    /// Handles one event.
    public func receive(_ event: RunEvent) {
        state.withLock { state in
            var lines: [String] = []
            switch event {
            case .runStarted(let runID, let workflow, let eventName, let jobs):
                state.jobOrder = jobs
                lines.append(
                    style.paint("▶ \(workflow)", .bold)
                        + " — event \(eventName), \(jobs.count) job\(jobs.count == 1 ? "" : "s"), run \(runID)")
            case .jobStarted(let key):
                state.running[key] = Running()
                state.order.append(key)
                if !live { lines.append("\(prefix(key)) started") }
            case .stepStarted(let key, let step, let name):
                state.running[key]?.step = name
                state.running[key]?.group = nil
                state.stepNames["\(key.name)#\(step)"] = name
                if !live || verbose {
                    flush(&state, ["\(prefix(key)) ▶ \(name)"])
                    state.lastSource = "\(key.name)#\(step)"
                    return
                }
            case .output(let key, let step, let bytes):
                let source = "\(key.name)#\(step ?? 0)"
                keepTail(&state, source, bytes)
                if !live || verbose {
                    if state.lastSource != source {
                        let name = step.flatMap { state.stepNames["\(key.name)#\($0)"] } ?? "Set up job"
                        flush(&state, ["\(prefix(key)) " + style.paint("┆ \(name)", .dim)])
                    }
                    stream.write(bytes)
                    if bytes.last != 0x0A { stream.write("\n") }
                    state.lastSource = source
                    return
                }
            case .group(let key, _, let title):
                state.running[key]?.group = title
                if let title, !live || verbose { lines.append("\(prefix(key)) ▸ \(title)") }
            case .note(let key, let message):
                if verbose { lines.append("\(prefix(key)) " + style.paint(message, .dim)) }
            case .debug(let key, _, let message):
                if verbose { lines.append("\(prefix(key)) " + style.paint("debug: \(message)", .dim)) }
            case .annotation(let key, _, let annotation):
                let place =
                    annotation.properties["file"].map { file in
                        " (\(file)\(annotation.properties["line"].map { ":" + $0 } ?? "")\(annotation.properties["col"].map { ":" + $0 } ?? ""))"
                    } ?? ""
                let label: String
                switch annotation.level {
                case "error": label = style.paint("error:", .red)
                case "warning": label = style.paint("warning:", .yellow)
                default: label = style.paint("\(annotation.level):", .cyan)
                }
                let title = annotation.properties["title"].map { "\($0): " } ?? ""
                lines.append("\(prefix(key)) \(label) \(title)\(annotation.message)\(place)")
            case .stepFinished(let key, let step, let name, let outcome, let conclusion, let seconds):
                if conclusion == .skipped && !verbose { break }
                var line = "\(prefix(key)) \(symbol(conclusion)) \(name)"
                if conclusion != .skipped { line += " " + style.paint(Self.duration(seconds), .dim) }
                if outcome == .failure && conclusion == .success { line += style.paint(" (failed, continue-on-error)", .yellow) }
                lines.append(line)
                let source = "\(key.name)#\(step)"
                if live && !verbose && outcome == .failure, let tail = state.tails[source], !tail.isEmpty {
                    let text = String(decoding: tail, as: UTF8.self)
                    for tailLine in text.split(separator: "\n", omittingEmptySubsequences: false).suffix(20) where !tailLine.isEmpty {
                        lines.append("    " + style.paint("│", .dim) + " " + tailLine)
                    }
                }
                state.tails[source] = nil
            case .jobFinished(let key, let result, let seconds, let message):
                state.running[key] = nil
                state.order.removeAll { $0 == key }
                state.finished.append((key, result, seconds, message))
                if let message { lines.append("\(prefix(key)) \(message)") }
                lines.append(
                    "\(prefix(key)) \(symbol(result)) job \(result.rawValue)"
                        + (seconds > 0 ? " " + style.paint(Self.duration(seconds), .dim) : ""))
            case .runFinished(let result, let seconds):
                lines.append("")
                var table = Table(headers: ["JOB", "RESULT", "DURATION"])
                let position = Dictionary(state.jobOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
                let rank = { (key: JobKey) in position[key.id] ?? position[String(key.id.prefix { $0 != "/" })] ?? Int.max }
                let rows = state.finished.sorted { (rank($0.0), $0.0) < (rank($1.0), $1.0) }
                for (key, conclusion, seconds, _) in rows {
                    table.rows.append([key.name, conclusion.rawValue, conclusion == .skipped ? "-" : Self.duration(seconds)])
                }
                lines += table.rendered(style: style)
                lines.append("")
                lines.append(
                    "\(symbol(result)) run \(result.rawValue) in \(Self.duration(seconds))" + (logHint.map { " — logs: \($0)" } ?? ""))
            }
            flush(&state, lines)
        }
    }

    /// Keeps the last few KB of each step's output, to show when it fails.
    private func keepTail(_ state: inout State, _ source: String, _ bytes: [UInt8]) {
        guard live && !verbose else { return }
        var tail = state.tails[source] ?? []
        tail.append(contentsOf: bytes.suffix(4096))
        if tail.count > 4096 { tail.removeFirst(tail.count - 4096) }
        state.tails[source] = tail
    }

    /// Prints permanent lines, redrawing the live block below them.
    private func flush(_ state: inout State, _ lines: [String]) {
        if !lines.isEmpty { state.lastSource = nil }
        guard live else {
            if !lines.isEmpty { stream.write(lines.joined(separator: "\n") + "\n") }
            return
        }
        var text = ""
        if state.drawnLines > 0 { text += "\u{1B}[\(state.drawnLines)A\u{1B}[J" }
        for line in lines { text += line + "\n" }
        let now = ContinuousClock.now
        for key in state.order {
            guard let running = state.running[key] else { continue }
            let elapsed = Self.duration((now - running.started).seconds)
            let group = running.group.map { " › \($0)" } ?? ""
            text += style.paint("  ● ", .yellow) + "\(key.name) — \(running.step)\(group) " + style.paint(elapsed, .dim) + "\n"
        }
        state.drawnLines = state.order.filter { state.running[$0] != nil }.count
        stream.write(text)
    }
}
