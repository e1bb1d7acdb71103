import CIBasics
import OrderedCollections

/// The jobs of a workflow as a graph of `needs`: which job waits for which, and the stage in which
/// each can start.
public struct JobGraph: Sendable, Hashable {
    /// Job ids in the order the workflow lists them.
    public var order: [String]
    /// For each job, the ids of the jobs it needs (resolved to their written spelling).
    public var needs: [String: [String]]
    /// For each job not on a cycle, its stage: 0 with no needs, else one more than its latest need.
    public var stages: [String: Int]

    /// Builds the graph of `workflow` and reports unknown needs and cycles.
    public static func build(_ workflow: Workflow) -> (graph: JobGraph, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var byFoldedID: [String: String] = [:]
        for id in workflow.jobs.keys { byFoldedID[id.lowercased()] = id }
        var needs: [String: [String]] = [:]
        for (id, job) in workflow.jobs {
            var resolved: [String] = []
            for need in job.needs {
                if let target = byFoldedID[need.value.lowercased()] {
                    resolved.append(target)
                } else {
                    var message = "job '\(id)' needs '\(need.value)', which is not a job in this workflow"
                    if let suggestion = Suggestion.closest(to: need.value, in: workflow.jobs.keys) {
                        message += "; did you mean '\(suggestion)'?"
                    }
                    diagnostics.append(.error(.unknownJob, message, at: need.location))
                }
            }
            needs[id] = resolved
        }
        var graph = JobGraph(order: Array(workflow.jobs.keys), needs: needs, stages: [:])
        let cycles = graph.cycles()
        for cycle in cycles {
            guard let first = cycle.first, let job = workflow.jobs[first] else { continue }
            diagnostics.append(
                .error(
                    .needsCycle,
                    "the needs of these jobs form a cycle, so none of them can start: " + (cycle + [first]).joined(separator: " -> "),
                    at: job.location))
        }
        graph.stages = graph.computeStages()
        return (graph, diagnostics)
    }

    /// The jobs named in `ids` (matched case-insensitively) and every job they need, directly or
    /// not, in workflow order.
    public func closure(of ids: Set<String>) -> [String] {
        let folded = Set(ids.map { $0.lowercased() })
        var selected = Set<String>()
        func add(_ id: String) {
            guard selected.insert(id).inserted else { return }
            for need in needs[id] ?? [] { add(need) }
        }
        for id in order where folded.contains(id.lowercased()) { add(id) }
        return order.filter(selected.contains)
    }

    /// Every cycle of `needs`, each once, each starting at the job the workflow lists first and
    /// following `needs` from there.
    public func cycles() -> [[String]] {
        var state: [String: Int] = [:]  // 1 = on the stack, 2 = done
        var stack: [String] = []
        var found: [[String]] = []
        var seenCycles = Set<Set<String>>()
        func visit(_ id: String) {
            state[id] = 1
            stack.append(id)
            for next in needs[id] ?? [] {
                switch state[next] {
                case 1?:
                    if let start = stack.firstIndex(of: next) {
                        let cycle = Array(stack[start...])
                        if seenCycles.insert(Set(cycle)).inserted { found.append(cycle) }
                    }
                case nil: visit(next)
                default: break
                }
            }
            stack.removeLast()
            state[id] = 2
        }
        for id in order where state[id] == nil { visit(id) }
        return found
    }

    private func computeStages() -> [String: Int] {
        var stages: [String: Int] = [:]
        var visiting = Set<String>()
        func stage(_ id: String) -> Int? {
            if let known = stages[id] { return known }
            guard visiting.insert(id).inserted else { return nil }
            defer { visiting.remove(id) }
            var result = 0
            for need in needs[id] ?? [] {
                guard let needStage = stage(need) else { return nil }
                result = max(result, needStage + 1)
            }
            stages[id] = result
            return result
        }
        for id in order { _ = stage(id) }
        return stages
    }
}

extension Loader {
    mutating func checkJobGraph(_ workflow: Workflow) {
        diagnostics += JobGraph.build(workflow).diagnostics
    }
}

extension JobGraph {
    /// The jobs grouped by stage, in the workflow's order within each stage. Jobs on a cycle are left out.
    public var stageList: [[String]] {
        guard let last = stages.values.max() else { return [] }
        return (0...last).map { stage in order.filter { stages[$0] == stage } }
    }
}

extension Workflow {
    /// Whether an `event` (such as `push`) is among the workflow's triggers.
    public func isTriggered(by event: String) -> Bool { triggers[event] != nil }
}
