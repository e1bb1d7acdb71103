import CIBasics
import CIExpressions
import CITestSupport
import Foundation
import Testing

@Suite struct TemplateTests {
    static let context = EvaluationContext(contexts: [
        ("matrix", .object([("os", .string("linux")), ("n", .number(3))])), ("env", .object([("NAME", .string("ci"))])),
    ])

    @Test(arguments: [
        ("plain text", "\"plain text\""), ("${{ matrix.n }}", "3"), (" ${{ matrix.n }}", "\" 3\""),
        ("${{ matrix.os }}-${{ env.name }}", "\"linux-ci\""), ("${{ '}}' }}", "\"}}\""), ("${{ 'it''s' }} ok", "\"it's ok\""),
        ("a ${{ '${{ not evaluated }}' }} b", "\"a ${{ not evaluated }} b\""), ("${{ matrix }}", "{\"os\":\"linux\",\"n\":3}"),
        ("${{ 1.10 }}x", "\"1.1x\""), ("${{ null }}|${{ true }}", "\"|true\""),
    ])
    func templatesEvaluateAsGitHubDoes(_ text: String, _ expected: String) throws {
        #expect(try Template.evaluate(text, in: Self.context).compactJSON == expected)
    }

    @Test func aTemplateWithOnlyALiteralBecomesText() throws {
        let template = try #require(try Template.parse("${{ '{{ literal }}' }}"))
        #expect(!template.isSingleExpression)
        guard case .text(let text)? = template.segments.first else {
            Issue.record("not text")
            return
        }
        #expect(text == "{{ literal }}")
    }

    @Test func insertIsADirective() throws {
        #expect(try Template.parse("${{ insert }}")?.isInsertDirective == true)
        #expect(throws: Template.Problem.self) { try Template.parse("a ${{ insert }}") }
    }

    @Test func problemsGiveTheirOffsetInTheString() {
        do {
            _ = try Template.parse("echo ${{ }}")
            Issue.record("parsed")
        } catch {
            #expect(error.message == "An expression was expected")
            #expect(error.offset == 5)
        }
        do {
            _ = try Template.parse("x ${{ a ==== b }}")
            Issue.record("parsed")
        } catch {
            #expect(error.offset == 10)
            #expect(error.message.hasPrefix("Unexpected symbol: '=='"))
        }
    }
}

@Suite struct ConditionTests {
    static func runs(_ text: String, status: RunStatus, contexts: [(String, ExpressionValue)] = []) throws -> Bool {
        try Condition(text).evaluate(in: EvaluationContext(contexts: contexts, status: StatusState(current: status)))
    }

    @Test func anEmptyConditionMeansSuccess() throws {
        #expect(try Self.runs("", status: .success))
        #expect(try !Self.runs("", status: .failure))
    }

    @Test func successIsImplicitUnlessAStatusFunctionIsCalled() throws {
        #expect(try !Self.runs("true", status: .failure))
        #expect(try Self.runs("failure()", status: .failure))
        #expect(try Self.runs("always()", status: .cancelled))
        #expect(try Self.runs("${{ failure() || true }}", status: .failure))
        #expect(try !Self.runs("cancelled()", status: .failure))
    }

    @Test func aBareExpressionAndAWrappedOneAgree() throws {
        let contexts: [(String, ExpressionValue)] = [("github", .object([("ref", .string("refs/heads/main"))]))]
        #expect(try Self.runs("github.ref == 'refs/heads/main'", status: .success, contexts: contexts))
        #expect(try Self.runs("${{ github.ref == 'refs/heads/main' }}", status: .success, contexts: contexts))
        #expect(try !Self.runs("${{ github.ref == 'refs/heads/dev' }}", status: .success, contexts: contexts))
    }

    @Test func textOutsideTheBracesIsAnAlwaysTrueString() throws {
        let condition = try Condition("${{ false }} && false")
        #expect(condition.isAlwaysTrueString)
        #expect(try condition.evaluate(in: EvaluationContext(status: StatusState(current: .success))))
        #expect(try !Condition("${{ false }}").isAlwaysTrueString)
    }

    @Test func jobLevelStatusFunctionsCanNameNeeds() throws {
        let state = StatusState(current: .failure, jobResults: ["build": .success, "lint": .failure])
        let context = EvaluationContext(status: state)
        #expect(try Condition("success('build')").evaluate(in: context))
        #expect(try !Condition("success('build', 'lint')").evaluate(in: context))
        #expect(try Condition("failure('lint')").evaluate(in: context))
    }
}

@Suite struct HashFilesTests {
    static func workspace() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("requirements.txt", "fastapi==0.115\n")
        try directory.write("app/requirements.txt", "pandas\n")
        try directory.write("app/tests/requirements.txt", "pytest\n")
        try directory.write("README.md", "hello\n")
        return directory
    }

    static func sha256Hex(_ bytes: [UInt8]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys,hashlib;print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theHashIsTheSHA256OfTheFilesDigestsInPathOrder() throws {
        let directory = try Self.workspace()
        let hasher = WorkspaceFileHasher(root: directory.path)
        #expect(
            try hasher.matchingFiles(["**/requirements.txt"]) == ["app/requirements.txt", "app/tests/requirements.txt", "requirements.txt"])
        var digests: [UInt8] = []
        for file in ["app/requirements.txt", "app/tests/requirements.txt", "requirements.txt"] {
            let text = try String(contentsOfFile: directory.path + "/" + file, encoding: .utf8)
            let hex = try Self.sha256Hex(Array(text.utf8))
            var index = hex.startIndex
            while index < hex.endIndex {
                let next = hex.index(index, offsetBy: 2)
                digests.append(UInt8(hex[index..<next], radix: 16) ?? 0)
                index = next
            }
        }
        #expect(try hasher.hashFiles(["**/requirements.txt"]) == (try Self.sha256Hex(digests)))
    }

    @Test func negatedPatternsExcludeAndLaterPatternsWin() throws {
        let directory = try Self.workspace()
        let hasher = WorkspaceFileHasher(root: directory.path)
        #expect(try hasher.matchingFiles(["**/requirements.txt", "!app/**"]) == ["requirements.txt"])
        #expect(
            try hasher.matchingFiles(["**/requirements.txt", "!app/**", "app/tests/*.txt"]) == [
                "app/tests/requirements.txt", "requirements.txt",
            ])
        #expect(try hasher.matchingFiles(["app"]) == ["app/requirements.txt", "app/tests/requirements.txt"])
        #expect(try hasher.matchingFiles(["*.md", "./app/requirements.tx?"]) == ["README.md", "app/requirements.txt"])
    }

    @Test func nothingMatchingHashesToTheEmptyString() throws {
        let directory = try Self.workspace()
        #expect(try WorkspaceFileHasher(root: directory.path).hashFiles(["**/*.lock"]) == "")
    }

    @Test func patternsOutsideTheWorkspaceAreErrors() throws {
        let directory = try Self.workspace()
        let hasher = WorkspaceFileHasher(root: directory.path)
        #expect(throws: ExpressionError.self) { try hasher.hashFiles(["../secret"]) }
        #expect(throws: ExpressionError.self) { try hasher.hashFiles(["/etc/passwd"]) }
        #expect(try hasher.matchingFiles([directory.path + "/README.md"]) == ["README.md"])
    }
}
