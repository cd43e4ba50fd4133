/// Optimal bipartite matching for track association and identity scoring: a shortest
/// augmenting path solver with dual potentials (the Hungarian method in the
/// Jonker-Volgenant form), O(n^3). Buffers are kept between calls, so repeated use
/// with similar sizes allocates nothing.
public struct AssignmentSolver {
    private var u: [Double] = []
    private var v: [Double] = []
    private var minv: [Double] = []
    private var owner: [Int] = []
    private var way: [Int] = []
    private var used: [Bool] = []
    private var extended: [Double] = []
    private var columnOfRow: [Int] = []

    public init() {}

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
        solve(rows: n, cols: n, costs: extended, result: &columnOfRow)
        for r in 0..<rows {
            let c = columnOfRow[r]
            if c < cols && costs[r * cols + c] < limit { rowToColumn[r] = c }
        }
    }

    /// Full assignment of every row (rows <= cols) to a distinct column at the least total
    /// cost; costs must be finite. `result[r]` is row r's column.
    mutating func solve(rows n: Int, cols m: Int, costs: [Double], result: inout [Int]) {
        precondition(n <= m, "the solver needs rows <= cols")
        // 1-based arrays: index 0 is the virtual column the augmenting path starts from.
        reset(&u, n + 1, 0.0); reset(&v, m + 1, 0.0)
        reset(&owner, m + 1, 0); reset(&way, m + 1, 0)
        for row in 1...max(n, 1) where n > 0 {
            owner[0] = row
            var column = 0
            reset(&minv, m + 1, Double.infinity)
            reset(&used, m + 1, false)
            repeat {
                used[column] = true
                let r = owner[column]
                var delta = Double.infinity
                var next = 0
                for c in 1...m where !used[c] {
                    let reduced = costs[(r - 1) * m + (c - 1)] - u[r] - v[c]
                    if reduced < minv[c] { minv[c] = reduced; way[c] = column }
                    if minv[c] < delta { delta = minv[c]; next = c }
                }
                for c in 0...m {
                    if used[c] { u[owner[c]] += delta; v[c] -= delta } else { minv[c] -= delta }
                }
                column = next
            } while owner[column] != 0
            // Flip the path back to the start.
            repeat {
                let previous = way[column]
                owner[column] = owner[previous]
                column = previous
            } while column != 0
        }
        reset(&result, n, -1)
        for c in 1...max(m, 1) where m > 0 && owner[c] != 0 { result[owner[c] - 1] = c - 1 }
    }
}

@inline(__always) private func reset<T>(_ array: inout [T], _ count: Int, _ value: T) {
    array.removeAll(keepingCapacity: true)
    array.append(contentsOf: repeatElement(value, count: count))
}
