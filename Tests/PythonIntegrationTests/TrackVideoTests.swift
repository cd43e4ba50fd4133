import Foundation
import Testing
@testable import FacepipeCore
import TestSupport
@testable import Tracker
@testable import Evaluation

/// End to end on a real photo: Tools/make_track_video.py renders a camera path over it
/// (pan, zoom, shake, a cut, a sweeping black bar) with exact ground truth; detections are
/// simulated from that truth with noise, dropouts, weak scores and false positives (the
/// detector is tested elsewhere), and the tracker's output is scored against the truth.
/// An integration test, not a Tracker unit test: it runs Python and reads the shared data.
@Suite struct TrackVideoTests {
    static let photoLabels = "train/eden_mask_wearing/labels.jsonl"
    static let photo = "images/eden_00000040.jpg"

    /// FACEPIPE_PYTHON, else the repository's .venv (Tools/test.sh makes it), else python3.
    static var python: String {
        if let env = ProcessInfo.processInfo.environment["FACEPIPE_PYTHON"] { return env }
        let venv = TestPaths.repo(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }

    /// Renders the clip once per process (both tests share it).
    static let rendered: Result<(video: URL, truth: TrackGroundTruth), Error> = Result {
        let dir = try TestPaths.scratch("trackvideo")
        let video = dir.appendingPathComponent("clip.mp4")
        try runTool(python, [TestPaths.repo("Tools/make_track_video.py").path,
                             "--labels", TestPaths.data(photoLabels).path, "--image", photo,
                             "--out", video.path, "--size", "640x360", "--fps", "25", "--seconds", "6", "--seed", "3"])
        let truth = try TrackGroundTruth.load(fromFile: dir.appendingPathComponent("clip.gt.jsonl").path)
        return (video, truth)
    }

    struct Noise: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var z = state
            z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
            return z ^ (z >> 33)
        }
        mutating func gaussian() -> Float {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &self), v = Double.random(in: 0..<1, using: &self)
            return Float((-2 * log(u)).squareRoot() * cos(2 * .pi * v))
        }
        mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    }

    /// What a decent detector might say about this frame's faces.
    static func detections(for faces: [GroundTruthFace], width: Float, height: Float, noise: inout Noise) -> [Detection] {
        var result: [Detection] = []
        for face in faces where !face.ignored && !noise.chance(0.1) {
            let b = face.box, s = 0.04 * max(b.width, b.height)
            let jittered = Box(x1: b.x + s * noise.gaussian(), y1: b.y + s * noise.gaussian(),
                               x2: b.maxX + s * noise.gaussian(), y2: b.maxY + s * noise.gaussian())
            let weak = noise.chance(0.1)
            let score = weak ? Float.random(in: 0.3...0.55, using: &noise) : Float.random(in: 0.72...0.99, using: &noise)
            result.append(Detection(box: jittered, score: score))
        }
        if noise.chance(0.06) { // a stray one-frame false positive somewhere
            let size = Float.random(in: 30...80, using: &noise)
            result.append(Detection(box: Box(x: Float.random(in: 0...(width - size), using: &noise),
                                             y: Float.random(in: 0...(height - size), using: &noise),
                                             width: size, height: size),
                                    score: Float.random(in: 0.6...0.95, using: &noise)))
        }
        return result
    }

    static func track(_ truth: TrackGroundTruth, detectEvery: Int, seed: UInt64) -> (TrackingScores, [FaceEvent]) {
        // The synthetic detector above scores faces 0.72-0.99; start tracks at 0.8 as the floors
        // below were set for (the shipped new_track_score, 0.9, is tuned to the real detector).
        var config = TrackerConfig.standard
        config.newTrackScore = 0.8
        let tracker = ByteTrack(config: config)
        var metrics = TrackingMetrics()
        var noise = Noise(state: seed)
        var faces: [TrackedFace] = []
        var events: [FaceEvent] = []
        for frame in truth.frames {
            let detected = frame.frame % detectEvery == 0
            let dets = detected ? detections(for: frame.faces, width: Float(truth.width), height: Float(truth.height),
                                             noise: &noise) : []
            tracker.update(detections: dets, detected: detected, time: frame.time, frame: frame.frame, faces: &faces)
            events += tracker.events
            metrics.add(groundTruth: frame.faces, predictions: faces)
        }
        tracker.finish(time: truth.frames.last!.time, frame: truth.frames.count - 1)
        events += tracker.events
        return (metrics.result(), events)
    }

    @Test func renderedClipMatchesItsGroundTruth() throws {
        let (video, truth) = try Self.rendered.get()
        let probe = try runTool("ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                                            "stream=nb_read_frames,width,height", "-of", "csv=p=0", video.path])
        #expect(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "640,360,150")
        #expect(truth.frames.count == 150 && truth.width == 640 && truth.height == 360)
        let all = truth.frames.flatMap(\.faces)
        #expect(Set(all.map(\.id)).count >= 3)
        #expect(all.contains { $0.ignored } && all.contains { !$0.ignored })
        #expect(all.allSatisfy { $0.box.x >= 0 && $0.box.y >= 0 && $0.box.maxX <= 640.001 && $0.box.maxY <= 360.001 })
    }

    /// The best an IoU tracker can do on identities here: perfect boxes, one identity per
    /// face and camera segment (nothing links a face across the cut).
    static func oracleIDF1(_ truth: TrackGroundTruth) -> Double {
        var metrics = TrackingMetrics()
        var cut = truth.frames.count
        for f in 1..<truth.frames.count {
            let now = truth.frames[f].faces.first(where: { $0.id == 2 }), before = truth.frames[f - 1].faces.first(where: { $0.id == 2 })
            if let now, let before, abs(now.box.centerX - before.box.centerX) > 50 { cut = f }
        }
        for frame in truth.frames {
            let perfect = frame.faces.filter { !$0.ignored }.map {
                TrackedFace(id: $0.id + (frame.frame >= cut ? 100 : 0), box: $0.box, score: 1, matched: true)
            }
            metrics.add(groundTruth: frame.faces, predictions: perfect)
        }
        return metrics.result().idf1
    }

    @Test(arguments: [1, 3])
    func tracksTheClipAboveTheFloor(detectEvery: Int) throws {
        let (_, truth) = try Self.rendered.get()
        let oracle = Self.oracleIDF1(truth)
        print("IDF1 ceiling with the cut: \(oracle)")
        #expect(oracle > 0.5 && oracle < 0.8)
        for seed: UInt64 in [11, 12] {
            let (s, events) = Self.track(truth, detectEvery: detectEvery, seed: seed)
            print("detect every \(detectEvery), seed \(seed): \(s)")
            // Every started track ends exactly once, and IDs are never reused.
            let starts = events.filter { $0.kind == .trackStart }.map(\.track)
            #expect(starts == Array(Set(starts)).sorted())
            #expect(events.filter { $0.kind == .trackEnd }.map(\.track).sorted() == starts)
            // Floors, with margin below what this tracker reaches here (the printed scores).
            // Misses are mostly the min_hits confirmation delay (3 detected frames, so 9
            // frames when detecting every 3rd) at the start and after the cut.
            #expect(s.mota >= (detectEvery == 1 ? 0.80 : 0.65))
            #expect(s.idf1 >= oracle * (detectEvery == 1 ? 0.88 : 0.80))
            #expect(s.motp >= 0.8)
            // One change per face seen on both sides of the cut, little else.
            #expect(s.idSwitches <= 5)
            // False positives are mostly old tracks coasting for show_lost_seconds after the cut.
            #expect(s.falsePositives <= s.groundTruthBoxes / 10)
        }
    }
}
