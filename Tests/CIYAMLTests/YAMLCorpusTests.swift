import CIBasics
import CITestSupport
import CIYAML
import Testing

/// The 275 real workflows of `../shared/corpus/yaml/` parse, and each value equals `expected12/`.
@Suite struct YAMLCorpusTests {
    @Test func everyCorpusWorkflowEqualsItsExpected12Value() throws {
        try #require(Corpus.isAvailable, "corpus not found at \(Corpus.root.path)")
        let files = Corpus.files(in: "yaml/workflows", extensions: [".yml", ".yaml"])
        var equal = 0
        var failures: [String] = []
        for name in files {
            let bytes = try Corpus.bytes("yaml/workflows/\(name)")
            let expected = String(decoding: try Corpus.bytes("yaml/expected12/\(name).json"), as: UTF8.self)
            do {
                let text = try YAML.parseStrict(bytes).jsonValue.serialized(.python)
                if text == expected {
                    equal += 1
                } else {
                    failures.append("\(name): value differs\n  got:      \(text.prefix(300))\n  expected: \(expected.prefix(300))")
                }
            } catch {
                failures.append("\(name): \(error)")
            }
        }
        print("yaml corpus: \(equal)/\(files.count) equal")
        for failure in failures { print("  FAIL \(failure)") }
        #expect(files.count == 275)
        #expect(failures.isEmpty)
    }
}
