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

    @OptionGroup var options: EvalOptions

    mutating func run() throws {
        av_log_set_level(AV_LOG_ERROR)
        print(try options.evaluation.run(data: options.data).text)
    }
}
