import CITestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The escape suite (`Tests/Fixtures/escape/workflow.yml`): workflows that try to write outside
/// their workspace, read another job's secrets, see or kill the runner, leave daemons behind,
/// fork-bomb and fill the disk, run in bubblewrap sandboxes next to a victim job. Every attack
/// must fail inside its job, and the runner and the victim must not notice.
@Suite(.serialized) struct EscapeSuiteTests {
    static let attacks = [
        "write-etc", "write-runner-home", "write-other-workspace", "write-other-runs", "proc-environ", "read-other-workspace",
        "see-runner", "kill-runner", "daemon", "fork-bomb", "fill-disk",
    ]

    @Test func everyAttackIsContained() throws {
        try #require(Binary.isBuilt)
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/bwrap"), "bubblewrap is installed by scripts/setup.sh")
        let scratch = try TemporaryDirectory()
        let work = scratch.path + "/repo"
        try FileManager.default.copyItem(atPath: Corpus.projectRoot.appendingPathComponent("Tests/Fixtures/escape").path, toPath: work)
        let runnerHome = scratch.path + "/runner-home"
        let ciHome = scratch.path + "/ci-home"
        try FileManager.default.createDirectory(atPath: runnerHome, withIntermediateDirectories: true)
        let arguments = [
            "run", "workflow.yml", "--json", "--sandbox", "bwrap", "--max-parallel", "8", "--pids-limit", "300", "--max-file-size", "16M",
            "--kill-grace", "1",
            "--secret", "VICTIM=victim-token-7f3a9c", "--env", "RUNS_DIR=\(ciHome)/runs", "--env", "RUNNER_HOME_DIR=\(runnerHome)",
            "--env", "TEST_PID=\(getpid())",
        ]
        let result = try Binary.run(arguments, in: work, environment: ["CI_RUNNER_HOME": ciHome, "HOME": runnerHome])
        let events = RunEvents(ndjson: result.output)
        let output = events.output()

        var contained: [String] = []
        var problems: [String] = []
        for attack in Self.attacks {
            let escaped = output.contains("ATTACK \(attack): ESCAPED")
            let reported =
                output.contains("ATTACK \(attack): contained") || (attack == "daemon" && output.contains("ATTACK daemon: started"))
            if escaped || !reported { problems.append("\(attack): \(escaped ? "escaped" : "no report")") } else { contained.append(attack) }
        }
        // The daemon job's processes are gone once it ended.
        let survivors = Self.processes(matching: ["sleep 1237", "sleep 1238", "sleep 1239"])
        if !survivors.isEmpty {
            problems.append("daemon: left running: \(survivors)")
            contained.removeAll { $0 == "daemon" }
            for pid in survivors { kill(pid, SIGKILL) }
        }
        // Nothing was written outside.
        for path in ["/etc/ci-runner-escape", runnerHome + "/ci-runner-escape", ciHome + "/runs/ci-runner-escape"]
        where FileManager.default.fileExists(atPath: path) {
            problems.append("a file appeared at \(path)")
            try? FileManager.default.removeItem(atPath: path)
        }
        // The runner finished normally and the victim did not notice.
        #expect(events.runResult != nil, "the runner reported the end of the run: \(result.error.suffix(800))")
        #expect(events.jobResults["victim"] == "success")
        #expect(output.contains("victim intact"), "victim: \(events.output(of: "victim"))")
        #expect(!output.contains("victim-token-7f3a9c"))
        print("escape suite: \(contained.count)/\(Self.attacks.count) contained")
        for problem in problems { print("  NOT CONTAINED: \(problem)") }
        #expect(problems.isEmpty, "\(problems)")
    }

    static func processes(matching commands: [String]) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name -> pid_t? in
            guard let pid = pid_t(name), let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            return commands.contains(line) ? pid : nil
        }
    }
}
