import Detector
import Engine
import FacepipeCore

public enum EngineKind: String, Sendable, SettingsChoice {
    case int8, fp32
}

/// Configs/engine.yaml.
struct EngineFileSettings: Decodable {
    var engine: EngineKind
    var threads: Int
    enum CodingKeys: String, CodingKey { case engine, threads }
}

/// Which detector to make: Configs/detector.yaml and Configs/engine.yaml, with whatever the
/// caller gives (the command line's flags) winning over them. Settings and model load when the
/// detector is made, so a bad file fails before any input is opened.
public struct DetectorChoice: Sendable {
    /// Model folder; nil: detector.yaml's.
    var model: String?
    /// nil: engine.yaml's.
    var engine: EngineKind?
    var threads: Int?
    /// Score threshold; nil: detector.yaml's, else the model's own.
    var score: Float?
    var detectorConfig = "Configs/detector.yaml"
    var engineConfig = "Configs/engine.yaml"

    public init(model: String? = nil, engine: EngineKind? = nil, threads: Int? = nil, score: Float? = nil,
                detectorConfig: String = "Configs/detector.yaml", engineConfig: String = "Configs/engine.yaml") {
        self.model = model
        self.engine = engine
        self.threads = threads
        self.score = score
        self.detectorConfig = detectorConfig
        self.engineConfig = engineConfig
    }

    func fileSettings() throws -> (DetectorConfigFile, EngineFileSettings) {
        let det = try DetectorConfigFile.load(fromFile: Resources.resolve(detectorConfig))
        let eng = try StrictYAML.decode(EngineFileSettings.self, fromFile: Resources.resolve(engineConfig))
        guard (1...64).contains(eng.threads) else {
            throw BadRequest("\(engineConfig): threads must be in 1...64, got \(eng.threads)")
        }
        return (det, eng)
    }

    var resolvedEngine: EngineKind { get throws { try engine ?? fileSettings().1.engine } }

    /// The model folder as given or as detector.yaml names it (for reports).
    var modelName: String { get throws { try model ?? fileSettings().0.model } }

    public func makeDetector() throws -> FaceDetector { try makeDetector(engine: resolvedEngine) }

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
