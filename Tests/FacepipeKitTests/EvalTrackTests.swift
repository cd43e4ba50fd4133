import Foundation
import Testing
import FacepipeCore
import Pipeline
import Evaluation
import TestSupport
import Tracker
@testable import FacepipeKit

/// `eval-track` end to end: Tools/make_track_video.py renders a short clip from a labelled
/// training photo (exact ground truth), the full pipeline (FFmpeg source, detector with the
/// shipped model, tracker) runs on it, and the scores must be well-formed and add up.
@Suite struct EvalTrackTests {
    static let photoLabels = "train/eden_mask_wearing/labels.jsonl"
    static let photo = "images/eden_00000220.jpg"

    /// FACEPIPE_PYTHON, else the repository's .venv (Tools/test.sh makes it), else python3.
    static var python: String {
        if let env = ProcessInfo.processInfo.environment["FACEPIPE_PYTHON"] { return env }
        let venv = TestPaths.repo(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }

    /// 4 s at 25 fps, rendered once per process.
    static let rendered: Result<TrackTestVideo, Error> = Result {
        let dir = try TestPaths.scratch("evaltrack")
        let video = dir.appendingPathComponent("clip.mp4").path
        try runTool(python, [TestPaths.repo("Tools/make_track_video.py").path,
                             "--labels", TestPaths.data(photoLabels).path, "--image", photo, "--out", video,
                             "--size", "640x360", "--fps", "25", "--seconds", "4", "--seed", "5"])
        return try TrackTestVideo(video: video)
    }

    static func evaluation(detectEvery: Int? = nil) throws -> TrackEvaluation {
        let model = DetectorChoice(model: TestPaths.repo("Configs/models/ssh-lite").path, engine: .fp32,
                                   detectorConfig: TestPaths.repo("Configs/detector.yaml").path,
                                   engineConfig: TestPaths.repo("Configs/engine.yaml").path)
        let assembly = try PipelineAssembly(detector: model, trackerConfig: TestPaths.repo("Configs/tracker.yaml").path)
        let description = try PipelineDescription.load(fromFile: TestPaths.repo("Pipelines/mp4-annotate.yaml").path)
        return try TrackEvaluation(assembly: assembly, description: description, detectEvery: detectEvery)
    }

    /// The full pipeline on the rendered clip, run once per process.
    static let evaluated: Result<TrackVideoResult, Error> = Result {
        try evaluation().evaluate(try rendered.get())
    }

    @Test func scoresOfTheFullPipelineAreWellFormedAndAddUp() throws {
        let test = try Self.rendered.get()
        let result = try Self.evaluated.get()
        let s = result.scores
        print("eval-track \(Self.photo): \(s)")
        // Counted here from the truth file, independently of the metrics code.
        let scored = test.truth.frames.flatMap { $0.faces.filter { !$0.ignored } }
        #expect(result.frames == 100 && s.frames == 100)
        #expect(result.width == 640 && result.height == 360)
        #expect(s.groundTruthBoxes == scored.count && scored.count > 100)
        #expect(s.groundTruthTracks == Set(scored.map(\.id)).count)
        // CLEAR-MOT: every true box is matched or missed; every scored prediction matched or false.
        #expect(s.matches + s.misses == s.groundTruthBoxes)
        #expect(s.matches + s.falsePositives == s.predictedBoxes)
        #expect(s.idSwitches <= s.matches && s.fragmentations <= s.matches)
        #expect(s.mota <= 1)
        #expect(abs(s.mota - (1 - Double(s.misses + s.falsePositives + s.idSwitches) / Double(s.groundTruthBoxes))) < 1e-12)
        #expect(s.matches == 0 ? s.motp == 0 : (0.5...1).contains(s.motp))
        // Identity measures: the same boxes, split by the identity pairing.
        #expect(s.idTruePositives + s.idFalseNegatives == s.groundTruthBoxes)
        #expect(s.idTruePositives + s.idFalsePositives == s.predictedBoxes)
        for ratio in [s.idf1, s.idPrecision, s.idRecall] { #expect((0...1).contains(ratio)) }
        #expect(s.mostlyTracked + s.mostlyLost <= s.groundTruthTracks)
        #expect(result.framesPerSecond > 0)
    }

    /// Floors for the shipped model (Configs/models/ssh-lite, five runs, 65,590 iterations; fp32) with
    /// Configs/tracker.yaml on this clip, below what was measured: MOTA 82.5 %, IDF1 68.9 %
    /// (IDP 68.0 %, IDR 69.7 %), FN 22 of 314, FP 30, 3 ID switches, 4 of 4 faces mostly tracked
    /// (run 4: MOTA 79.6 %, FN 31; run 3: 73.2 %, FN 51).
    /// (The first model: MOTA -55.7 % with 474 false boxes.)
    @Test func shippedModelTracksTheClipAboveTheFloor() throws {
        let s = try Self.evaluated.get().scores
        #expect(s.mota >= 0.6)
        #expect(s.idf1 >= 0.6)
        #expect(s.idRecall >= 0.55)
        #expect(s.misses <= 80)
        #expect(s.falsePositives <= 50)
        #expect(s.motp >= 0.78)
        #expect(s.idSwitches <= 5)
        #expect(s.mostlyTracked >= 3)
    }

    /// Face-free pictures of the training side that training never saw (held out by
    /// Tools/facetools/splits.py): a dark scene and a cat. Rendered with the same camera path,
    /// the truth holds no face, so every box the pipeline shows is false.
    static let faceFree = ["images/zerodce-dicm_0000.jpg", "images/cnn-cats_0001.jpg"]

    static let faceFreeEvaluated: Result<[TrackVideoResult], Error> = Result {
        let dir = try TestPaths.scratch("evaltrack-facefree")
        return try faceFree.enumerated().map { n, image in
            let video = dir.appendingPathComponent("free\(n).mp4").path
            try runTool(python, [TestPaths.repo("Tools/make_track_video.py").path, "--face-free",
                                 "--labels", TestPaths.data("pseudo/scenes/labels.jsonl").path, "--image", image,
                                 "--out", video, "--size", "640x360", "--fps", "25", "--seconds", "4", "--seed", "\(11 + n)"])
            return try evaluation().evaluate(try TrackTestVideo(video: video))
        }
    }

    /// Quiet on what is not a face: no false box over the 24 videos of Tools/facefree_check.py with
    /// the shipped model and tracker (run 4: 0.006 a frame; the first model: 5.7 a frame). The goal
    /// is 0.02 over those 24. These two were the hardest for earlier runs (run 3 started a false
    /// track on this cat's face: 33 boxes in 100 frames); the shipped model shows none here.
    /// The floor leaves room for a few boxes, far below the first model.
    @Test func shippedModelIsQuietOnFaceFreeVideo() throws {
        let results = try Self.faceFreeEvaluated.get()
        let frames = results.reduce(0) { $0 + $1.frames }
        let falseBoxes = results.reduce(0) { $0 + $1.scores.falsePositives }
        #expect(frames == 200 && results.allSatisfy { $0.scores.groundTruthBoxes == 0 })
        #expect(Double(falseBoxes) <= 0.06 * Double(frames), "\(falseBoxes) false boxes in \(frames) face-free frames")
    }

    /// Comparing tracker settings replays the recorded detections through a fresh tracker:
    /// with the run's own settings that must give back exactly the faces the pipeline produced.
    @Test func replayWithTheRunsOwnSettingsGivesBackItsFaces() throws {
        let result = try Self.evaluated.get()
        let own = try TrackerConfig.load(fromFile: TestPaths.repo("Configs/tracker.yaml").path)
        #expect(result.recorded.count == result.frames && result.recorded.values.allSatisfy(\.detected))
        #expect(result.recorded.values.contains { !$0.faces.isEmpty }, "the shipped model finds none of the faces")
        let replayed = TrackEvaluation.replay(result.recorded, frames: result.frames, config: own)
        #expect(replayed == result.recorded.mapValues(\.faces))
        let test = try Self.rendered.get()
        let evaluation = try Self.evaluation()
        #expect(evaluation.rescore(result, against: test.truth, with: own) == result.scores)
        // Other settings give other faces: confirming at the first hit shows tracks sooner.
        var eager = own
        eager.minHits = 1
        let rescored = evaluation.rescore(result, against: test.truth, with: eager)
        #expect(rescored.predictedBoxes > result.scores.predictedBoxes)
    }

    @Test func jsonReportCarriesTheScores() throws {
        let result = try Self.evaluated.get()
        var other = result.scores
        other.idSwitches += 7
        let report = TrackEvaluationReport(results: [result], model: "m", engine: "fp32", detectEvery: 1,
                                           trackerConfig: "t.yaml", iouThreshold: 0.5,
                                           comparisons: [.init(trackerConfig: "other.yaml", scores: [other])])
        let object = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
        let videos = object?["videos"] as? [[String: Any]]
        let scores = videos?.first?["scores"] as? [String: Any]
        let overall = object?["overall"] as? [String: Any]
        #expect(object?["format"] as? String == "facepipe-track-eval")
        #expect(videos?.count == 1 && videos?.first?["video"] as? String == result.video)
        let s = result.scores
        for (key, value) in [("gt_boxes", s.groundTruthBoxes), ("false_negatives", s.misses), ("false_positives", s.falsePositives),
                             ("id_switches", s.idSwitches), ("fragmentations", s.fragmentations), ("frames", s.frames),
                             ("mostly_tracked", s.mostlyTracked), ("mostly_lost", s.mostlyLost), ("gt_tracks", s.groundTruthTracks)] {
            #expect(scores?[key] as? Int == value, "\(key)")
            #expect(overall?[key] as? Int == value, "overall \(key)")
        }
        #expect(abs((scores?["mota"] as? Double ?? .nan) - s.mota) < 1e-9 && abs((scores?["idf1"] as? Double ?? .nan) - s.idf1) < 1e-9)
        let compared = (object?["compared"] as? [[String: Any]])?.first
        #expect(compared?["tracker_config"] as? String == "other.yaml")
        #expect(((compared?["videos"] as? [[String: Any]])?.first?["scores"] as? [String: Any])?["id_switches"] as? Int
                == s.idSwitches + 7)
        #expect(report.table.contains("clip.mp4") && report.table.contains("other.yaml") && !report.table.contains("overall"))
    }

    /// Two sequences scored apart and summed must equal one metrics run over both, with
    /// identities kept apart (offset IDs). Predictions: the truth itself, and the truth
    /// shifted sideways with an identity change half way (misses, false positives, switches).
    @Test func totalOfSequencesEqualsScoringThemTogether() throws {
        let truth = try Self.rendered.get().truth
        func perfect(_ frame: TrackGroundTruth.Frame, _ offset: Int) -> [TrackedFace] {
            frame.faces.filter { !$0.ignored }.map { TrackedFace(id: $0.id + offset, box: $0.box, score: 1, matched: true) }
        }
        func shifted(_ frame: TrackGroundTruth.Frame, _ offset: Int) -> [TrackedFace] {
            frame.faces.map {
                var box = $0.box
                box.x += box.width * Float(frame.frame % 7) * 0.08
                return TrackedFace(id: $0.id + offset + (frame.frame >= 50 ? 50 : 0), box: box, score: 1, matched: true)
            }
        }
        var first = TrackingMetrics(), second = TrackingMetrics(), together = TrackingMetrics()
        func offsetTruth(_ faces: [GroundTruthFace]) -> [GroundTruthFace] {
            faces.map { GroundTruthFace(id: $0.id + 1000, box: $0.box, ignored: $0.ignored) }
        }
        for frame in truth.frames {
            first.add(groundTruth: frame.faces, predictions: perfect(frame, 0))
            together.add(groundTruth: frame.faces, predictions: perfect(frame, 0))
        }
        for frame in truth.frames {
            second.add(groundTruth: frame.faces, predictions: shifted(frame, 0))
            together.add(groundTruth: offsetTruth(frame.faces), predictions: shifted(frame, 1000))
        }
        let a = first.result(), b = second.result(), want = together.result()
        let total = TrackingScores.total([a, b])
        #expect(b.misses > 0 && b.falsePositives > 0 && b.idSwitches > 0, "the shifted run must exercise every count")
        #expect(total.frames == want.frames && total.groundTruthBoxes == want.groundTruthBoxes)
        #expect(total.predictedBoxes == want.predictedBoxes && total.matches == want.matches)
        #expect(total.misses == want.misses && total.falsePositives == want.falsePositives)
        #expect(total.idSwitches == want.idSwitches && total.fragmentations == want.fragmentations)
        #expect(total.idTruePositives == want.idTruePositives && total.idFalsePositives == want.idFalsePositives)
        #expect(total.groundTruthTracks == want.groundTruthTracks && total.mostlyTracked == want.mostlyTracked
                && total.mostlyLost == want.mostlyLost)
        for (got, expected) in [(total.mota, want.mota), (total.motp, want.motp), (total.idf1, want.idf1),
                                (total.idPrecision, want.idPrecision), (total.idRecall, want.idRecall)] {
            #expect(abs(got - expected) < 1e-9)
        }
    }

    @Test func groundTruthOfAnotherSizeIsRefused() throws {
        let test = try Self.rendered.get()
        let dir = try TestPaths.scratch("evaltrack-size")
        let text = try String(contentsOfFile: test.truthFile, encoding: .utf8)
            .replacingOccurrences(of: "\"width\": 640, \"height\": 360", with: "\"width\": 320, \"height\": 180")
        let other = dir.appendingPathComponent("other.gt.jsonl").path
        try text.write(toFile: other, atomically: true, encoding: .utf8)
        let mismatched = try TrackTestVideo(video: test.video, truthFile: other)
        let error = #expect(throws: TrackEvaluationError.self) { try Self.evaluation().evaluate(mismatched) }
        #expect(error?.description.contains("640x360") == true && error?.description.contains("320x180") == true)
    }

    @Test func truncatedVideoIsRefusedNotScored() throws {
        let test = try Self.rendered.get()
        let dir = try TestPaths.scratch("evaltrack-cut")
        let cut = dir.appendingPathComponent("cut.mp4").path
        try runTool("ffmpeg", ["-v", "error", "-y", "-i", test.video, "-frames:v", "30", "-c", "copy", cut])
        let truncated = try TrackTestVideo(video: cut, truthFile: test.truthFile)
        let error = #expect(throws: TrackEvaluationError.self) { try Self.evaluation().evaluate(truncated) }
        #expect(error?.description.contains("has 30 frames but") == true)
    }

    @Test func missingFilesAreNamed() throws {
        let test = try Self.rendered.get()
        let dir = try TestPaths.scratch("evaltrack-missing")
        let lonely = dir.appendingPathComponent("lonely.mp4").path
        try FileManager.default.copyItem(atPath: test.video, toPath: lonely)
        let noTruth = #expect(throws: TrackGroundTruthError.self) { try TrackTestVideo(video: lonely) }
        #expect(noTruth?.description.contains(dir.appendingPathComponent("lonely.gt.jsonl").path) == true)
        let noVideo = #expect(throws: TrackEvaluationError.self) { try TrackTestVideo(video: dir.appendingPathComponent("gone.mp4").path) }
        #expect(noVideo?.description.contains("gone.mp4") == true)
    }
}
