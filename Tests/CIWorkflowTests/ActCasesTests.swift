import CIBasics
import CITestSupport
import CIWorkflow
import Foundation
import Testing

/// act's planning and validation cases (`../shared/corpus/act/CASES.tsv`, tiers `validation` and
/// `plan-only`), and its matrix expectations (`model-testdata/strategy/EXPECTED.json`).
@Suite struct ActCasesTests {
    typealias Case = ActCase

    static let cases = ActCase.load(tiers: ["validation", "plan-only"])

    /// Cases where GitHub's behaviour, which we follow, differs from act's.
    static let knownDifferences: [String: String] = [
        "plan-issue-1595-no-event":
            "a workflow without 'on:' is invalid on GitHub ('on' is required), so we reject it instead of planning nothing",
        "plan-issue-1595-all":
            "no-event.yml has no 'on:' and is rejected (see plan-issue-1595-no-event), so nothing is left to plan; the two broken workflows are reported as act reports them",
    ]

    static func load(_ relative: String) throws -> LoadResult {
        WorkflowLoader.load(try Corpus.bytes(relative), path: (relative as NSString).lastPathComponent)
    }

    static func yamlFiles(in relative: String, recursive: Bool) -> [String] {
        let root = Corpus.url(relative).path
        let manager = FileManager.default
        let names: [String]
        if recursive {
            names = (manager.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        } else {
            names = (try? manager.contentsOfDirectory(atPath: root)) ?? []
        }
        return names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map { "\(relative)/\($0)" }
    }

    /// Runs one case; returns nil when it behaves as listed, else what happened.
    static func run(_ item: Case) throws -> String? {
        let folder = "act/" + item.folder
        switch item.name {
        case "plan-issue-1595-all":
            let results = try yamlFiles(in: folder, recursive: false).map(load)
            let valid = results.filter(\.isValid)
            let stages = valid.compactMap(\.workflow).map { JobGraph.build($0).graph.stageList.count }.reduce(0, +)
            let broken = results.filter { !$0.isValid }.count
            return broken >= 2 && stages == 1 ? nil : "\(broken) broken workflows, \(stages) stages planned"
        case "model-nested-recursive", "model-nested-nonrecursive":
            let results = try yamlFiles(in: folder, recursive: item.name == "model-nested-recursive").map(load)
            let failed = results.contains { !$0.isValid }
            let wantsError = item.expected.hasPrefix("error")
            return failed == wantsError ? nil : (failed ? "rejected: \(results.flatMap(\.diagnostics))" : "accepted")
        default:
            break
        }
        let result = try load("\(folder)/\(item.workflow)")
        if item.expected.hasPrefix("error") {
            return result.isValid ? "accepted, but act rejects it (\(item.expected))" : nil
        }
        guard result.isValid, let workflow = result.workflow else {
            return "rejected: " + result.diagnostics.map(\.description).joined(separator: "; ")
        }
        if item.expected.hasPrefix("plan:") {
            let stages = workflow.isTriggered(by: item.event) ? JobGraph.build(workflow).graph.stageList : []
            let expected = item.expected.dropFirst("plan: ".count)
            if expected.hasPrefix("0 stages") { return stages.isEmpty ? nil : "planned \(stages)" }
            let described = "\(stages.count) stages " + stages.map { "[\($0.joined(separator: ", "))]" }.joined(separator: " -> ")
            return described == expected ? nil : "planned \(described), expected \(expected)"
        }
        return nil
    }

    @Test func planningAndValidationCasesBehaveAsListed() throws {
        try #require(Corpus.isAvailable)
        #expect(Self.cases.count == 17)
        var asExpected = 0
        var unexpected: [String] = []
        var differences: [String] = []
        for item in Self.cases {
            let outcome = try Self.run(item)
            if outcome == nil {
                asExpected += 1
            } else if let reason = Self.knownDifferences[item.name] {
                differences.append("\(item.name): \(outcome ?? "") — GitHub differs from act: \(reason)")
            } else {
                unexpected.append("\(item.name): \(outcome ?? "")")
            }
        }
        print(
            "act planning/validation cases: \(asExpected)/\(Self.cases.count) as expected, \(differences.count) known differences from act")
        for line in differences { print("  DIFFERS \(line)") }
        for line in unexpected { print("  FAIL \(line)") }
        #expect(unexpected.isEmpty)
    }

    @Test func strategyMatrixMatchesActsExpectations() throws {
        try #require(Corpus.isAvailable)
        let expected = try JSONValue.parse(bytes: try Corpus.bytes("act/model-testdata/strategy/EXPECTED.json"))
        let result = try Self.load("act/model-testdata/strategy/push.yml")
        let workflow = try #require(result.workflow)
        #expect(result.isValid)
        guard case .object(let jobs)? = expected["jobs"] else {
            Issue.record("EXPECTED.json has no jobs")
            return
        }
        for (id, spec) in jobs {
            let job = try #require(workflow.jobs[id])
            let instances = try #require(job.matrixInstances)
            let combinations = instances.map { JSONValue.object($0.map { ($0.key, $0.value) }) }
            #expect(JSONValue.array(combinations) == spec["matrix_combinations"], "matrix of \(id)")
            #expect(job.strategy?.failFast.literal ?? true == (spec["fail_fast"] == .bool(true)), "fail-fast of \(id)")
            // act defaults max-parallel to 4; GitHub sets no limit, and so do we (nil).
            let maxParallel = job.strategy?.maxParallel?.literal
            if id == "strategy-only-fail-fast" {
                #expect(maxParallel == nil)
            } else {
                #expect(spec["max_parallel"] == maxParallel.map { .int(Int($0)) }, "max-parallel of \(id)")
            }
        }
        let includesOnly = MatrixDefinition(
            include: .rows([
                .object([("a", .string("1")), ("b", .string("2"))]), .object([("a", .string("3")), ("b", .string("4"))]),
            ]))
        guard case .success(let expansion) = MatrixExpansion.expand(includesOnly) else {
            Issue.record("include-only matrix did not expand")
            return
        }
        let combinations = JSONValue.array(expansion.combinations.map { .object($0.map { ($0.key, $0.value) }) })
        #expect(combinations == expected["extra_case_TestMatrixOnlyIncludes"]?["matrix_combinations"])
    }
}
