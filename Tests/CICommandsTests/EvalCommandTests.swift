import CICommands
import CITestSupport
import Foundation
import Testing

/// `ci-runner eval`.
@Suite struct EvalCommandTests {
    static func contexts() throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "contexts.json",
            #"{"github": {"ref": "refs/heads/main", "event": {"head_commit": {"message": "fix [skip ci]"}}}, "matrix": {"os": "linux"}}"#)
        return (directory, file)
    }

    @Test func theResultIsPrintedAsJSON() throws {
        let (directory, file) = try Self.contexts()
        _ = directory
        let capture = CapturedConsole()
        let status = try Eval.parse(["contains(github.event.head_commit.message, '[skip ci]')", "--contexts", file]).execute(
            console: capture.console)
        #expect(status == 0)
        #expect(capture.output == "true\n")
        let object = CapturedConsole()
        #expect(try Eval.parse(["matrix", "--contexts", file]).execute(console: object.console) == 0)
        #expect(object.output == "{\n  \"os\": \"linux\"\n}\n")
    }

    @Test func templatesAreInterpolated() throws {
        let (directory, file) = try Self.contexts()
        _ = directory
        let capture = CapturedConsole()
        #expect(try Eval.parse(["build-${{ matrix.os }}", "--contexts", file]).execute(console: capture.console) == 0)
        #expect(capture.output == "\"build-linux\"\n")
    }

    @Test func theJobStatusDrivesTheStatusFunctions() throws {
        let capture = CapturedConsole()
        #expect(try Eval.parse(["failure()", "--job-status", "failure"]).execute(console: capture.console) == 0)
        #expect(capture.output == "true\n")
    }

    @Test func errorsGoToStandardErrorWithTheColumn() throws {
        let capture = CapturedConsole()
        #expect(try Eval.parse(["1 = < 2"]).execute(console: capture.console) == 1)
        #expect(capture.output.isEmpty)
        #expect(
            capture.error == """
                <expression>:1:3: error: Unexpected symbol: '='. Located at position 3 within expression: 1 = < 2
                   1 | 1 = < 2
                     |   ^

                """)
    }

    @Test func unknownContextsAreErrors() throws {
        let capture = CapturedConsole()
        #expect(try Eval.parse(["foo.bar"]).execute(console: capture.console) == 1)
        #expect(capture.error.contains("Unrecognized named-value: 'foo'"))
    }

    @Test func theBinaryHashesFilesInTheWorkspace() throws {
        try #require(Binary.isBuilt, "build ci-runner first")
        let directory = try TemporaryDirectory()
        try directory.write("a.txt", "a\n")
        let run = try Binary.run(["eval", "hashFiles('*.txt')", "--workspace", directory.path])
        #expect(run.status == 0)
        #expect(run.output.count == 67)
        let none = try Binary.run(["eval", "hashFiles('*.lock')", "--workspace", directory.path])
        #expect(none.output == "\"\"\n")
    }
}
