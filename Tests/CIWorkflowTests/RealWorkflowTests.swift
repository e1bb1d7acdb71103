import CIBasics
import CITestSupport
import CIWorkflow
import Foundation
import Testing

/// The 275 real workflows of the YAML corpus run on GitHub, so they must load without errors.
@Suite struct RealWorkflowTests {
    @Test func realWorkflowsLoadWithoutErrors() throws {
        try #require(Corpus.isAvailable)
        let files = Corpus.files(in: "yaml/workflows", extensions: [".yml", ".yaml"])
        var failures: [String] = []
        var warnings = 0
        for name in files {
            let result = WorkflowLoader.load(try Corpus.bytes("yaml/workflows/\(name)"), path: name)
            let errors = result.diagnostics.filter { $0.severity == .error }
            warnings += result.diagnostics.count - errors.count
            if !errors.isEmpty { failures.append(errors.map(\.description).joined(separator: "\n    ")) }
        }
        print("real workflows: \(files.count - failures.count)/\(files.count) valid, \(warnings) warnings")
        for failure in failures { print("  FAIL \(failure)") }
        #expect(failures.isEmpty)
    }
}

extension RealWorkflowTests {
    @Test func printWarningsWhenAsked() throws {
        guard Corpus.isAvailable, ProcessInfo.processInfo.environment["SHOW_WARNINGS"] != nil else { return }
        for name in Corpus.files(in: "yaml/workflows", extensions: [".yml", ".yaml"]) {
            let result = WorkflowLoader.load(try Corpus.bytes("yaml/workflows/\(name)"), path: name)
            for diagnostic in result.diagnostics { print("W \(diagnostic)") }
        }
    }
}
