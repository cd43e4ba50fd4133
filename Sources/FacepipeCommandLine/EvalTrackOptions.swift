import ArgumentParser
import FacepipeKit

/// `facepipe eval-track`'s command line: the rendered videos, the pipeline and detector to run
/// on them, and how to score and print; the `TrackEvaluationRequest` it asks FacepipeKit for.
public struct EvalTrackOptions: ParsableArguments {
    @OptionGroup public var rendered: RenderedVideoOptions

    @Option(help: "Pipeline description (stage chain, rings, detect-every); its overlay stage and outputs are not used.")
    public var pipeline = "Pipelines/mp4-annotate.yaml"

    @OptionGroup public var modelOptions: ModelOptions

    @Option(help: ArgumentHelp("Also score these tracker settings (repeatable) on the same detections, replayed without running the detector again.",
                               valueName: "tracker-config"))
    var compareTrackerConfig: [String] = []

    @Option(help: "Least IoU between a tracked and a true face box for a match.")
    public var iou: Float = 0.5

    @Flag(help: "Print one JSON document (per-video and overall scores) instead of a table.")
    public var json = false

    public init() {}

    public func validate() throws {
        guard iou > 0 && iou <= 1 else { throw ValidationError("--iou must be in (0, 1], got \(iou)") }
    }

    /// The evaluation these flags ask for; the settings files and videos are read when it runs.
    public var evaluation: TrackEvaluationRequest {
        var request = TrackEvaluationRequest(videos: rendered.videoSet)
        request.pipeline = pipeline
        request.detector = modelOptions.choice
        request.compareTrackerConfigs = compareTrackerConfig
        request.iou = iou
        return request
    }
}
