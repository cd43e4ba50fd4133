import ArgumentParser
import Detector
import Engine
import FacepipeCore
import Foundation

enum EngineKind: String, ExpressibleByArgument, SettingsChoice {
    case int8, fp32
}

/// Configs/engine.yaml.
struct EngineFileSettings: Decodable {
    var engine: EngineKind
    var threads: Int
    enum CodingKeys: String, CodingKey { case engine, threads }
}

/// Options shared by every command that runs the detector. Defaults come from
/// Configs/detector.yaml and Configs/engine.yaml; a flag given on the command line wins.
struct ModelOptions: ParsableArguments {
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

    func validate() throws {
        if let threads, !(1...64).contains(threads) { throw ValidationError("--threads must be in 1...64, got \(threads)") }
        if let score, !(0...1).contains(score) { throw ValidationError("--score must be in 0...1, got \(score)") }
    }

    func fileSettings() throws -> (DetectorConfigFile, EngineFileSettings) {
        let det = try DetectorConfigFile.load(fromFile: Resources.resolve(detectorConfig))
        let eng = try StrictYAML.decode(EngineFileSettings.self, fromFile: Resources.resolve(engineConfig))
        guard (1...64).contains(eng.threads) else {
            throw ValidationError("\(engineConfig): threads must be in 1...64, got \(eng.threads)")
        }
        return (det, eng)
    }

    var resolvedEngine: EngineKind { get throws { try engine ?? fileSettings().1.engine } }

    func makeDetector() throws -> FaceDetector { try makeDetector(engine: resolvedEngine) }

    func makeDetector(engine: EngineKind) throws -> FaceDetector {
        let (det, eng) = try fileSettings()
        let folder = Resources.resolve(model ?? det.model)
        let file = try ModelFile.load(directory: folder)
        let threads = self.threads ?? eng.threads
        let backend: DetectorBackend
        switch engine {
        case .fp32:
            backend = FP32Backend(model: file, threads: threads)
        case .int8:
            backend = try Int8Backend.load(modelDirectory: folder, model: file, threads: threads)
        }
        let detector = try FaceDetector(model: file, backend: backend)
        if let s = score ?? det.scoreThreshold { detector.settings.scoreThreshold = s }
        if let v = det.nmsIou { detector.settings.nmsIoU = v }
        if let v = det.maxDetections { detector.settings.maxDetections = v }
        return detector
    }
}
