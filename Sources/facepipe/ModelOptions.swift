import ArgumentParser
import Detector
import Engine
import Foundation

enum EngineKind: String, ExpressibleByArgument, CaseIterable {
    case int8, fp32
}

/// Options shared by every command that runs the detector.
struct ModelOptions: ParsableArguments {
    @Option(help: "Model folder (model.yaml + weights.safetensors).")
    var model = "Configs/models/ssh-edge"

    @Option(help: "Inference engine: int8 (our SIMD kernels) or fp32 (OpenBLAS reference).")
    var engine: EngineKind = .fp32

    @Option(help: "Threads for the detector's network.")
    var threads = 2

    @Option(help: "Detection score threshold (default: the model's).")
    var score: Float?

    func makeDetector() throws -> FaceDetector { try makeDetector(engine: engine) }

    func makeDetector(engine: EngineKind) throws -> FaceDetector {
        let folder = Resources.resolve(model)
        let file = try ModelFile.load(directory: folder)
        let backend: DetectorBackend
        switch engine {
        case .fp32:
            backend = FP32Backend(model: file, threads: threads)
        case .int8:
            backend = try Int8Backend.load(modelDirectory: folder, model: file, threads: threads)
        }
        let detector = try FaceDetector(model: file, backend: backend)
        if let score { detector.settings.scoreThreshold = score }
        return detector
    }
}
