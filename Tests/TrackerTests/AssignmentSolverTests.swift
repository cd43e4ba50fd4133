import FacepipeCore
import TestSupport
import Testing
@testable import Tracker

/// The solver against exhaustive search on small random matrices.
@Suite struct AssignmentSolverTests {
    typealias SeededGenerator = SplitMix64

    /// Least sum of (cost - limit) over partial matchings of allowed pairs (cost < limit).
    func bruteForceOptional(_ c: [Double], rows: Int, cols: Int, limit: Double) -> Double {
        var used = [Bool](repeating: false, count: cols)
        func best(_ r: Int) -> Double {
            if r == rows { return 0 }
            var result = best(r + 1) // row r unmatched
            for col in 0..<cols where !used[col] && c[r * cols + col] < limit {
                used[col] = true
                result = min(result, c[r * cols + col] - limit + best(r + 1))
                used[col] = false
            }
            return result
        }
        return best(0)
    }

    /// Least total over injective maps rows -> cols.
    func bruteForceFull(_ c: [Double], rows: Int, cols: Int) -> Double {
        var used = [Bool](repeating: false, count: cols)
        func best(_ r: Int) -> Double {
            if r == rows { return 0 }
            var result = Double.infinity
            for col in 0..<cols where !used[col] {
                used[col] = true
                result = min(result, c[r * cols + col] + best(r + 1))
                used[col] = false
            }
            return result
        }
        return best(0)
    }

    @Test func optionalMatchingIsOptimalIncludingRectangularAndForbidden() {
        var rng = SeededGenerator(state: 42)
        var solver = AssignmentSolver()
        var result: [Int] = []
        var nonTrivial = 0
        for trial in 0..<400 {
            let rows = Int.random(in: 0...5, using: &rng), cols = Int.random(in: 0...5, using: &rng)
            let limit = Double.random(in: 0.2...1.2, using: &rng)
            var costs: [Double] = []
            for _ in 0..<(rows * cols) {
                // Some pairs forbidden outright, some merely not worth matching; ties on purpose.
                let roll = Int.random(in: 0..<10, using: &rng)
                costs.append(roll < 2 ? .infinity : roll < 4 ? Double(Int.random(in: 0...4, using: &rng)) / 4
                             : Double.random(in: 0...1.3, using: &rng))
            }
            solver.match(costs: costs, rows: rows, cols: cols, limit: limit, rowToColumn: &result)
            #expect(result.count == rows)
            var total = 0.0
            var seen = Set<Int>()
            for (r, col) in result.enumerated() where col >= 0 {
                #expect(costs[r * cols + col] < limit, "trial \(trial): a forbidden pair was matched")
                #expect(seen.insert(col).inserted, "trial \(trial): a column was used twice")
                total += costs[r * cols + col] - limit
            }
            let expected = bruteForceOptional(costs, rows: rows, cols: cols, limit: limit)
            #expect(abs(total - expected) < 1e-9, "trial \(trial): \(total) vs best \(expected)")
            if expected < 0 && seen.count > 1 { nonTrivial += 1 }
        }
        #expect(nonTrivial > 100)
    }

    @Test func fullAssignmentIsOptimal() {
        var rng = SeededGenerator(state: 7)
        var workspace = AssignmentSolver.Workspace()
        var result: [Int] = []
        for trial in 0..<300 {
            let rows = Int.random(in: 1...6, using: &rng)
            let cols = Int.random(in: rows...7, using: &rng)
            let costs = (0..<(rows * cols)).map { _ in Double(Int.random(in: -50...50, using: &rng)) }
            AssignmentSolver.solve(rows: rows, cols: cols, costs: costs, workspace: &workspace, result: &result)
            #expect(Set(result).count == rows && result.allSatisfy { (0..<cols).contains($0) })
            let total = result.enumerated().reduce(0.0) { $0 + costs[$1.offset * cols + $1.element] }
            #expect(total == bruteForceFull(costs, rows: rows, cols: cols), "trial \(trial)")
        }
    }

    @Test func negativeCostsWithZeroLimitMaximiseOverlap() {
        // The identity-measure use: minus shared frames, 0 = no overlap (forbidden).
        var solver = AssignmentSolver()
        var result: [Int] = []
        solver.match(costs: [-5, -4, 0,
                             -4, 0, 0], rows: 2, cols: 3, limit: 0, rowToColumn: &result)
        #expect(result == [1, 0]) // 4 + 4 beats 5 + nothing
    }
}
