import TestSupport
#if canImport(Glibc)
import Testing
import FacepipeCore
@testable import Tracker

@Suite struct SteadyStateTests {
    @Test func updateAllocatesNothingAfterWarmUp() throws {
        let tracker = ByteTrack()
        var faces: [TrackedFace] = []
        // Three faces moving, one missed now and then, a weak detection, a stray false
        // positive, and frames without detection: every branch of the update.
        let script: [[Detection]] = (0..<60).map { f in
            var d = [face(Float(50 + 3 * f), 100), face(Float(400 - 2 * f), 200, score: f % 7 == 0 ? 0.4 : 0.9)]
            if f % 9 != 0 { d.append(face(300, Float(50 + f), size: 60)) }
            if f % 13 == 5 { d.append(face(600, 30, score: 0.95)) }
            return d
        }
        func run(_ range: Range<Int>) {
            for f in range {
                let s = f % 60
                tracker.update(detections: script[s], detected: f % 4 != 3, time: Double(f) / 25, frame: f, faces: &faces)
            }
        }
        run(0..<60)
        let sanity = swiftAllocations { _ = [Int](repeating: 0, count: 10) }
        try #require(sanity != nil && sanity! >= 1, "the allocation hook does not count")
        // Buffers only grow to the largest frame seen so far: warm up on two passes of the script.
        run(60..<120)
        let count = swiftAllocations { run(120..<420) }
        #expect(count == 0)
        #expect(faces.count >= 2)
    }
}
#endif
