import CIBasics
import CITestSupport
import CIWorkflow
import Foundation
import Testing

/// actionlint's accept and reject cases, read in place from `../shared/corpus/actionlint/`.
@Suite struct ActionlintCorpusTests {
    @Test func everyOkWorkflowIsAccepted() throws {
        try #require(Corpus.isAvailable)
        let files = Corpus.files(in: "actionlint/ok", extensions: [".yaml", ".yml"])
        var failures: [String] = []
        for name in files {
            let result = WorkflowLoader.load(try Corpus.bytes("actionlint/ok/\(name)"), path: name)
            let errors = result.diagnostics.filter { $0.severity == .error }
            if !errors.isEmpty { failures.append("\(name): " + errors.map(\.description).joined(separator: "\n    ")) }
        }
        print("actionlint ok: \(files.count - failures.count)/\(files.count) accepted")
        for failure in failures { print("  FAIL \(failure)") }
        #expect(files.count == 84)
        #expect(failures.isEmpty)
    }

    /// One expected diagnostic: its line and column, and the text actionlint gives.
    struct Expected {
        var line: Int
        var column: Int
        var text: String
    }

    static func expectations(_ text: String) -> [Expected] {
        text.split(separator: "\n").compactMap { raw in
            let line = raw.hasPrefix("/") ? raw.dropFirst().replacing("\\.", with: ".") : raw[...]
            let parts = line.split(separator: ":", maxSplits: 3)
            guard parts.count >= 3, let number = Int(parts[1]), let column = Int(parts[2]) else { return nil }
            return Expected(line: number, column: column, text: String(raw))
        }
    }

    /// Err cases we knowingly accept, and why. Each still gets its diagnostics, as warnings.
    static let acceptedOnPurpose: [String: String] = [
        "empty_image_names_and_versions.yaml":
            "GitHub's schema allows empty 'names'/'versions' filter lists; we warn that they match nothing",
        "matrix_exclude_no_match.yaml":
            "GitHub runs a matrix whose 'exclude' rows match nothing; we warn at the value that matches no axis value",
        "ex-expression_syntax_error.yaml": "expression syntax is checked by the expression language (issue 3), not yet wired in",
        "issue193.yaml": "expression syntax is checked by the expression language (issue 3), not yet wired in",
    ]

    @Test func everyErrWorkflowIsRejectedAtTheExpectedPlaces() throws {
        try #require(Corpus.isAvailable)
        let files = Corpus.files(in: "actionlint/err", extensions: [".yaml", ".yml"])
        var accepted: [String] = []
        var total = 0
        var asErrors = 0
        var asWarnings = 0
        var misses: [String] = []
        for name in files {
            let base = String(name.dropLast(name.hasSuffix(".yaml") ? 5 : 4))
            let structural = Corpus.url("actionlint/err/\(base).structural.out")
            let outURL = FileManager.default.fileExists(atPath: structural.path) ? structural : Corpus.url("actionlint/err/\(base).out")
            let expected = Self.expectations(try String(contentsOf: outURL, encoding: .utf8))
            let result = WorkflowLoader.load(try Corpus.bytes("actionlint/err/\(name)"), path: name)
            if !result.diagnostics.containsErrors { accepted.append(name) }
            for item in expected {
                total += 1
                let here = result.diagnostics.filter { $0.location?.line == item.line && $0.location?.column == item.column }
                if here.contains(where: { $0.severity == .error }) {
                    asErrors += 1
                } else if !here.isEmpty {
                    asWarnings += 1
                } else {
                    let ours = result.diagnostics.filter { $0.location?.line == item.line }.map(\.description)
                    misses.append(
                        "\(name): expected \(item.text)\n      ours on that line: \(ours.isEmpty ? "none" : ours.joined(separator: " | "))")
                }
            }
        }
        print("actionlint err: \(files.count - accepted.count)/\(files.count) rejected")
        print(
            "actionlint err: \(asErrors)/\(total) expected structural diagnostics given as errors at the same line:column, \(asWarnings) more as warnings"
        )
        for name in accepted { print("  ACCEPTED \(name): \(Self.acceptedOnPurpose[name] ?? "unexpected")") }
        for miss in misses { print("  MISS \(miss)") }
        #expect(accepted.filter { Self.acceptedOnPurpose[$0] == nil }.isEmpty)
    }
}
