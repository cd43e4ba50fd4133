import Foundation
import Testing
import FacepipeCore
import TestSupport
@testable import Evaluation

private func det(_ x: Float, _ y: Float, _ w: Float, _ h: Float, _ s: Float) -> Detection {
    Detection(box: Box(x: x, y: y, width: w, height: h), score: s)
}

@Suite struct AveragePrecisionTests {
    // Two faces A [0,0,10,10] and B [50,0,10,10], an ignore region over [100,0,20,20].
    let label = LabelledImage(image: "a.jpg", boxes: [Box(x: 0, y: 0, width: 10, height: 10), Box(x: 50, y: 0, width: 10, height: 10)],
                              scored: [true, true], ignoreRegions: [Box(x: 100, y: 0, width: 20, height: 20)])

    @Test func outcomesByHand() {
        let dets = [det(0, 0, 10, 10, 0.9),   // TP on A
                    det(1, 0, 10, 10, 0.8),   // A already taken, not on a region: FP
                    det(102, 2, 10, 10, 0.7), // inside the ignore region: dropped
                    det(50, 0, 10, 10, 0.6)]  // TP on B
        #expect(AveragePrecision.match(dets, label, iou: 0.5) == [.truePositive, .falsePositive, .droppedByRegion, .truePositive])
        // Points: (R .5, P 1), (R .5, P .5), (R 1, P 2/3). Envelope: 1 up to R .5, 2/3 up to R 1.
        // AP = .5 * 1 + .5 * 2/3 = 0.8333...
        let r = AveragePrecision.evaluate(labels: [label], detections: [dets], iou: 0.5)
        #expect(abs(r.ap - (0.5 + 1.0 / 3.0)) < 1e-12)
        #expect(r.truePositives == 2 && r.falsePositives == 1 && r.droppedByRegion == 1 && r.faces == 2)
    }

    @Test func operatingPointCountsOnlyBoxesAtOrAboveTheThreshold() {
        let dets = [det(0, 0, 10, 10, 0.9), det(1, 0, 10, 10, 0.8), det(102, 2, 10, 10, 0.7), det(50, 0, 10, 10, 0.6)]
        // At 0.8: the TP on A and the duplicate FP; B (0.6) is below, the region drop never counts.
        let op = AveragePrecision.evaluate(labels: [label], detections: [dets], iou: 0.5, operatingScore: 0.8).operatingPoint
        #expect(op?.truePositives == 1 && op?.falsePositives == 1 && op?.precision == 0.5 && op?.recall == 0.5)
        let all = AveragePrecision.evaluate(labels: [label], detections: [dets], iou: 0.5, operatingScore: 0.6).operatingPoint
        #expect(all?.truePositives == 2 && all?.falsePositives == 1 && all?.recall == 1)
        #expect(AveragePrecision.evaluate(labels: [label], detections: [dets], iou: 0.5).operatingPoint == nil)
    }

    @Test func iouThresholdDecidesTheMatch() {
        // Shifted by 4 px: IoU = 60/140 = 0.43: a TP at 0.3, an FP at 0.5.
        let d = [det(4, 0, 10, 10, 0.9)]
        #expect(AveragePrecision.match(d, label, iou: 0.3) == [.truePositive])
        #expect(AveragePrecision.match(d, label, iou: 0.5) == [.falsePositive])
    }

    @Test func flaggedBoxLeavesScoringWithItsDetection() {
        var l = label
        l.scored = [true, false]
        let dets = [det(50, 0, 10, 10, 0.9), det(0, 0, 10, 10, 0.8)]
        #expect(AveragePrecision.match(dets, l, iou: 0.5) == [.droppedByFlag, .truePositive])
        let r = AveragePrecision.evaluate(labels: [l], detections: [dets], iou: 0.5)
        #expect(r.faces == 1 && r.ap == 1)
    }

    @Test func perfectAndEmptyDetections() {
        let perfect = label.boxes.map { Detection(box: $0, score: 1) }
        #expect(AveragePrecision.evaluate(labels: [label], detections: [perfect], iou: 0.5).ap == 1)
        #expect(AveragePrecision.evaluate(labels: [label], detections: [[]], iou: 0.5).ap == 0)
    }

    @Test func readsTheRealEvalLabels() throws {
        let labels = try LabelsFile.load(TestPaths.data("eval/caltech_webfaces/labels.jsonl").path)
        #expect(labels.count == 150)
        #expect(labels.reduce(0) { $0 + $1.boxes.count } == 489)
        #expect(labels.reduce(0) { $0 + $1.ignoreRegions.count } == 138)
        let dlib = try LabelsFile.load(TestPaths.data("photos/dlib_faces/testing_labels.jsonl").path)
        #expect(dlib.count == 5 && dlib.reduce(0) { $0 + $1.boxes.count } == 25)
    }

    @Test func badLabelsAreNamed() throws {
        let dir = try TestPaths.scratch("labels")
        let path = dir.appendingPathComponent("bad.jsonl").path
        try "{\"image\": \"a.jpg\", \"boxes\": [[1, 2, 3]]}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: LabelsError.self) { try LabelsFile.load(path) }
        do { _ = try LabelsFile.load(path) } catch { #expect("\(error)".contains("bad.jsonl:1")) }
    }
}
