import Capture
import Evaluation
import FacepipeCore
import Foundation
import Overlay
import Pipeline
import Tracker

/// The redaction scores of one rendered video.
public struct RedactionVideoResult: Sendable {
    var video: String
    var frames: Int
    var width: Int
    var height: Int
    public var scores: RedactionScores
    var framesPerSecond: Double
}

/// Runs the pipeline's detect and track stages with redaction on (the regions it would hide)
/// over a rendered video and scores the masks those regions make against the exact truth.
/// The masks are the redactor's own (same margin, shape and pixel rule), so what is scored is
/// what `facepipe run --redact` hides; the blur itself is not re-measured.
struct RedactionEvaluation {
    let assembly: PipelineAssembly
    public let settings: PipelineSettings
    let description: PipelineDescription
    let redaction: RedactionSettings

    public init(assembly: PipelineAssembly, description: PipelineDescription, detectEvery: Int?) throws {
        guard let redaction = assembly.redaction else { throw TrackEvaluationError("redaction settings are missing") }
        guard Set(description.stages.map(\.kind)).isSuperset(of: ["detect", "track"]) else {
            throw TrackEvaluationError("\(description.file): needs 'detect' and 'track' stages to find what to hide")
        }
        self.assembly = assembly
        self.description = description
        self.redaction = redaction
        // Every frame is scored, so none may be dropped.
        settings = PipelineAssembly.settings(of: description, detectEvery: detectEvery, policy: .lossless)
    }

    public func evaluate(_ test: TrackTestVideo, progress: ProgressReporter? = nil,
                  summary: ((PipelineStats) -> Void)? = nil) throws -> RedactionVideoResult {
        let truth = test.truth
        let (recorder, result) = try test.record(assembly: assembly, description: description,
                                                 keeping: TrackEvaluation.scoredKinds, settings: settings,
                                                 progress: progress, summary: summary)
        var metrics = RedactionMetrics()
        var hidden: [UInt8] = []
        for frame in truth.frames {
            Self.paint(recorder.frames[frame.frame]?.redactions ?? [], style: redaction.style,
                       width: truth.width, height: truth.height, into: &hidden)
            metrics.add(frame: frame.frame, width: truth.width, height: truth.height, hidden: hidden,
                        faces: frame.faces.map(\.box), blocked: frame.bar)
        }
        return RedactionVideoResult(video: test.video, frames: truth.frames.count, width: truth.width,
                                    height: truth.height, scores: metrics.scores,
                                    framesPerSecond: result.stats.framesPerSecond)
    }

    /// The union of the masks `FaceRedactor` would apply for these regions, one byte per luma pixel.
    static func paint(_ regions: [Box], style: RedactionStyle, width: Int, height: Int, into hidden: inout [UInt8]) {
        hidden.removeAll(keepingCapacity: true)
        hidden.append(contentsOf: repeatElement(0, count: width * height))
        for box in regions {
            guard let mask = RedactionMask(box: box, margin: style.margin, shape: style.shape,
                                           frameWidth: width, frameHeight: height) else { continue }
            for y in mask.rowStart..<mask.rowEnd {
                let s = mask.span(row: y)
                for x in s.x0..<max(s.x0, s.x1) { hidden[y * width + x] = 1 }
            }
        }
    }
}
