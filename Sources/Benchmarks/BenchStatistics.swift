/// The summary statistics both sides of the benchmark use (Tools/bench_ort.py computes the same).
enum BenchStatistics {
    /// Middle value; the mean of the two middle ones for an even count.
    static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "median of no values")
        let s = values.sorted(), n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }

    /// 90th percentile, nearest rank.
    static func p90(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "p90 of no values")
        let s = values.sorted()
        return s[max(0, Int((0.9 * Double(s.count)).rounded(.up)) - 1)]
    }

    /// Giga-operations per second for `macs` multiply-adds (2 operations each) in `ms`.
    static func gops(macs: Int, ms: Double) -> Double { ms > 0 ? 2 * Double(macs) / (ms * 1e6) : 0 }
}
