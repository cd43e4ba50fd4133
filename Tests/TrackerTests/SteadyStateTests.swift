import TestSupport
#if canImport(Glibc)
import Testing
import FacepipeCore
@testable import Tracker

@Suite(.serialized, .enabled(if: allocationTestsEnabled, "run alone by Tools/test.sh (FACEPIPE_ALLOCATION_TESTS=1)"))
struct SteadyStateTests {
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
                // A camera cut every 50 frames ends every track.
                tracker.update(detections: script[s], detected: f % 4 != 3, time: Double(f) / 25, frame: f,
                               sceneChange: f % 50 == 49 ? 0.5 : 0.01, faces: &faces)
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

    @Test func redactionRegionsAllocateNothingAfterWarmUp() throws {
        let tracker = ByteTrack()
        var regions = RedactionRegions(score: 0.3, holdSeconds: 0.2)
        var faces: [TrackedFace] = [], boxes: [Box] = []
        // Tracked faces, a weak one never tracked, a face that comes and goes, skipped frames.
        let script: [[Detection]] = (0..<60).map { f in
            var d = [face(Float(50 + 3 * f), 100), face(250, 250, score: 0.45)]
            if f % 20 < 8 { d.append(face(Float(500 - 4 * f), 60, score: 0.95)) }
            return d
        }
        func run(_ range: Range<Int>) {
            for f in range {
                let detected = f % 3 == 0, time = Double(f) / 25, change: Float = f % 50 == 49 ? 0.5 : 0.01
                if tracker.config.isSceneCut(change) { regions.holdLiveBoxes(of: tracker, time: time) }
                tracker.update(detections: script[f % 60], detected: detected, time: time, frame: f, sceneChange: change,
                               faces: &faces)
                regions.update(tracker: tracker, detections: script[f % 60], detected: detected, time: time, regions: &boxes)
            }
        }
        run(0..<120)
        let sanity = swiftAllocations { _ = [Int](repeating: 0, count: 10) }
        try #require(sanity != nil && sanity! >= 1, "the allocation hook does not count")
        let count = swiftAllocations { run(120..<420) }
        #expect(count == 0)
        #expect(boxes.count >= 2)
    }

    @Test func sceneChangeMeterAllocatesNothing() throws {
        let frame = VideoFrame()
        frame.reshape(width: 321, height: 241)
        var meter = SceneChangeMeter()
        var changes: [Float] = []
        changes.reserveCapacity(64)
        func fill(_ plane: UnsafeMutablePointer<UInt8>, stride: Int, rows: Int, shade: UInt8) {
            for r in 0..<rows { (plane + r * stride).update(repeating: shade &+ UInt8(truncatingIfNeeded: r), count: stride) }
        }
        let sanity = swiftAllocations { _ = [Int](repeating: 0, count: 10) }
        try #require(sanity != nil && sanity! >= 1, "the allocation hook does not count")
        let count = swiftAllocations {
            for i in 0..<40 {
                let shade = UInt8(i / 10 * 60)  // a new "shot" every 10 frames
                fill(frame.planes.y, stride: frame.strides.y, rows: 241, shade: shade)
                fill(frame.planes.u, stride: frame.strides.u, rows: 121, shade: shade)
                fill(frame.planes.v, stride: frame.strides.v, rows: 121, shade: shade)
                changes.append(meter.measure(frame))
            }
        }
        #expect(count == 0)
        #expect(changes.filter { $0 >= 0.09 }.count == 3, "\(changes)")
    }
}
#endif
