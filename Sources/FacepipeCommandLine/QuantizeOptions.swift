import ArgumentParser
import Engine
import FacepipeKit

extension CalibrationMethod: ExpressibleByArgument {}

/// `facepipe quantize`'s command line, checked, and the `ModelQuantization` it asks FacepipeKit for.
public struct QuantizeOptions: ParsableArguments {
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

    public init() {}

    public func validate() throws {
        guard !calib.isEmpty else { throw ValidationError("give --calib <folder of training pictures or labels.jsonl>") }
        guard n >= 1 else { throw ValidationError("-n must be at least 1") }
        guard percentile > 90, percentile < 100 else { throw ValidationError("--percentile must be in (90, 100)") }
        guard engineThreads >= 1 else { throw ValidationError("--engine-threads must be at least 1") }
        guard compare >= 0 else { throw ValidationError("--compare must be 0 or more") }
    }

    /// The calibration these flags ask for; the model and the pictures are read when it runs.
    public var quantization: ModelQuantization {
        ModelQuantization(model: model, calibration: calib, count: n, method: method, percentile: percentile,
                          threads: engineThreads, compare: compare)
    }
}
