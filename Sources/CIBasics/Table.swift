/// A plain text table with aligned columns.
public struct Table: Sendable {
    /// The column headings.
    public var headers: [String]
    /// The rows.
    public var rows: [[String]] = []

    /// Creates a table.
    public init(headers: [String], rows: [[String]] = []) {
        self.headers = headers
        self.rows = rows
    }

    /// The table as lines; headers are bold when `style` has colour.
    public func rendered(style: TextStyle) -> [String] {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: max(widths[index] - cell.count, 0))
            }.joined(separator: "  ")
        }
        return [style.paint(line(headers), .bold)] + rows.map(line)
    }
}
