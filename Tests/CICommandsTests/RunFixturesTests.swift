import CIBasics
import CITestSupport
import Foundation
import Testing

/// Our own `run` fixtures, one folder per feature under `Tests/Fixtures/run/`: a `workflow.yml`
/// and an `expected.json` with the exit status, each job's result, step conclusions, text the
/// output must or must not contain, and more. Each runs through the built binary in a copy of
/// its folder, with real processes.
@Suite struct RunFixturesTests {
    static let root = Corpus.projectRoot.appendingPathComponent("Tests/Fixtures/run").path

    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()

    /// Runs the fixture `name` and returns every way it differs from its expectations.
    static func check(_ name: String, sandbox: String) throws -> [String] {
        let folder = root + "/" + name
        let expected = try JSONValue.parse(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/expected.json"))))
        let scratch = try TemporaryDirectory()
        let work = scratch.path + "/repo"
        try FileManager.default.copyItem(atPath: folder, toPath: work)
        var environment = ["CI_RUNNER_HOME": scratch.path + "/home"]
        if case .object(let members)? = expected["env"] {
            for member in members { environment[member.key] = member.value.stringValue ?? "" }
        }
        // Every step's processes carry this mark, so the checks below see only this run's.
        let mark = "CI_FIXTURE_MARK=" + UUID().uuidString
        let arguments =
            ["run", "workflow.yml", "--json", "--sandbox", sandbox, "--env", mark]
            + (expected["args"]?.arrayValue ?? []).map { $0.stringValue ?? "" }
        let started = Date()
        let result = try Binary.run(arguments, in: work, environment: environment, interruptOn: expected["interrupt_on"]?.stringValue)
        let seconds = Date().timeIntervalSince(started)
        let events = RunEvents(ndjson: result.output)
        var problems: [String] = []

        if let status = expected["exit"]?.numberValue, Int32(status) != result.status {
            problems.append("exit \(result.status), expected \(Int(status)); stderr: \(result.error.prefix(500))")
        }
        if let limit = expected["max_seconds"]?.numberValue, seconds > limit {
            problems.append("took \(Int(seconds)) s, more than \(Int(limit)) s")
        }
        if case .object(let jobs)? = expected["jobs"] {
            let actual = events.jobResults
            for job in jobs where actual[job.key] != (job.value.stringValue ?? "") {
                problems.append(
                    "job '\(job.key)': \(actual[job.key] ?? "did not finish"), expected \((job.value.stringValue ?? "")); all: \(actual)")
            }
        }
        if case .object(let steps)? = expected["steps"] {
            for job in steps {
                let actual = events.steps(of: job.key)
                for (index, step) in (job.value.arrayValue ?? []).enumerated() {
                    let want = (step.arrayValue ?? []).map { $0.stringValue ?? "" }
                    let got = index < actual.count ? [actual[index].name, actual[index].outcome, actual[index].conclusion] : []
                    if want != got { problems.append("job '\(job.key)' step \(index + 1): \(got), expected \(want)") }
                }
            }
        }
        if case .object(let messages)? = expected["messages"] {
            for message in messages where !(events.jobMessages[message.key] ?? "").contains((message.value.stringValue ?? "")) {
                problems.append(
                    "job '\(message.key)' message \(events.jobMessages[message.key] ?? "none"), expected '\((message.value.stringValue ?? ""))'"
                )
            }
        }
        let output = events.output()
        problems += texts(expected["output"], in: output, what: "output")
        let annotations = events.of("annotation").compactMap { $0["message"]?.stringValue }.joined(separator: "\n")
        problems += texts(expected["annotations"], in: annotations, what: "annotations")
        if expected["logs"] != nil {
            var logs = ""
            let runs = scratch.path + "/home/runs"
            for file in FileManager.default.enumerator(atPath: runs)?.allObjects as? [String] ?? [] {
                if let data = FileManager.default.contents(atPath: runs + "/" + file) { logs += String(decoding: data, as: UTF8.self) }
            }
            problems += texts(expected["logs"], in: logs, what: "saved logs")
        }
        if let pattern = expected["no_process_matching"]?.stringValue {
            for survivor in processes(matching: pattern, mark: mark) { problems.append("process still running after the run: \(survivor)") }
        }
        return problems
    }

    /// Checks `contains` and `excludes` lists against `text`.
    static func texts(_ expectation: JSONValue?, in text: String, what: String) -> [String] {
        var problems: [String] = []
        for item in expectation?["contains"]?.arrayValue ?? [] where !text.contains((item.stringValue ?? "")) {
            problems.append("\(what) lacks '\((item.stringValue ?? ""))':\n\(text.suffix(3000))")
        }
        for item in expectation?["excludes"]?.arrayValue ?? [] where text.contains((item.stringValue ?? "")) {
            problems.append("\(what) contains '\((item.stringValue ?? ""))':\n\(text.suffix(3000))")
        }
        return problems
    }

    /// Live processes whose command line is `pattern` and whose environment has `mark`.
    static func processes(matching pattern: String, mark: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name in
            guard let pid = Int32(name), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            guard line == pattern, let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
            return String(decoding: environment, as: UTF8.self).split(separator: "\0").contains { $0 == mark } ? "\(pid): \(line)" : nil
        }
    }

    /// Each fixture as host processes and in the bubblewrap sandbox.
    @Test(arguments: names, ["none", "bwrap"]) func fixture(_ name: String, sandbox: String) throws {
        try #require(Binary.isBuilt, "needs .build/debug/ci-runner")
        let problems = try Self.check(name, sandbox: sandbox)
        #expect(problems.isEmpty, "\(name) (sandbox \(sandbox)):\n\(problems.joined(separator: "\n"))")
    }

    @Test func everyFeatureHasAFixture() {
        for feature in [
            "matrix-include-exclude", "fail-fast", "needs-failure-always", "outputs-across-jobs", "masking", "timeouts", "ctrl-c",
        ] {
            #expect(Self.names.contains(feature), "Tests/Fixtures/run/\(feature)")
        }
    }
}
