/// Capture-to-sink latencies in a fixed set of log-spaced buckets (16 per power of two of
/// microseconds, so any percentile is within about 6%). Allocated once; recording is a few
/// integer operations. One writer (the sink thread); read after the run.
final class LatencyHistogram: @unchecked Sendable {
    private static let subBuckets = 16
    private static let subBits = 4
    /// Up to 2^44 µs (months); larger values land in the last bucket.
    private static let bucketCount = 16 + 40 * 16
    private let counts: UnsafeMutablePointer<Int>
    private(set) var samples = 0
    private(set) var maxMicroseconds = 0

    init() {
        counts = .allocate(capacity: Self.bucketCount)
        counts.initialize(repeating: 0, count: Self.bucketCount)
    }
    deinit { counts.deallocate() }

    func record(nanoseconds: UInt64) {
        let us = Int(min(nanoseconds / 1_000, UInt64(Int.max)))
        counts[Self.bucket(of: us)] += 1
        samples += 1
        if us > maxMicroseconds { maxMicroseconds = us }
    }

    static func bucket(of us: Int) -> Int {
        if us < subBuckets { return us }
        let exponent = (Int.bitWidth - 1) - us.leadingZeroBitCount   // >= subBits
        let mantissa = (us >> (exponent - subBits)) & (subBuckets - 1)
        return min(subBuckets + (exponent - subBits) * subBuckets + mantissa, bucketCount - 1)
    }

    /// Smallest and largest microsecond value that fall in `bucket`.
    static func range(of bucket: Int) -> ClosedRange<Int> {
        if bucket < subBuckets { return bucket...bucket }
        let exponent = (bucket - subBuckets) / subBuckets + subBits
        let mantissa = (bucket - subBuckets) % subBuckets
        let low = (1 << exponent) + mantissa << (exponent - subBits)
        return low...(low + (1 << (exponent - subBits)) - 1)
    }

    /// The `p`-th percentile (0...1) in seconds, as the middle of its bucket; nil without samples.
    func percentile(_ p: Double) -> Double? {
        guard samples > 0 else { return nil }
        let rank = max(1, Int((p * Double(samples)).rounded(.up)))
        var seen = 0
        for b in 0..<Self.bucketCount {
            seen += counts[b]
            if seen >= rank {
                let r = Self.range(of: b)
                let mid = min(Double(r.lowerBound + r.upperBound) / 2, Double(maxMicroseconds))
                return mid / 1e6
            }
        }
        return Double(maxMicroseconds) / 1e6
    }
}
