/// Optimal bipartite matching for track association and identity scoring: a shortest
/// augmenting path solver with dual potentials (the Hungarian method in the
/// Jonker-Volgenant form), O(n^3). Buffers are kept between calls, so repeated use
/// with similar sizes allocates nothing.
public struct AssignmentSolver {
    /// Dual potentials and path bookkeeping of `solve`.
    struct Workspace {
        var u: [Double] = []
        var v: [Double] = []
        var minv: [Double] = []
        var owner: [Int] = []
        var way: [Int] = []
        var used: [Bool] = []
    }
    private var workspace = Workspace()
    private var extended: [Double] = []
    private var columnOfRow: [Int] = []

    /// `expectedSize`: rows + cols of the largest problem expected, reserved up front.
    public init(expectedSize: Int = 32) {
        let n = expectedSize + 1
        workspace.u.reserveCapacity(n); workspace.v.reserveCapacity(n); workspace.minv.reserveCapacity(n)
        workspace.owner.reserveCapacity(n); workspace.way.reserveCapacity(n); workspace.used.reserveCapacity(n)
        extended.reserveCapacity(expectedSize * expectedSize)
        columnOfRow.reserveCapacity(n)
    }

    /// Matches rows to columns, leaving any unmatched, to minimise the sum over matched
    /// pairs of (cost - limit). Only pairs with cost < limit may match (use +infinity or
    /// anything >= limit to forbid a pair). `costs` is row-major, rows x cols.
    /// On return `rowToColumn[r]` is the matched column or -1.
    public mutating func match(costs: [Double], rows: Int, cols: Int, limit: Double, rowToColumn: inout [Int]) {
        precondition(costs.count >= rows * cols, "cost matrix smaller than rows x cols")
        rowToColumn.removeAll(keepingCapacity: true)
        if rows == 0 { return }
        rowToColumn.append(contentsOf: repeatElement(-1, count: rows))
        if cols == 0 { return }
        // Square extension: every real row may take a dummy column and every real column
        // a dummy row at limit/2 each, so leaving a pair apart costs `limit` in total;
        // dummies pair among themselves for free. A forbidden pair costs more than that.
        let n = rows + cols
        let forbidden = limit + 1 + abs(limit)
        extended.removeAll(keepingCapacity: true)
        extended.reserveCapacity(n * n)
        let half = limit / 2
        for r in 0..<n {
            for c in 0..<n {
                if r < rows && c < cols {
                    let cost = costs[r * cols + c]
                    extended.append(cost < limit ? cost : forbidden)
                } else if r >= rows && c >= cols {
                    extended.append(0)
                } else {
                    extended.append(half)
                }
            }
        }
        Self.solve(rows: n, cols: n, costs: extended, workspace: &workspace, result: &columnOfRow)
        for r in 0..<rows {
            let c = columnOfRow[r]
            if c < cols && costs[r * cols + c] < limit { rowToColumn[r] = c }
        }
    }

    /// Full assignment of every row (rows <= cols) to a distinct column at the least total
    /// cost; costs must be finite. `result[r]` is row r's column.
    static func solve(rows n: Int, cols m: Int, costs: [Double], workspace w: inout Workspace, result: inout [Int]) {
        precondition(n <= m, "the solver needs rows <= cols")
        // 1-based arrays: index 0 is the virtual column the augmenting path starts from.
        reset(&w.u, n + 1, 0.0); reset(&w.v, m + 1, 0.0)
        reset(&w.owner, m + 1, 0); reset(&w.way, m + 1, 0)
        for row in 1...max(n, 1) where n > 0 {
            w.owner[0] = row
            var column = 0
            reset(&w.minv, m + 1, Double.infinity)
            reset(&w.used, m + 1, false)
            repeat {
                w.used[column] = true
                let r = w.owner[column]
                var delta = Double.infinity
                var next = 0
                for c in 1...m where !w.used[c] {
                    let reduced = costs[(r - 1) * m + (c - 1)] - w.u[r] - w.v[c]
                    if reduced < w.minv[c] { w.minv[c] = reduced; w.way[c] = column }
                    if w.minv[c] < delta { delta = w.minv[c]; next = c }
                }
                for c in 0...m {
                    if w.used[c] { w.u[w.owner[c]] += delta; w.v[c] -= delta } else { w.minv[c] -= delta }
                }
                column = next
            } while w.owner[column] != 0
            // Flip the path back to the start.
            repeat {
                let previous = w.way[column]
                w.owner[column] = w.owner[previous]
                column = previous
            } while column != 0
        }
        reset(&result, n, -1)
        for c in 1...max(m, 1) where m > 0 && w.owner[c] != 0 { result[w.owner[c] - 1] = c - 1 }
    }
}

@inline(__always) private func reset<T>(_ array: inout [T], _ count: Int, _ value: T) {
    array.removeAll(keepingCapacity: true)
    array.append(contentsOf: repeatElement(value, count: count))
}
