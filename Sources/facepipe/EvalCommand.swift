import ArgumentParser
import CFFmpeg
import FacepipeCommandLine
import FacepipeKit

/// `facepipe eval`: detection AP on labelled photos, for each engine, in one run.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Average precision of the detector on a labels.jsonl set (ignore regions honoured).",
        discussion: """
            Scoring follows ../shared/data/eval/README.md: greedy matching in score order, detections on
            ignore regions are neither true nor false positives, dlib-style flagged boxes leave scoring
            with their match; AP is VOC all-points. The same rule is in Tools/eval.py, which can
            re-score the files written by --wider or --jsonl.
            """)

    @Option(name: .customLong("data"), help: "labels.jsonl of a labelled set (repeatable).")
    var data: [String]

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

    mutating func run() throws {
        av_log_set_level(AV_LOG_ERROR)
        let evaluation = DetectionEvaluation(detector: modelOptions.choice, engines: engines, iou: iou,
                                             evalScore: evalScore, wider: wider, jsonl: jsonl)
        print(try evaluation.run(data: data).text)
    }
}
