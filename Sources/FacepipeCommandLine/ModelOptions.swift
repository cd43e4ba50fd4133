import ArgumentParser
import FacepipeKit

extension EngineKind: ExpressibleByArgument {}

/// Options shared by every command that runs the detector. Defaults come from
/// Configs/detector.yaml and Configs/engine.yaml; a flag given on the command line wins.
public struct ModelOptions: ParsableArguments {
    @Option(help: "Model folder (model.yaml + weights.safetensors). Default: detector.yaml's.")
    var model: String?

    @Option(help: "Inference engine: int8 (our SIMD kernels) or fp32 (OpenBLAS reference). Default: engine.yaml's.")
    var engine: EngineKind?

    @Option(parsing: .unconditional, help: "Threads for the detector's network (1...64). Default: engine.yaml's.")
    var threads: Int?

    // .unconditional: "-1" is read as the value (and refused as out of range), not as a missing one.
    @Option(parsing: .unconditional, help: "Detection score threshold in 0...1. Default: detector.yaml's, else the model's.")
    var score: Float?

    @Option(help: "Detector settings file.")
    var detectorConfig = "Configs/detector.yaml"

    @Option(help: "Engine settings file.")
    var engineConfig = "Configs/engine.yaml"

    public init() {}

    public func validate() throws {
        if let threads, !(1...64).contains(threads) { throw ValidationError("--threads must be in 1...64, got \(threads)") }
        if let score, !(0...1).contains(score) { throw ValidationError("--score must be in 0...1, got \(score)") }
    }

    /// The detector these flags ask for; the settings files are read when it is made.
    public var choice: DetectorChoice {
        DetectorChoice(model: model, engine: engine, threads: threads, score: score,
                       detectorConfig: detectorConfig, engineConfig: engineConfig)
    }
}
