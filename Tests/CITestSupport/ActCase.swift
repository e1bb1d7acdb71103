import Foundation

/// One row of act's case table (`../shared/corpus/act/CASES.tsv`).
public struct ActCase: Sendable, CustomStringConvertible {
    /// The columns: `case`, `folder`, `workflow`, `event`, `expected`, `tier`, `host_jobs`, `config`.
    public var name: String, folder: String, workflow: String, event: String, expected: String, tier: String
    /// The jobs that can run on the host (empty: all, `*` in the table).
    public var hostJobs: [String]
    /// act's configuration the case needs (`secrets: …`, `inputs: …`, …), or `-`.
    public var config: String
    /// The case's name.
    public var description: String { name }

    /// The rows whose tier is in `tiers`, in the table's order.
    public static func load(tiers: Set<String>) -> [ActCase] {
        guard let text = try? String(contentsOf: Corpus.url("act/CASES.tsv"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count > 8, tiers.contains(columns[6]) else { return nil }
            return ActCase(
                name: columns[0], folder: columns[1], workflow: columns[2], event: columns[3], expected: columns[4], tier: columns[6],
                hostJobs: columns[7] == "*" ? [] : columns[7].split(separator: ",").map(String.init), config: columns[8])
        }
    }
}
