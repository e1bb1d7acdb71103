import CICommands
import CITestSupport
import Foundation
import Testing

/// `ci-runner validate`, run in-process and as the built binary.
@Suite struct ValidateCommandTests {
    static let valid = """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: echo hi
        """

    static let misspelt = """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: echo hi
                shel: bash
        """

    @Test func aValidFileExitsZeroWithASummary() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("ok.yml", Self.valid)
        let capture = CapturedConsole()
        let status = try Validate.parse([file]).execute(console: capture.console)
        #expect(status == 0)
        #expect(capture.output == "1 workflow checked: 1 valid, 0 invalid; 0 errors, 0 warnings\n")
    }

    @Test func anInvalidFileExitsOneAndPointsAtTheKeyWithACaret() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("bad.yml", Self.misspelt)
        let capture = CapturedConsole()
        let status = try Validate.parse([file]).execute(console: capture.console)
        #expect(status == 1)
        let expected = """
            \(file):7:9: error: unknown key 'shel' in step 1 of job 'build'; did you mean 'shell'?
               7 |         shel: bash
                 |         ^

            1 workflow checked: 0 valid, 1 invalid; 1 error, 0 warnings

            """
        #expect(capture.output == expected)
    }

    @Test func aDirectoryIsScannedForItsGithubWorkflows() throws {
        let directory = try TemporaryDirectory()
        try directory.write(".github/workflows/a.yml", Self.valid)
        try directory.write(".github/workflows/b.yaml", Self.misspelt)
        try directory.write(".github/workflows/notes.txt", "not a workflow")
        let capture = CapturedConsole()
        let status = try Validate.parse([directory.path]).execute(console: capture.console)
        #expect(status == 1)
        #expect(capture.output.hasSuffix("2 workflows checked: 1 valid, 1 invalid; 1 error, 0 warnings\n"))
    }

    @Test func jsonFormatGivesMachineReadableDiagnostics() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("bad.yml", Self.misspelt)
        let capture = CapturedConsole()
        let status = try Validate.parse(["--format", "json", file]).execute(console: capture.console)
        #expect(status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(capture.output.utf8)) as? [String: Any]
        #expect(json?["valid"] as? Bool == false)
        let files = json?["files"] as? [[String: Any]]
        let diagnostic = (files?.first?["diagnostics"] as? [[String: Any]])?.first
        #expect(diagnostic?["line"] as? Int == 7)
        #expect(diagnostic?["column"] as? Int == 9)
        #expect(diagnostic?["code"] as? String == "unknown-key")
        #expect(diagnostic?["severity"] as? String == "error")
    }

    @Test func warningsPassUnlessStrict() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("warn.yml", Self.valid.replacingOccurrences(of: "echo hi", with: "echo ${ secrets.TOKEN }"))
        let capture = CapturedConsole()
        #expect(try Validate.parse([file]).execute(console: capture.console) == 0)
        #expect(capture.output.contains("warning: '${ secrets.TOKEN }' is shell syntax"))
        #expect(try Validate.parse(["--strict", file]).execute(console: CapturedConsole().console) == 1)
        #expect(try Validate.parse(["--no-lint", "--strict", file]).execute(console: CapturedConsole().console) == 0)
    }

    @Test func aMissingPathIsReported() throws {
        let capture = CapturedConsole()
        let status = try Validate.parse(["/nonexistent/workflow.yml"]).execute(console: capture.console)
        #expect(status == 1)
        #expect(capture.output.contains("error: /nonexistent/workflow.yml: no such file or directory"))
    }

    @Test func theBinaryValidatesTheBundledExample() throws {
        try #require(Binary.isBuilt, "build ci-runner first")
        let run = try Binary.run(["validate", "examples/mlops-app"], in: Corpus.projectRoot.path)
        #expect(run.status == 0)
        #expect(run.output == "1 workflow checked: 1 valid, 0 invalid; 0 errors, 0 warnings\n")
    }

    @Test func theBinaryExitsOneOnAnInvalidFileAndRespectsNoColor() throws {
        try #require(Binary.isBuilt, "build ci-runner first")
        let directory = try TemporaryDirectory()
        let file = try directory.write("bad.yml", Self.misspelt)
        let run = try Binary.run(["validate", file], environment: ["NO_COLOR": "1"])
        #expect(run.status == 1)
        #expect(!run.output.contains("\u{1B}["))
        #expect(run.output.contains("\(file):7:9: error: unknown key 'shel'"))
    }
}
