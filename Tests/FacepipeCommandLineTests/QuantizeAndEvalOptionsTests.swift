import ArgumentParser
import Testing
@testable import Engine
@testable import FacepipeCommandLine
@testable import FacepipeKit

/// `quantize`, `eval` and `detect` command lines, parsed as the commands parse them: what is
/// refused, and the values an accepted line carries into FacepipeKit.
@Suite struct QuantizeAndEvalOptionsTests {
    @Test func quantizeRefusesWhatCannotCalibrate() {
        for (arguments, named) in [([String](), "--calib"), (["--calib", "x", "-n", "0"], "-n"),
                                   (["--calib", "x", "--percentile", "90"], "--percentile"),
                                   (["--calib", "x", "--percentile", "100"], "--percentile"),
                                   (["--calib", "x", "--engine-threads", "0"], "--engine-threads"),
                                   (["--calib", "x", "--compare", "-1"], "--compare"),
                                   (["--calib", "x", "--method", "entropy"], "entropy")] {
            #expect("\(arguments)") { try QuantizeOptions.parse(arguments) } throws: {
                QuantizeOptions.message(for: $0).contains(named)
            }
        }
    }

    @Test func quantizeLineBecomesTheCalibration() throws {
        let q = try QuantizeOptions.parse(["--model", "m", "--calib", "a", "--calib", "b/labels.jsonl", "-n", "7",
                                           "--method", "percentile", "--percentile", "99.9", "--engine-threads", "3",
                                           "--compare", "0"]).quantization
        #expect(q.model == "m" && q.calibration == ["a", "b/labels.jsonl"] && q.count == 7)
        #expect(q.method == .percentile && q.percentile == 99.9 && q.threads == 3 && q.compare == 0)
        let plain = try QuantizeOptions.parse(["--calib", "a"]).quantization
        #expect(plain.model == "Configs/models/ssh-lite" && plain.count == 200 && plain.method == .minmax)
        #expect(plain.percentile == 99.999 && plain.threads == 2 && plain.compare == 8)
    }

    @Test func evalNeedsDataAndSensibleIoU() {
        for (arguments, named) in [([String](), "--data"), (["--data"], "--data"), (["--data", "a.jsonl", "--iou"], "--iou"),
                                   (["--data", "a.jsonl", "--iou", "0"], "--iou"),
                                   (["--data", "a.jsonl", "--iou", "0.5", "1.5"], "1.5"),
                                   (["--data", "a.jsonl", "--engines", "int4"], "int4"),
                                   (["--data", "a.jsonl", "--threads", "0"], "--threads")] {
            #expect("\(arguments)") { try EvalOptions.parse(arguments) } throws: {
                EvalOptions.message(for: $0).contains(named)
            }
        }
    }

    @Test func evalLineBecomesTheEvaluation() throws {
        let options = try EvalOptions.parse(["--data", "a/labels.jsonl", "--data", "b/labels.jsonl", "--engines", "int8", "fp32",
                                             "--iou", "0.7", "--eval-score", "0.1", "--wider", "w", "--jsonl", "j",
                                             "--engine", "int8", "--score", "0.6"])
        #expect(options.data == ["a/labels.jsonl", "b/labels.jsonl"])
        let e = options.evaluation
        #expect(e.engines == [.int8, .fp32] && e.iou == [0.7] && e.evalScore == 0.1 && e.wider == "w" && e.jsonl == "j")
        #expect(e.detector.engine == .int8 && e.detector.score == 0.6)
        let plain = try EvalOptions.parse(["--data", "a.jsonl"]).evaluation
        #expect(plain.engines.isEmpty && plain.iou == [0.5, 0.3] && plain.evalScore == 0.02 && plain.wider == nil && plain.jsonl == nil)
    }

    @Test func detectTakesPicturesAndTheDetectorFlags() throws {
        #expect(throws: (any Error).self) { try DetectOptions.parse([]) }
        #expect(throws: (any Error).self) { try DetectOptions.parse(["a.jpg", "--score", "2"]) }
        let options = try DetectOptions.parse(["a.jpg", "b.png", "--engine", "fp32", "--threads", "3", "--json", "--draw", "o.png"])
        #expect(options.pictures == ["a.jpg", "b.png"] && options.json && options.draw == "o.png")
        #expect(options.modelOptions.choice.engine == .fp32 && options.modelOptions.choice.threads == 3)
    }
}
