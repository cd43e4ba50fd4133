import ArgumentParser
import FacepipeKit

/// `facepipe eval`'s command line, checked: the labelled sets and the `DetectionEvaluation` it
/// asks FacepipeKit for.
public struct EvalOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "labels.jsonl of a labelled set (repeatable).")
    public var data: [String]

    @OptionGroup var modelOptions: ModelOptions

    @Option(parsing: .upToNextOption, help: "Engines to compare in this run (default: fp32 and int8 when the model has an int8 calibration).")
    var engines: [EngineKind] = []

    @Option(parsing: .upToNextOption, help: "IoU thresholds.")
    var iou: [Float] = [0.5, 0.3]

    @Option(help: "Score threshold for evaluation (low, so the whole precision/recall curve is seen).")
    var evalScore: Float = 0.02

    @Option(help: "Write WIDER-format detection files under this folder (<folder>/<engine>/<set>/...).")
    var wider: String?

    @Option(help: "Write detections as JSONL files in this folder (<engine>-<set>.jsonl).")
    var jsonl: String?

    public init() {}

    public func validate() throws {
        // A match needs some overlap, and no two boxes overlap by more than all of them.
        for threshold in iou where !(threshold > 0 && threshold <= 1) {
            throw ValidationError("--iou must be in (0, 1], got \(threshold)")
        }
    }

    /// The evaluation these flags ask for; the settings files are read when it runs.
    public var evaluation: DetectionEvaluation {
        DetectionEvaluation(detector: modelOptions.choice, engines: engines, iou: iou, evalScore: evalScore,
                            wider: wider, jsonl: jsonl)
    }
}
