import CIBasics
import CICommands
import CITestSupport
import Foundation
import Testing

/// `ci-runner inspect` and `ci-runner list`.
@Suite struct InspectAndListTests {
    static let matrixWorkflow = """
        name: ci
        on: push
        jobs:
          lint:
            runs-on: ubuntu-latest
            steps:
              - run: make lint
          test:
            needs: lint
            runs-on: ${{ matrix.os }}
            strategy:
              matrix:
                os: [ubuntu-latest, macos-latest]
                python: ['3.10', '3.11']
                exclude:
                  - os: macos-latest
                    python: '3.10'
            steps:
              - run: make test
          deploy:
            needs: [lint, test]
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
        """

    @Test func inspectFillsDefaultsAndExpandsTheMatrix() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("ci.yml", Self.matrixWorkflow)
        let capture = CapturedConsole()
        #expect(try Inspect.parse([file]).execute(console: capture.console) == 0)
        let json = try JSONValue.parse(capture.output)
        let test = json["jobs"]?["test"]
        #expect(test?["timeout-minutes"] == .int(360))
        #expect(test?["continue-on-error"] == .bool(false))
        #expect(test?["strategy"]?["fail-fast"] == .bool(true))
        #expect(test?["stage"] == .int(1))
        guard case .array(let instances)? = test?["matrix"] else {
            Issue.record("no matrix instances")
            return
        }
        #expect(
            instances.map { $0["name"] } == [
                .string("test (ubuntu-latest, 3.10)"), .string("test (ubuntu-latest, 3.11)"), .string("test (macos-latest, 3.11)"),
            ])
        let step = json["jobs"]?["lint"]?["steps"]
        guard case .array(let steps)? = step else {
            Issue.record("no steps")
            return
        }
        #expect(steps.first?["shell"] == .string("bash"))
        #expect(steps.first?["command"] == .string("bash -e {0}"))
        #expect(steps.first?["if"] == .string("success()"))
    }

    @Test func inspectYamlPrintsTheRawValueAsPythonWould() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("v.yml", "on: [push]\nversion: 3.10\nmode: 0755\nlist: &a [1, 2]\ncopy: *a\n")
        let capture = CapturedConsole()
        #expect(try Inspect.parse(["--yaml", file]).execute(console: capture.console) == 0)
        #expect(capture.output == #"{"copy": [1, 2], "list": [1, 2], "mode": 755, "on": ["push"], "version": 3.1}"#)
    }

    @Test func inspectYamlMatchesTheCorpusFileByteForByte() throws {
        try #require(Corpus.isAvailable)
        let name = "0-8-4__miui-auto-tasks__docker-image.yml"
        let capture = CapturedConsole()
        #expect(try Inspect.parse(["--yaml", Corpus.url("yaml/workflows/\(name)").path]).execute(console: capture.console) == 0)
        let expected = String(decoding: try Corpus.bytes("yaml/expected12/\(name).json"), as: UTF8.self)
        #expect(capture.output == expected)
    }

    @Test func inspectOfAnInvalidWorkflowExitsOneWithDiagnostics() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("bad.yml", "on: push\njobs:\n  a:\n    needs: b\n    runs-on: x\n    steps: [{run: echo}]\n")
        let capture = CapturedConsole()
        #expect(try Inspect.parse([file]).execute(console: capture.console) == 1)
        #expect(capture.output.isEmpty)
        #expect(capture.error.contains("\(file):4:12: error: job 'a' needs 'b', which is not a job in this workflow"))
    }

    @Test func listPrintsOneRowPerJobWithStages() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("ci.yml", Self.matrixWorkflow)
        let capture = CapturedConsole()
        #expect(try List.parse([file]).execute(console: capture.console) == 0)
        let expected = """
            JOB     NAME    NEEDS       RUNS-ON           MATRIX  STAGE
            lint    lint    -           ubuntu-latest     -       0
            test    test    lint        ${{ matrix.os }}  3       1
            deploy  deploy  lint, test  ubuntu-latest     -       2

            """
        #expect(capture.output == expected)
    }

    @Test func theBinaryListsTheBundledExample() throws {
        try #require(Binary.isBuilt, "build ci-runner first")
        let run = try Binary.run(["list", "examples/mlops-app"], in: Corpus.projectRoot.path)
        #expect(run.status == 0)
        #expect(run.output.contains("build-and-test  build-and-test  -      ubuntu-latest  -       0"))
    }

    @Test func theBinaryPrintsHelpForEveryCommand() throws {
        try #require(Binary.isBuilt, "build ci-runner first")
        for command in ["validate", "inspect", "list"] {
            let run = try Binary.run([command, "--help"])
            #expect(run.status == 0)
            #expect(run.output.contains("USAGE: ci-runner \(command)"))
        }
    }
}
