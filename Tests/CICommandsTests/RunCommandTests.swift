import CITestSupport
import Foundation
import Testing

@testable import CICommands

/// `ci-runner run` and `ci-runner logs` as a user calls them: exit codes, bad input, listing,
/// dry runs, the repository read through libgit2, and the saved logs.
@Suite struct RunCommandTests {
    static let workflow = """
        name: demo
        on: [push, workflow_dispatch]
        jobs:
          first:
            runs-on: ubuntu-latest
            steps:
              - run: echo "sha=$GITHUB_SHA ref=$GITHUB_REF repo=$GITHUB_REPOSITORY event=$GITHUB_EVENT_NAME workflow_ref=$GITHUB_WORKFLOW_REF"
              - run: echo "ws=$GITHUB_WORKSPACE" && test -f "$GITHUB_WORKSPACE/tracked.txt" && test -f "$GITHUB_WORKSPACE/untracked.txt" && test ! -e "$GITHUB_WORKSPACE/ignored.log"
          second:
            needs: first
            runs-on: ubuntu-latest
            steps:
              - run: echo "second ran with ${{ secrets.FROM_FILE }} ${{ vars.COLOR }}"

        """

    /// A git repository with the workflow committed, a remote, an untracked and an ignored file.
    static func repository() throws -> GitFixture {
        let git = try GitFixture()
        try git.write(".github/workflows/demo.yml", workflow)
        try git.write("tracked.txt", "tracked\n")
        try git.write(".gitignore", "*.log\n")
        try git.commit("first commit")
        try git.git("remote", "add", "origin", "https://github.com/octo/demo-repo.git")
        try git.write("untracked.txt", "new\n")
        try git.write("ignored.log", "ignored\n")
        return git
    }

    /// `--keep` keeps a job's folder with its step scripts and command files (and, sandboxed,
    /// bwrap's log), which otherwise live in memory and go with the job.
    @Test(arguments: ["none", "bwrap"])
    func keepKeepsTheJobsScriptsAndCommandFiles(sandbox: String) throws {
        try #require(Binary.isBuilt)
        try #require(
            sandbox != "bwrap" || FileManager.default.isExecutableFile(atPath: "/usr/bin/bwrap"),
            "bubblewrap is installed by scripts/setup.sh")
        let directory = try TemporaryDirectory()
        try directory.write(
            "keep.yml",
            """
            on: push
            jobs:
              kept-\(sandbox):
                runs-on: ubuntu-latest
                steps:
                  - run: echo "NAME=value" >> "$GITHUB_ENV"

            """)
        let home = try TemporaryDirectory()
        let result = try Binary.run(
            ["run", "--keep", "--sandbox", sandbox, "keep.yml"], in: directory.path, environment: ["CI_RUNNER_HOME": home.path])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        let kept = home.path + "/runs/1/jobs/kept-\(sandbox)/temp/_runner_file_commands"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: kept)) ?? []
        #expect(files.contains { $0.hasPrefix("script-") }, "\(files)")
        let envFile = files.first { $0.hasPrefix("set_env_") && (FileManager.default.contents(atPath: kept + "/" + $0)?.count ?? 0) > 0 }
        #expect(envFile.flatMap { FileManager.default.contents(atPath: kept + "/" + $0) } == Data("NAME=value\n".utf8), "\(files)")
        if sandbox == "bwrap" { #expect(files.contains("sandbox.log"), "\(files)") }
        let inMemory = ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []).filter { $0.hasPrefix("ci-runner-") }
        #expect(!inMemory.contains { $0.contains("-kept-\(sandbox)-") }, "the in-memory folder is gone: \(inMemory)")
    }

    /// The job's workspace copy keeps file modes and symbolic links, nests folders, and skips a
    /// tracked file deleted in the working tree (the files the user has now, as act copies them).
    @Test func theWorkspaceCopyKeepsModesAndLinksAndSkipsDeletedFiles() throws {
        try #require(Binary.isBuilt)
        let git = try GitFixture()
        try git.write(
            ".github/workflows/copy.yml",
            """
            on: push
            jobs:
              copy:
                runs-on: ubuntu-latest
                steps:
                  - run: |
                      test -x tool.sh && echo "tool executable"
                      test "$(stat -c %a private.txt)" = 600 && echo "private kept"
                      test "$(readlink docs/latest)" = ../nested/a/b.txt && echo "link kept: $(cat docs/latest)"
                      test ! -e deleted.txt && echo "deleted skipped"
                      test -d inner/.git && echo "nested repository: $(cat inner/file.txt)"

            """)
        try git.write("tool.sh", "#!/bin/sh\necho tool\n")
        try git.write("private.txt", "p\n")
        try git.write("nested/a/b.txt", "deep\n")
        try git.write("deleted.txt", "soon gone\n")
        chmod(git.directory.path + "/tool.sh", 0o755)
        chmod(git.directory.path + "/private.txt", 0o600)
        try FileManager.default.createDirectory(atPath: git.directory.path + "/docs", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: git.directory.path + "/docs/latest", withDestinationPath: "../nested/a/b.txt")
        try git.commit("files")
        try FileManager.default.removeItem(atPath: git.directory.path + "/deleted.txt")
        // A repository inside the working tree that git does not track is copied whole.
        try git.git("init", "-q", "inner")
        try git.write("inner/file.txt", "inner file\n")
        try git.git("-C", "inner", "add", "file.txt")
        try git.git("-C", "inner", "-c", "user.name=Inner", "-c", "user.email=inner@example.com", "commit", "-qm", "inner")
        let home = try TemporaryDirectory()
        let result = try Binary.run(["run", "--sandbox", "none"], in: git.directory.path, environment: ["CI_RUNNER_HOME": home.path])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        for line in ["tool executable", "private kept", "link kept: deep", "deleted skipped", "nested repository: inner file"] {
            #expect(result.output.contains(line), "\(line): \(result.output)")
        }
    }

    @Test func runsTheRepositoryWorkflowWithFactsFromGit() throws {
        try #require(Binary.isBuilt)
        let git = try Self.repository()
        let directory = git.directory
        try directory.write(".secrets", "FROM_FILE=file-secret\n")
        let home = try TemporaryDirectory()
        let result = try Binary.run(["run", "--var", "COLOR=blue"], in: directory.path, environment: ["CI_RUNNER_HOME": home.path])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        let sha = try git.git("rev-parse", "HEAD")
        let branch = try git.git("rev-parse", "--abbrev-ref", "HEAD")
        #expect(
            result.output.contains(
                "sha=\(sha) ref=refs/heads/\(branch) repo=octo/demo-repo event=push workflow_ref=octo/demo-repo/.github/workflows/demo.yml@refs/heads/\(branch)"
            ))
        #expect(result.output.contains("second ran with *** blue"))
        #expect(!result.output.contains("file-secret"))
        #expect(result.output.contains("[first] ✓"))
        #expect(result.output.contains("JOB     RESULT   DURATION"))
        // The user's working tree is not touched, and job directories are gone after the run.
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/.github/workflows/_runner_file_commands"))
        let jobs = (try? FileManager.default.contentsOfDirectory(atPath: home.path + "/runs/1/jobs")) ?? []
        #expect(jobs.isEmpty)

        let logs = try Binary.run(["logs", "--job", "second"], environment: ["CI_RUNNER_HOME": home.path])
        #expect(logs.status == 0)
        #expect(logs.output.contains("second ran with *** blue"))
        #expect(!logs.output.contains("file-secret"))
    }

    @Test func anInvalidWorkflowIsBadInputWithItsPosition() throws {
        try #require(Binary.isBuilt)
        let directory = try TemporaryDirectory()
        let path = try directory.write("bad.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n")
        let result = try Binary.run(["run", path], environment: ["CI_RUNNER_HOME": directory.path + "/home"])
        #expect(result.status == 2)
        #expect(result.error.contains("bad.yml:5:5: error: unknown key 'stepz'"))
        #expect(result.error.contains("   5 |     stepz: []"))
    }

    @Test func aMissingSecretFileIsBadInput() throws {
        try #require(Binary.isBuilt)
        let directory = try Self.repository().directory
        let result = try Binary.run(
            ["run", "--secret-file", "nope.env"], in: directory.path, environment: ["CI_RUNNER_HOME": directory.path + "/h"])
        #expect(result.status == 2)
        #expect(result.error.contains("nope.env"))
    }

    @Test func aFailedJobExitsOneAndAnUnknownJobIsBadInput() throws {
        try #require(Binary.isBuilt)
        let directory = try TemporaryDirectory()
        let path = try directory.write("w.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: exit 4\n")
        let home = ["CI_RUNNER_HOME": directory.path + "/home"]
        #expect(try Binary.run(["run", path], environment: home).status == 1)
        let unknown = try Binary.run(["run", path, "-j", "nope"], environment: home)
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("no job 'nope'"))
    }

    @Test func listAndDryRunPlanWithoutRunning() throws {
        try #require(Binary.isBuilt)
        let directory = try Self.repository().directory
        let home = ["CI_RUNNER_HOME": directory.path + "/home"]
        let list = try Binary.run(["run", "-l"], in: directory.path, environment: home)
        #expect(list.status == 0)
        #expect(list.output.contains("stage 1:") && list.output.contains("first") && list.output.contains("stage 2:"))
        let dry = try Binary.run(["run", "-n", "-j", "second"], in: directory.path, environment: home)
        #expect(dry.status == 0)
        #expect(dry.output.contains("· Run echo \"second ran"))
        #expect(!dry.output.contains("│"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/home/runs/1"))
    }

    /// A run makes the first job's cgroup ahead, while it starts; when no job takes it (here the
    /// only job asks for a runner this host is not), it is removed as the run ends.
    @Test func aRunLeavesNoCgroupBehindWhenNoJobUsesIt() throws {
        try #require(Binary.isBuilt)
        let git = try GitFixture()
        try git.write(".github/workflows/w.yml", "on: push\njobs:\n  win:\n    runs-on: windows-latest\n    steps:\n      - run: echo no\n")
        try git.commit("workflow")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["run", "--sandbox", "none"]
        process.currentDirectoryURL = URL(fileURLWithPath: git.path)
        process.environment = ["PATH": "/usr/bin:/bin", "CI_RUNNER_HOME": git.path + "/home"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let marker = "-\(process.processIdentifier)-"
        // The runner's cgroups are this process's: each hierarchy's `ci-runner` folder below them.
        var left: [String] = []
        for line in try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let mounts =
                fields[0] == "0"
                ? ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"] : fields[1].split(separator: ",").map { "/sys/fs/cgroup/\($0)" }
            for mount in mounts {
                let folder = mount + (fields[2] == "/" ? "" : String(fields[2])) + "/ci-runner"
                for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.contains(marker) {
                    left.append(folder + "/" + name)
                }
            }
        }
        #expect(left.isEmpty, "cgroups of the finished run: \(left)")
    }

    @Test func jsonIsOneEventPerLine() throws {
        try #require(Binary.isBuilt)
        let directory = try Self.repository().directory
        let result = try Binary.run(
            ["run", "--json", "-j", "first"], in: directory.path, environment: ["CI_RUNNER_HOME": directory.path + "/h"])
        let events = RunEvents(ndjson: result.output)
        #expect(events.events.count == result.output.split(separator: "\n").count)
        #expect(events.of("run_started").count == 1 && events.runResult == "success")
        #expect(events.jobResults == ["first": "success"])
    }

    @Test(arguments: ["none", "bwrap"])
    func theRunnersEnvironmentNeverReachesAStep(sandbox: String) throws {
        try #require(Binary.isBuilt)
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "w.yml",
            """
            on: push
            jobs:
              env:
                runs-on: ubuntu-latest
                steps:
                  - run: |
                      env | sort
                      cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c 'runner-only-value' || true
                      echo "done"
            """)
        let leaks = [
            "DOCKER_HOST": "tcp://runner-only-value", "SSH_AUTH_SOCK": "/tmp/runner-only-value", "GITHUB_TOKEN": "runner-only-value",
            "AWS_SECRET_ACCESS_KEY": "runner-only-value", "MY_PASSWORD": "runner-only-value",
        ]
        let result = try Binary.run(
            ["run", path, "--sandbox", sandbox, "--json"], environment: leaks.merging(["CI_RUNNER_HOME": directory.path + "/home"]) { $1 })
        let events = RunEvents(ndjson: result.output)
        let output = events.output()
        #expect(output.contains("done"), "\(result.error)")
        for name in leaks.keys { #expect(!output.contains(name + "="), "\(name) leaked into the step") }
        #expect(!output.contains("runner-only-value"))
        if sandbox == "bwrap" {
            // No process the step can see (the agent included) holds the runner's environment.
            #expect(output.contains("\n0\ndone"), "\(output)")
        }
        #expect(output.contains("GITHUB_ACTIONS=true") && output.contains("RUNNER_TRACKING_ID=ci-runner_"))
    }

    /// Each step gets new command files, which exist and are empty, whatever the step before did
    /// with its own.
    @Test(arguments: ["none", "bwrap"])
    func everyStepGetsNewEmptyCommandFiles(sandbox: String) throws {
        try #require(Binary.isBuilt)
        let directory = try TemporaryDirectory()
        let files = #""$GITHUB_ENV" "$GITHUB_OUTPUT" "$GITHUB_PATH" "$GITHUB_STATE" "$GITHUB_STEP_SUMMARY""#
        let check = #"for f in \#(files); do test -f "$f" && test ! -s "$f" || { echo "not empty: $f"; exit 1; }; done"#
        let path = try directory.write(
            "w.yml",
            """
            on: push
            jobs:
              files:
                runs-on: ubuntu-latest
                steps:
                  - run: '\(check); echo "A=$GITHUB_ENV"'
                  - run: '\(check); echo "B=$GITHUB_ENV"; echo X=1 >> "$GITHUB_ENV"; echo o=1 >> "$GITHUB_OUTPUT"'
                  - run: '\(check); echo "C=$GITHUB_ENV X=$X"; rm "$GITHUB_OUTPUT"'
                  - run: '\(check); echo "D=$GITHUB_ENV"'
            """)
        let result = try Binary.run(
            ["run", path, "--sandbox", sandbox, "--json"], environment: ["CI_RUNNER_HOME": directory.path + "/home"])
        let events = RunEvents(ndjson: result.output)
        #expect(events.runResult == "success", "\(events.output())\(result.error)")
        func file(_ label: String) -> String? {
            events.output().split(separator: "\n").first { $0.hasPrefix(label + "=") }.map {
                String($0.dropFirst(label.count + 1).prefix { $0 != " " })
            }
        }
        let names = ["A", "B", "C", "D"].compactMap(file)
        #expect(names.count == 4 && Set(names).count == 4, "\(names)")
        #expect(events.output().contains("X=1"))
    }

    @Test func aLabelThisHostDoesNotServeSkipsTheJobUnlessPlatformAddsIt() throws {
        try #require(Binary.isBuilt)
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "w.yml", "on: push\njobs:\n  mac:\n    runs-on: [macos-latest]\n    steps:\n      - run: echo ran on this host\n")
        let home = ["CI_RUNNER_HOME": directory.path + "/home"]
        let skipped = try Binary.run(["run", path, "--json", "--sandbox", "none"], environment: home)
        #expect(skipped.status == 0)
        #expect(RunEvents(ndjson: skipped.output).jobResults == ["mac": "skipped"])
        #expect(RunEvents(ndjson: skipped.output).jobMessages["mac"]?.contains("No runner for 'macos-latest'") == true)
        let served = try Binary.run(["run", path, "--json", "--sandbox", "none", "-P", "macos-latest=-self-hosted"], environment: home)
        #expect(RunEvents(ndjson: served.output).jobResults == ["mac": "success"])
        #expect(RunEvents(ndjson: served.output).output().contains("ran on this host"))
    }

    @Test func noColorIsRespected() throws {
        let console = Console.standard(environment: ["NO_COLOR": "1"])
        #expect(console.outputStyle == .plain)
    }

    @Test func dotEnvFiles() throws {
        let pairs = try DotEnv.parse("# comment\r\nexport A=1\r\nB=\"x\\ny\\\\n\"\nC='raw\\n'\nD=value # note\n")
        #expect(pairs.map(\.0) == ["A", "B", "C", "D"])
        #expect(pairs.map(\.1) == ["1", "x\ny\\n", "raw\\n", "value"])
        #expect(throws: DotEnv.Problem.self) { try DotEnv.parse("A=1\nnot a pair\n") }
    }
}
