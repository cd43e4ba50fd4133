import Capture
import Evaluation
import FacepipeCore
import Foundation
import Pipeline
import Tracker

/// One rendered test video and the ground truth that goes with it.
struct TrackTestVideo: Sendable {
    public var video: String
    var truthFile: String
    public var truth: TrackGroundTruth

    /// Reads the ground truth (`truthFile`, default beside the video) before any run starts,
    /// so a missing or malformed file fails at once.
    public init(video: String, truthFile: String? = nil) throws {
        self.video = video
        self.truthFile = truthFile ?? Self.defaultTruthPath(for: video)
        guard FileManager.default.fileExists(atPath: video) else {
            throw TrackEvaluationError("\(video): no such video file")
        }
        truth = try TrackGroundTruth.load(fromFile: self.truthFile)
    }

    /// `<video without extension>.gt.jsonl`, as Tools/make_track_video.py writes it.
    static func defaultTruthPath(for video: String) -> String {
        (video as NSString).deletingPathExtension + ".gt.jsonl"
    }
}

/// The scores of one video and what the run looked like.
public struct TrackVideoResult: Sendable {
    var video: String
    var truth: String
    var frames: Int
    var width: Int
    var height: Int
    public var scores: TrackingScores
    var wallSeconds: Double
    var framesPerSecond: Double
    /// What each frame carried out of the pipeline, for replaying other tracker settings.
    var recorded: [Int: RecordedFrame]
}

/// Runs the full pipeline (source -> detect -> track -> in-memory recorder) on rendered
/// videos and scores the tracked faces against their ground truth.
struct TrackEvaluation {
    let assembly: PipelineAssembly
    let description: PipelineDescription
    public let settings: PipelineSettings
    public var iouThreshold: Float = 0.5

    /// The stages scored: an overlay would only draw on pixels nobody looks at.
    static let scoredKinds: Set<String> = ["scene", "detect", "track"]

    public init(assembly: PipelineAssembly, description: PipelineDescription, detectEvery: Int?) throws {
        let kinds = Set(description.stages.map(\.kind))
        guard kinds.contains("track") else {
            throw TrackEvaluationError("\(description.file): has no 'track' stage, so there is nothing to score")
        }
        self.assembly = assembly
        self.description = description
        // Every frame is scored, so none may be dropped: files are read losslessly.
        settings = PipelineAssembly.settings(of: description, detectEvery: detectEvery, policy: .lossless)
    }

    /// Runs and scores one video; `summary` receives the pipeline's statistics.
    public func evaluate(_ test: TrackTestVideo, progress: ProgressReporter? = nil,
                  summary: ((PipelineStats) -> Void)? = nil) throws -> TrackVideoResult {
        let truth = test.truth
        let (recorder, result) = try test.record(assembly: assembly, description: description, keeping: Self.scoredKinds,
                                                 settings: settings, progress: progress, summary: summary)
        return TrackVideoResult(video: test.video, truth: test.truthFile, frames: truth.frames.count,
                                width: truth.width, height: truth.height,
                                scores: truth.score(recorder.facesByFrame, iouThreshold: iouThreshold),
                                wallSeconds: result.stats.wallSeconds, framesPerSecond: result.stats.framesPerSecond,
                                recorded: recorder.frames)
    }

    /// Scores other tracker settings on the detections of a run, without running the detector
    /// again: a fresh tracker sees exactly what the pipeline's tracker stage saw (detections,
    /// whether detection ran, stream time, index, picture change), so the run's own settings give back its faces.
    /// The detector must have kept detections down to `config.lowScore` (see `TrackEvaluationRequest`).
    func rescore(_ result: TrackVideoResult, against truth: TrackGroundTruth, with config: TrackerConfig) -> TrackingScores {
        truth.score(Self.replay(result.recorded, frames: result.frames, config: config), iouThreshold: iouThreshold)
    }

    static func replay(_ recorded: [Int: RecordedFrame], frames: Int, config: TrackerConfig) -> [Int: [TrackedFace]] {
        let tracker = ByteTrack(config: config)
        var faces: [TrackedFace] = []
        var facesByFrame: [Int: [TrackedFace]] = [:]
        for index in 0..<frames {
            guard let frame = recorded[index] else { continue }
            tracker.update(detections: frame.detections, detected: frame.detected, time: frame.time, frame: index,
                           sceneChange: frame.sceneChange, faces: &faces)
            facesByFrame[index] = faces
        }
        return facesByFrame
    }
}

extension TrackTestVideo {
    /// Runs the pipeline's `kinds` stages over the video, every frame in order, and records what
    /// reached the end of the chain per frame; checks the video is the one its truth describes.
    func record(assembly: PipelineAssembly, description: PipelineDescription, keeping kinds: Set<String>,
                settings: PipelineSettings, progress: ProgressReporter?,
                summary: ((PipelineStats) -> Void)?) throws -> (TrackedFaceRecorder, PipelineResult) {
        var options = FFmpegSourceOptions()
        options.isLive = false
        let source = try FFmpegSource(video, options: options)
        defer { source.close() }
        let info = source.info
        guard info.width == truth.width, info.height == truth.height else {
            throw TrackEvaluationError("\(video) is \(info.width)x\(info.height) but \(truthFile) describes "
                                       + "\(truth.width)x\(truth.height) frames: not the video this ground truth was made for")
        }
        let recorder = TrackedFaceRecorder(expectedFrames: truth.frames.count)
        let stages = try assembly.stages(of: description, keeping: kinds)
        let run = try Pipeline(source: source, stages: stages, frameSinks: [NamedFrameSink("recorder", recorder)],
                               settings: settings)
        let result = run.run(progress: progress)
        summary?(result.stats)
        if let error = result.error { throw TrackEvaluationError("\(video): \(error)") }
        guard recorder.framesWritten == truth.frames.count else {
            throw TrackEvaluationError("\(video) has \(recorder.framesWritten) frames but \(truthFile) has "
                                       + "\(truth.frames.count): a truncated video or the wrong ground-truth file")
        }
        return (recorder, result)
    }
}

/// A test video that cannot be scored (size or frame count not matching its truth, a failed run).
struct TrackEvaluationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
