import CIBasics
import CITestSupport
import Foundation
import Testing

/// act's runner cases (`../shared/corpus/act/CASES.tsv`) in the tiers that run on the host, run by
/// the `ci-runner` binary as act's harness runs them: a fresh copy of act's testdata as the
/// workspace, the case's event and event.json, `ACT=true`, actor and repository `nektos/act`, and
/// for partial cases only the jobs that do not need Docker.
@Suite(.serialized) struct ActRunnerCasesTests {
    typealias Case = ActCase

    static let hostTiers: Set<String> = [
        "host", "host+checkout-noop", "partial", "host-caveat", "host-unreliable", "host+act-matrix-filter",
    ]

    static let cases = ActCase.load(tiers: hostTiers)

    /// Cases where we do what GitHub does, which is not what act's table expects.
    static let knownDifferences: [String: String] = [
        "workflow_call_inputs":
            "two workflow_call inputs have no 'type', which GitHub requires (workflow-call-input-definition); GitHub rejects the workflow, and so do we (exit 2)"
    ]

    /// Runs one case; returns nil when it ends as listed, else what happened.
    static func run(_ item: Case) throws -> String? {
        let top = String(item.folder.prefix { $0 != "/" })
        let relative = String(item.folder.dropFirst(top.count + 1))
        let scratch = try TemporaryDirectory()
        let workspace = scratch.path + "/workspace"
        try FileManager.default.copyItem(atPath: Corpus.url("act/" + top).path, toPath: workspace)
        try makeWritable(workspace)
        let folder = workspace + "/" + relative
        var arguments = [
            "run", folder + "/" + item.workflow, "--event", item.event, "--workspace", workspace, "--json",
            "--actor", "nektos/act", "--repository", "nektos/act", "--env", "ACT=true",
        ]
        if FileManager.default.fileExists(atPath: folder + "/event.json") { arguments += ["--eventpath", folder + "/event.json"] }
        if FileManager.default.fileExists(atPath: folder + "/.secrets") { arguments += ["--secret-file", folder + "/.secrets"] }
        if FileManager.default.fileExists(atPath: folder + "/.env") { arguments += ["--env-file", folder + "/.env"] }
        for job in item.hostJobs { arguments += ["--job", job] }
        if item.config.hasPrefix("secrets: ") { arguments += ["--secret", String(item.config.dropFirst("secrets: ".count))] }
        if item.config.hasPrefix("inputs: ") { arguments += ["--input", String(item.config.dropFirst("inputs: ".count))] }
        if item.tier == "host+act-matrix-filter" {
            // The filter act's test gives: node in {8, 8.x}, os in {ubuntu-18.04}.
            arguments += ["--matrix", "node:8", "--matrix", "node:8.x", "--matrix", "os:ubuntu-18.04"]
        }
        let result = try Binary.run(arguments, in: workspace, environment: ["CI_RUNNER_HOME": scratch.path + "/home"])
        let events = RunEvents(ndjson: result.output)
        let summary = "exit \(result.status); jobs \(events.jobResults.sorted { $0.key < $1.key }); \(result.error.prefix(400))"

        if item.expected.hasPrefix("pass") {
            guard result.status == 0 else { return "failed: " + summary }
            if item.name == "mask-values" {
                // Step output and the saved logs never show a masked value. (The header of the
                // step that registers the mask shows its script, which is printed before the
                // mask exists, on GitHub too.)
                let logs = try allFiles(in: scratch.path + "/home/runs/1/logs").split(separator: "\n").filter { !$0.hasPrefix("==> Step ") }
                    .joined(separator: "\n")
                let finishedSteps = events.of("step_finished").compactMap { $0["name"]?.stringValue }.joined(separator: "\n")
                for secret in ["secret value", "YWJjCg=="] where events.output().contains(secret) || logs.contains(secret) {
                    return "'\(secret)' was printed or logged"
                }
                if finishedSteps.contains("secret value") { return "a step name shows the masked value: \(finishedSteps)" }
            }
            return nil
        }
        // `error: Job 'ID' failed` names the job that fails; other errors only need a failed run.
        guard result.status == 1 else { return "expected a failed run (\(item.expected)), got " + summary }
        if let range = item.expected.range(of: #"(?i)job '([^']+)' failed"#, options: .regularExpression) {
            let id = item.expected[range].split(separator: "'")[1]
            guard events.results(ofJob: String(id)).contains("failure") else { return "job '\(id)' did not fail: " + summary }
        }
        return nil
    }

    static func makeWritable(_ path: String) throws {
        let manager = FileManager.default
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        for item in manager.enumerator(atPath: path)?.allObjects as? [String] ?? [] {
            let full = path + "/" + item
            guard (try? manager.destinationOfSymbolicLink(atPath: full)) == nil else { continue }
            var isDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: full, isDirectory: &isDirectory)
            try manager.setAttributes([.posixPermissions: isDirectory.boolValue ? 0o755 : 0o644], ofItemAtPath: full)
        }
    }

    static func allFiles(in path: String) throws -> String {
        var text = ""
        for item in FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [] {
            if let data = FileManager.default.contents(atPath: path + "/" + item) { text += String(decoding: data, as: UTF8.self) }
        }
        return text
    }

    @Test func actRunnerCases() throws {
        try #require(Corpus.isAvailable && Binary.isBuilt, "needs ../shared/corpus and .build/debug/ci-runner")
        #expect(Self.cases.count >= 56, "host-tier cases read from CASES.tsv")
        var asExpected = 0
        var failures: [String] = []
        var differences: [String] = []
        for item in Self.cases {
            let problem = try Self.run(item)
            if let reason = Self.knownDifferences[item.name] {
                differences.append("\(item.name): \(reason)")
                if problem == nil {
                    failures.append("\(item.name): listed as a difference, but now ends as act expects; remove it from the list")
                }
                continue
            }
            if let problem { failures.append("\(item.name): \(problem)") } else { asExpected += 1 }
        }
        print("act cases: \(asExpected)/\(Self.cases.count) as expected, \(differences.count) known differences (GitHub's behaviour)")
        for difference in differences { print("  differs: \(difference)") }
        for failure in failures { print("  FAILED: \(failure)") }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(asExpected + differences.count == Self.cases.count)
    }
}
