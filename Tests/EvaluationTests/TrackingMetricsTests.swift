import Testing
import FacepipeCore
@testable import Evaluation

/// Hand-made sequences whose CLEAR-MOT and identity scores are worked out in the comments.
@Suite struct TrackingMetricsTests {
    func box(_ x: Float, _ y: Float = 0, _ s: Float = 10) -> Box { Box(x: x, y: y, width: s, height: s) }
    func gt(_ id: Int, _ b: Box, ignored: Bool = false) -> GroundTruthFace { GroundTruthFace(id: id, box: b, ignored: ignored) }
    func pr(_ id: Int, _ b: Box) -> TrackedFace { TrackedFace(id: id, box: b, score: 0.9, matched: true) }

    @Test func identitySwitchHalvesIDF1() {
        // One face for 4 frames; the tracker calls it 10, then 11.
        var m = TrackingMetrics()
        for f in 0..<4 { m.add(groundTruth: [gt(1, box(0))], predictions: [pr(f < 2 ? 10 : 11, box(0))]) }
        let s = m.result()
        #expect(s.matches == 4 && s.misses == 0 && s.falsePositives == 0 && s.idSwitches == 1)
        #expect(abs(s.mota - 0.75) < 1e-12)   // 1 - 1/4
        // Best identity pairing keeps 2 of 4 frames: IDTP 2, IDFN 2, IDFP 2.
        #expect(s.idTruePositives == 2 && s.idFalseNegatives == 2 && s.idFalsePositives == 2)
        #expect(abs(s.idf1 - 0.5) < 1e-12 && abs(s.idPrecision - 0.5) < 1e-12 && abs(s.idRecall - 0.5) < 1e-12)
        #expect(s.fragmentations == 0 && s.motp == 1)
    }

    @Test func missesFalsePositivesFragmentationsAndMOTP() {
        // Faces 1 and 2 over 3 frames. Face 1's box is always 1 px off (IoU 90/110);
        // face 2 is missed in frame 1, where a stray box appears elsewhere.
        var m = TrackingMetrics()
        m.add(groundTruth: [gt(1, box(0)), gt(2, box(50))], predictions: [pr(7, box(1)), pr(8, box(50))])
        m.add(groundTruth: [gt(1, box(0)), gt(2, box(50))], predictions: [pr(7, box(1)), pr(99, box(200))])
        m.add(groundTruth: [gt(1, box(0)), gt(2, box(50))], predictions: [pr(7, box(1)), pr(8, box(50))])
        let s = m.result()
        #expect(s.groundTruthBoxes == 6 && s.predictedBoxes == 6)
        #expect(s.matches == 5 && s.misses == 1 && s.falsePositives == 1 && s.idSwitches == 0)
        #expect(s.fragmentations == 1)
        #expect(abs(s.mota - (1 - 2.0 / 6)) < 1e-12)
        #expect(abs(s.motp - (3 * (90.0 / 110) + 2) / 5) < 1e-6)
        // 1<->7 share 3 frames, 2<->8 share 2; 99 pairs with nothing: IDTP 5, IDFN 1, IDFP 1.
        #expect(s.idTruePositives == 5 && abs(s.idf1 - 10.0 / 12) < 1e-12)
        #expect(s.groundTruthTracks == 2 && s.mostlyTracked == 1 && s.mostlyLost == 0) // 2 is tracked 2/3
    }

    @Test func overlapBelowThresholdIsAMissAndAFalsePositive() {
        var m = TrackingMetrics()
        m.add(groundTruth: [gt(1, box(0))], predictions: [pr(1, box(4))])   // IoU 60/140 < 0.5
        var s = m.result()
        #expect(s.matches == 0 && s.misses == 1 && s.falsePositives == 1 && s.mota == -1 && s.idf1 == 0)
        var loose = TrackingMetrics(iouThreshold: 0.4)
        loose.add(groundTruth: [gt(1, box(0))], predictions: [pr(1, box(4))])
        s = loose.result()
        #expect(s.matches == 1 && s.mota == 1 && s.idf1 == 1)
    }

    @Test func ignoredFacesAreNeitherRequiredNorPenalised() {
        var m = TrackingMetrics()
        // Frame 0: face 2 is hidden and predicted anyway; frame 1: hidden and not predicted.
        m.add(groundTruth: [gt(1, box(0)), gt(2, box(50), ignored: true)], predictions: [pr(1, box(0)), pr(2, box(50))])
        m.add(groundTruth: [gt(1, box(0)), gt(2, box(50), ignored: true)], predictions: [pr(1, box(0))])
        let s = m.result()
        #expect(s.groundTruthBoxes == 2 && s.predictedBoxes == 2)
        #expect(s.misses == 0 && s.falsePositives == 0 && s.mota == 1 && s.idf1 == 1)
    }

    @Test func previousCorrespondenceWinsOverABetterOverlap() {
        // Bernardin & Stiefelhagen: a match still above the threshold is kept, so a second
        // track sliding closer does not count as a switch.
        var m = TrackingMetrics()
        m.add(groundTruth: [gt(1, box(0))], predictions: [pr(5, box(0))])
        m.add(groundTruth: [gt(1, box(0))], predictions: [pr(5, box(2)), pr(6, box(0))]) // IoU 80/120 vs 1
        let s = m.result()
        #expect(s.idSwitches == 0 && s.matches == 2 && s.falsePositives == 1)
    }

    @Test func emptySequenceScoresZeroWithoutCrashing() {
        var m = TrackingMetrics()
        m.add(groundTruth: [], predictions: [])
        let s = m.result()
        #expect(s.frames == 1 && s.mota == 0 && s.idf1 == 0)
        #expect(s.description.contains("MOTA"))
    }
}
