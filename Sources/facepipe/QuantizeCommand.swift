import ArgumentParser
import Capture
import Engine
import FacepipeCore
import FacepipeKit

extension CalibrationMethod: ExpressibleByArgument {}

/// `facepipe quantize`: calibrate the int8 engine on training pictures and write
/// int8.yaml + int8.safetensors into the model folder, then report how far each layer and
/// the detections are from fp32.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Calibrate and quantise a model for the int8 engine (writes int8.yaml + int8.safetensors).",
        discussion: """
            Example:
              facepipe quantize --model Configs/models/ssh-lite \\
                --calib ../shared/data/train/caltech_webfaces --calib ../shared/data/train/eden_mask_wearing -n 200
            Calibration pictures must be training pictures: eval/ and photos/dlib_faces/ are refused.
            """)

    @Option(help: "Model folder (model.yaml + weights.safetensors); the int8 files are written there.")
    var model = "Configs/models/ssh-lite"

    @Option(help: "Calibration pictures: a folder (or a labels.jsonl) of TRAINING pictures. Repeatable.")
    var calib: [String] = []

    @Option(name: .short, help: "Number of calibration pictures, spread evenly over all given.")
    var n = 200

    // minmax by default: the rare large activations carry the face evidence; clipping them
    // cost detections on training pictures (see the report in README).
    @Option(help: "Activation range per tensor: minmax (full observed range) or percentile (tails clipped).")
    var method: CalibrationMethod = .minmax

    @Option(help: "Percentile kept on each tail for --method percentile.")
    var percentile = 99.999

    @Option(help: "Threads for the networks.")
    var engineThreads = 2

    @Option(help: "Pictures (the first calibration ones) for the per-layer error report and the detection comparison.")
    var compare = 8

    func validate() throws {
        guard !calib.isEmpty else { throw ValidationError("give --calib <folder of training pictures or labels.jsonl>") }
        guard n >= 1 else { throw ValidationError("-n must be at least 1") }
        guard percentile > 90, percentile < 100 else { throw ValidationError("--percentile must be in (90, 100)") }
        guard engineThreads >= 1 else { throw ValidationError("--engine-threads must be at least 1") }
        guard compare >= 0 else { throw ValidationError("--compare must be 0 or more") }
    }

    mutating func run() throws {
        FFmpegLog.route(level: .quiet, redaction: CredentialRedaction())  // facepipe's own messages say what failed
        try ModelQuantization(model: model, calibration: calib, count: n, method: method, percentile: percentile,
                              threads: engineThreads, compare: compare)
            .run(report: { print($0) }, progress: note)
    }
}
