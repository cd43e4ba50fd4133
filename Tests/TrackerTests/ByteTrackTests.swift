import Testing
import FacepipeCore
@testable import Tracker

/// Runs a tracker over scripted frames and keeps what it said.
final class ScriptedRun {
    let tracker: ByteTrack
    var faces: [[TrackedFace]] = []
    var events: [FaceEvent] = []
    private var buffer: [TrackedFace] = []

    init(_ config: TrackerConfig = .standard) { tracker = ByteTrack(config: config) }

    func step(_ detections: [Detection], time: Double, frame: Int, detected: Bool = true, sceneChange: Float = 0) {
        tracker.update(detections: detections, detected: detected, time: time, frame: frame, sceneChange: sceneChange,
                       faces: &buffer)
        faces.append(buffer)
        events.append(contentsOf: tracker.events)
    }

    func finish(time: Double, frame: Int) {
        tracker.finish(time: time, frame: frame)
        events.append(contentsOf: tracker.events)
    }

    func events(_ kind: FaceEvent.Kind) -> [FaceEvent] { events.filter { $0.kind == kind } }
    /// The ID reported for the face closest to a point in a frame.
    func id(inFrame f: Int, near x: Float, _ y: Float) -> Int? {
        faces[f].min { abs($0.box.centerX - x) + abs($0.box.centerY - y) < abs($1.box.centerX - x) + abs($1.box.centerY - y) }?.id
    }
}

func face(_ cx: Float, _ cy: Float, size: Float = 40, score: Float = 0.9) -> Detection {
    Detection(box: Box(x: cx - size / 2, y: cy - size / 2, width: size, height: size), score: score)
}

@Suite struct ByteTrackTests {
    let fps = 25.0

    @Test func twoCrossingFacesKeepTheirIDs() {
        let run = ScriptedRun()
        // A moves right, B moves left along nearly the same line; they overlap fully mid-way.
        for f in 0..<60 {
            let t = Double(f) / fps
            let a = face(Float(50 + 240 * t), 100), b = face(Float(330 - 240 * t), 104)
            run.step(f % 2 == 0 ? [a, b] : [b, a], time: t, frame: f)
        }
        let aID = run.id(inFrame: 5, near: 50 + 240 * 0.2, 100)!, bID = run.id(inFrame: 5, near: 330 - 240 * 0.2, 104)!
        #expect(aID != bID)
        #expect(run.id(inFrame: 59, near: Float(50 + 240 * 59 / fps), 100) == aID)
        #expect(run.id(inFrame: 59, near: Float(330 - 240 * 59 / fps), 104) == bID)
        #expect(run.events(.trackStart).count == 2)
        #expect(run.events(.trackEnd).isEmpty)
        // And no frame after confirmation shows anything but these two.
        #expect(run.faces[3...].allSatisfy { Set($0.map(\.id)) == [aID, bID] })
    }

    @Test func faceMissedForSomeFramesIsFoundAgainWithTheSameID() {
        let run = ScriptedRun()
        for f in 0..<50 {
            let t = Double(f) / fps
            let missing = (20..<30).contains(f) // 0.4 s without a detection
            run.step(missing ? [] : [face(Float(100 + 50 * t), 120)], time: t, frame: f)
        }
        let ids = Set(run.faces.flatMap { $0.map(\.id) })
        #expect(ids.count == 1)
        #expect(run.faces[19].first?.matched == true)
        // Shown as a prediction for show_lost_seconds, then hidden, then back and matched.
        #expect(run.faces[21].first?.matched == false)
        #expect(run.faces[27].isEmpty)
        #expect(run.faces[30].first?.matched == true)
        #expect(run.events(.trackStart).count == 1 && run.events(.trackEnd).isEmpty)
        // The prediction kept moving: the box it was found with is near the face.
        #expect(abs(run.faces[30][0].box.centerX - Float(100 + 50 * 30 / fps)) < 4)
    }

    @Test func lowScoreDetectionsKeepATrackAliveThroughRoundTwo() {
        func runIt(lowScore: Float) -> ScriptedRun {
            var config = TrackerConfig.standard
            config.lowScore = lowScore
            config.maxLostSeconds = 0.3
            config.showLostSeconds = 0.1
            let run = ScriptedRun(config)
            for f in 0..<40 {
                let weak = (10..<30).contains(f)
                run.step([face(Float(100 + 2 * f), 100, score: weak ? 0.35 : 0.9)], time: Double(f) / fps, frame: f)
            }
            return run
        }
        let kept = runIt(lowScore: 0.2)
        #expect(kept.faces[10..<30].allSatisfy { $0.count == 1 && $0[0].matched && $0[0].id == kept.faces[5][0].id })
        #expect(kept.events(.trackEnd).isEmpty && kept.events(.trackStart).count == 1)
        // Weak detections never started a track, and never beat the last strong score.
        #expect(kept.faces[29][0].score == 0.35)
        // Without round two (0.35 below low_score) the same track is lost and ends.
        let dropped = runIt(lowScore: 0.5)
        #expect(dropped.events(.trackEnd).first?.summary?.reason == .lost)
        #expect(dropped.events(.trackStart).count == 2)
    }

    @Test func falsePositivesShorterThanMinHitsNeverStartATrack() {
        let run = ScriptedRun()
        for f in 0..<30 {
            var detections = [face(200, 200)]
            if f == 5 { detections.append(face(400, 50, score: 0.95)) }      // one frame
            if f == 12 || f == 13 { detections.append(face(50, 300)) }       // two frames (min_hits 3)
            if f == 20 { detections.append(face(500, 300, score: 0.65)) }    // below new_track_score
            run.step(detections, time: Double(f) / fps, frame: f)
        }
        #expect(run.events(.trackStart).count == 1)
        #expect(Set(run.events.map(\.track)) == [1])
        #expect(run.faces.allSatisfy { $0.count <= 1 })
    }

    @Test func eventsComeInOrderWithSummaries() {
        var config = TrackerConfig.standard
        config.maxLostSeconds = 0.21
        config.showLostSeconds = 0.09
        config.newTrackScore = 0.8  // face A scores 0.8: this test is about event order, not the start score
        let run = ScriptedRun(config)
        // Face A: frames 0...9, best score at frame 4. Face B: frames 3... to the end.
        for f in 0..<20 {
            var detections: [Detection] = []
            if f < 10 { detections.append(face(100, 100, score: f == 4 ? 0.97 : 0.8)) }
            if f >= 3 { detections.append(face(300, 100, size: 50)) }
            run.step(detections, time: Double(f) * 0.04, frame: f)
        }
        run.finish(time: 19 * 0.04, frame: 19)
        let kinds = run.events.map { "\($0.kind.rawValue):\($0.track)@\($0.frame)" }
        // A confirmed at its 3rd hit (frame 2), B at frame 5; A shown as a prediction until
        // show_lost_seconds after frame 9, ended at the first frame more than 0.2 s after it.
        var expected = ["track_start:1@2", "face:1@2", "face:1@3", "face:1@4"]
        expected += ["track_start:2@5", "face:1@5", "face:2@5"]
        for f in 6...9 { expected += ["face:1@\(f)", "face:2@\(f)"] }
        expected += ["face:1@10", "face:2@10", "face:1@11", "face:2@11"]
        for f in 12...14 { expected += ["face:2@\(f)"] }
        expected += ["track_end:1@15", "face:2@15"]
        for f in 16...19 { expected += ["face:2@\(f)"] }
        expected += ["track_end:2@19"]
        #expect(kinds == expected)

        let endA = run.events.first { $0.kind == .trackEnd && $0.track == 1 }!
        let a = endA.summary!
        #expect(a.reason == .lost && a.firstFrame == 0 && a.lastFrame == 9 && a.hits == 10)
        #expect(abs(a.firstTime - 0) < 1e-12 && abs(a.lastTime - 0.36) < 1e-12)
        #expect(a.bestScore == 0.97 && a.bestBox == face(100, 100).box)
        #expect(run.events.filter { $0.track == 1 && $0.kind == .face && $0.frame >= 10 }.allSatisfy { !$0.matched })
        let endB = run.events.last!
        #expect(endB.summary?.reason == .endOfStream && endB.summary?.hits == 17 && endB.time == 19 * 0.04)
        #expect(endB.summary?.firstFrame == 3 && endB.summary?.lastFrame == 19)
    }

    @Test func framesWithoutDetectionOnlyPredict() {
        // --detect-every 3 on a moving face, with irregular timestamps (a dropped frame).
        let run = ScriptedRun()
        let times = (0..<45).map { Double($0) / fps + ($0 >= 20 ? 0.04 : 0) }
        for (f, t) in times.enumerated() {
            let detected = f % 3 == 0
            run.step(detected ? [face(Float(80 + 100 * t), 150)] : [face(999, 999)], time: t, frame: f, detected: detected)
        }
        #expect(Set(run.faces.flatMap { $0.map(\.id) }) == [1])
        for (f, t) in times.enumerated() where f >= 6 {
            #expect(run.faces[f].count == 1, "frame \(f)")
            #expect(run.faces[f][0].matched == (f % 3 == 0))
            // Predictions between detections follow the motion (100 px/s) once it is learnt.
            if f >= 15 { #expect(abs(run.faces[f][0].box.centerX - Float(80 + 100 * t)) < 3, "frame \(f)") }
        }
    }

    @Test func idsAreNeverReused() {
        var config = TrackerConfig.standard
        config.maxLostSeconds = 0.1
        config.showLostSeconds = 0
        let run = ScriptedRun(config)
        var f = 0
        for _ in 0..<3 { // the same face appears, leaves, appears again in the same place
            for _ in 0..<6 { run.step([face(100, 100)], time: Double(f) / fps, frame: f); f += 1 }
            for _ in 0..<6 { run.step([], time: Double(f) / fps, frame: f); f += 1 }
        }
        #expect(run.events(.trackStart).map(\.track) == [1, 2, 3])
        #expect(run.events(.trackEnd).map(\.track) == [1, 2, 3])
    }

    @Test func faceEventsAreThrottled() {
        var config = TrackerConfig.standard
        config.faceEveryFrames = 4
        config.faceMinSeconds = 0.19
        let run = ScriptedRun(config)
        for f in 0..<30 { run.step([face(100, 100)], time: Double(f) * 0.04, frame: f) }
        // Every 4 frames would be 0.16 s apart: the time limit makes it every 5 frames.
        #expect(run.events(.face).map(\.frame) == [2, 7, 12, 17, 22, 27])
        #expect(run.faces.dropFirst(2).allSatisfy { $0.count == 1 })
    }

    @Test func brokenDetectionsAreSkipped() {
        let run = ScriptedRun()
        let broken = [Detection(box: Box(x: .nan, y: 0, width: 10, height: 10), score: 0.9),
                      Detection(box: Box(x: 0, y: 0, width: 0, height: 10), score: 0.9),
                      Detection(box: Box(x: 0, y: 0, width: .infinity, height: 10), score: 0.9),
                      Detection(box: Box(x: 5, y: 5, width: 10, height: 10), score: .nan)]
        for f in 0..<10 { run.step(broken + [face(100, 100)], time: Double(f) / fps, frame: f) }
        #expect(run.events(.trackStart).count == 1)
        #expect(run.faces[9].count == 1 && run.faces[9][0].box.x.isFinite && abs(run.faces[9][0].box.centerX - 100) < 0.5)
    }

    /// After a camera cut the face where a track was is someone else: the track ends (scene_cut)
    /// and the face gets a new ID once confirmed; without cut handling it would inherit the ID.
    @Test func aCameraCutEndsEveryTrackAndTheNextShotsFaceGetsANewID() {
        func play(_ config: TrackerConfig) -> ScriptedRun {
            let run = ScriptedRun(config)
            for f in 0..<20 {
                let detection = f < 10 ? face(100, 100) : face(104, 98)  // the next shot's face, near where the last was
                run.step([detection], time: Double(f) / fps, frame: f, sceneChange: f == 10 ? 0.2 : 0.02)
            }
            return run
        }
        let cut = play(.standard)
        #expect(cut.events(.trackEnd).map { "\($0.track)@\($0.frame):\($0.summary!.reason.rawValue)" } == ["1@10:scene_cut"])
        #expect(cut.events(.trackEnd).first?.summary?.lastFrame == 9)
        #expect(cut.events(.trackStart).map { "\($0.track)@\($0.frame)" } == ["1@2", "2@12"])
        #expect(cut.faces[10].isEmpty && cut.faces[11].isEmpty, "nothing shown until the new face is confirmed")
        #expect(cut.faces[19].map(\.id) == [2])

        var off = TrackerConfig.standard
        off.sceneCut = 0
        let carried = play(off)
        #expect(carried.events(.trackEnd).isEmpty && Set(carried.faces.flatMap { $0.map(\.id) }) == [1])
        // Changes under the threshold are motion, not cuts.
        let below = ScriptedRun()
        for f in 0..<20 { below.step([face(100, 100)], time: Double(f) / fps, frame: f, sceneChange: 0.08) }
        #expect(below.events(.trackStart).count == 1 && below.events(.trackEnd).isEmpty)
    }
}
