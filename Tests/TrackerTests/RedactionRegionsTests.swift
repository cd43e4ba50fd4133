import Testing
import FacepipeCore
@testable import Tracker

/// Runs the tracker and the redaction choice over scripted frames and keeps the regions of each frame.
final class RedactionRun {
    let tracker: ByteTrack
    var regions: RedactionRegions
    var perFrame: [[Box]] = []
    var faces: [[TrackedFace]] = []
    private var facesBuffer: [TrackedFace] = []
    private var regionBuffer: [Box] = []

    init(_ config: TrackerConfig = .standard, score: Float = 0.3, holdSeconds: Double = 0.2) {
        tracker = ByteTrack(config: config)
        regions = RedactionRegions(score: score, holdSeconds: holdSeconds)
    }

    func step(_ detections: [Detection], time: Double, frame: Int, detected: Bool = true) {
        tracker.update(detections: detections, detected: detected, time: time, frame: frame, faces: &facesBuffer)
        regions.update(tracker: tracker, detections: detections, detected: detected, time: time, regions: &regionBuffer)
        perFrame.append(regionBuffer)
        faces.append(facesBuffer)
    }

    /// Whether frame `f` hides a region on `truth`: one whose IoU with it is at least `iou`.
    func hides(_ truth: Box, inFrame f: Int, iou: Float = 0.5) -> Bool { perFrame[f].contains { $0.iou(truth) >= iou } }
}

@Suite struct RedactionRegionsTests {
    let fps = 25.0

    /// The missed-frame case: a face moving steadily is detected, then missed by the detector for
    /// 12 frames (0.48 s, under max_lost_seconds but well over show_lost_seconds, so the tracker
    /// stops drawing it), then found again. Its predicted box is hidden in every missed frame.
    @Test func trackPredictedAcrossAGapIsStillHidden() {
        let run = RedactionRun()
        func truth(_ f: Int) -> Box { face(Float(100 + 4 * f), 120, size: 50).box }
        for f in 0..<50 {
            let missed = (20..<32).contains(f)
            run.step(missed ? [] : [Detection(box: truth(f), score: 0.95)], time: Double(f) / fps, frame: f)
        }
        for f in 0..<50 { #expect(run.hides(truth(f), inFrame: f), "frame \(f)") }
        // The drawing side gave up on it during the gap; redaction did not.
        #expect(run.faces[30].isEmpty && !run.perFrame[30].isEmpty)
        // Nothing but that one face is hidden (one region per frame once it is followed).
        #expect(run.perFrame[25].count == 1)
    }

    /// Hidden from the frame it is first detected in, while the tracker still holds it back as tentative.
    @Test func tentativeFaceIsHiddenFromItsFirstDetection() {
        let run = RedactionRun()
        let box = face(200, 150, size: 60, score: 0.9)
        for f in 0..<4 { run.step([box], time: Double(f) / fps, frame: f) }
        #expect(run.faces[0].isEmpty && run.faces[1].isEmpty && !run.faces[2].isEmpty)
        for f in 0..<4 { #expect(run.hides(box.box, inFrame: f, iou: 0.9), "frame \(f)") }
    }

    /// A weak face (0.4: never starts a track) with --detect-every 3: hidden on the detected frames
    /// and on the two skipped frames after each; once the detector stops finding it, it is released
    /// after hold_seconds. Below the redaction score nothing is hidden.
    @Test func weakUntrackedFaceStaysHiddenThroughSkippedFrames() {
        let run = RedactionRun(holdSeconds: 0.2)
        let weak = face(300, 200, size: 40, score: 0.4), tooWeak = face(100, 50, size: 40, score: 0.25)
        for f in 0..<60 {
            let detected = f % 3 == 0
            let present = f < 30
            run.step(present ? [weak, tooWeak] : [], time: Double(f) / fps, frame: f, detected: detected)
        }
        #expect(run.faces.allSatisfy { $0.isEmpty }, "a 0.4 face must not become a track")
        for f in 0..<30 { #expect(run.perFrame[f].count == 1 && run.hides(weak.box, inFrame: f, iou: 0.99), "frame \(f)") }
        // Last found at frame 27 (1.08 s); kept at least until the detector runs again, and while
        // within 0.2 s: frames 30 (1.2 s) and later detected frames after 1.28 s release it.
        #expect(run.hides(weak.box, inFrame: 29) && run.hides(weak.box, inFrame: 30))
        #expect(run.perFrame[33...].allSatisfy { $0.isEmpty })
    }

    /// A followed face is hidden at the tracker's smoothed box, not at each jittery detection, and
    /// the held copy of a detection a confirmed track took is not added beside it.
    @Test func masksFollowTheSmoothedBox() {
        let run = RedactionRun()
        var detections: [Box] = []
        for f in 0..<60 {
            let dx = Float((f * 7919) % 11) - 5, dw = Float((f * 104_729) % 9) - 4
            detections.append(Box(x: 200 + dx, y: 100, width: 60 + dw, height: 60))
            run.step([Detection(box: detections[f], score: 0.95)], time: Double(f) / fps, frame: f)
        }
        for f in 10..<60 {
            #expect(run.perFrame[f].count == 1)
            #expect(run.perFrame[f].first == run.faces[f].first?.box)
        }
        // Frame-to-frame movement of the hidden box's centre and size against the detections'.
        func motion(_ boxes: [Box]) -> Float {
            (1..<boxes.count).map { abs(boxes[$0].centerX - boxes[$0 - 1].centerX) + abs(boxes[$0].width - boxes[$0 - 1].width) }
                .reduce(0, +)
        }
        let hidden = motion(run.perFrame[10...].map { $0[0] }), raw = motion(Array(detections[10...]))
        #expect(hidden < raw / 2, "hidden box moved \(hidden) px, detections \(raw) px")
    }

    /// A lost track is hidden on its prediction until the tracker ends it, and not after.
    @Test func lostTrackIsHiddenUntilItEnds() {
        let run = RedactionRun()
        let box = face(320, 180, size: 50, score: 0.95)
        for f in 0..<80 { run.step(f < 10 ? [box] : [], time: Double(f) / fps, frame: f) }
        // Last match at frame 9 (0.36 s); max_lost_seconds 1.5 ends it after 1.86 s (frame 46.5).
        #expect((10...46).allSatisfy { run.hides(box.box, inFrame: $0) })
        #expect(run.perFrame[47...].allSatisfy { $0.isEmpty })
    }

    /// The same weak face found again replaces its held box instead of piling up copies.
    @Test func heldDetectionsDoNotPileUp() {
        let run = RedactionRun(holdSeconds: 10)
        for f in 0..<40 { run.step([face(Float(100 + f), 100, size: 40, score: 0.5)], time: Double(f) / fps, frame: f) }
        #expect(run.perFrame[39].count == 1 && run.perFrame[39][0] == face(139, 100, size: 40).box)
    }
}
