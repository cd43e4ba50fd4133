import Testing
@testable import Pipeline

@Suite struct LatencyHistogramTests {
    @Test func bucketsCoverEveryValueOnce() {
        for us in [0, 1, 15, 16, 17, 31, 32, 1000, 33_333, 1 << 30] {
            let b = LatencyHistogram.bucket(of: us)
            #expect(LatencyHistogram.range(of: b).contains(us), "value \(us) outside its bucket \(b)")
        }
        var previousUpper = -1
        for b in 0..<200 {
            let r = LatencyHistogram.range(of: b)
            #expect(r.lowerBound == previousUpper + 1, "gap or overlap before bucket \(b)")
            previousUpper = r.upperBound
        }
    }

    @Test func percentilesWithinBucketResolution() {
        let h = LatencyHistogram()
        // 1..1000 ms, uniform.
        for ms in 1...1000 { h.record(nanoseconds: UInt64(ms) * 1_000_000) }
        let p50 = try! #require(h.percentile(0.5))
        let p99 = try! #require(h.percentile(0.99))
        #expect(abs(p50 - 0.5) < 0.5 * 0.07)
        #expect(abs(p99 - 0.99) < 0.99 * 0.07)
        #expect(LatencyHistogram().percentile(0.5) == nil)
    }
}
