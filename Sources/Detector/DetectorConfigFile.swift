import FacepipeCore

/// Configs/detector.yaml: the model folder and optional overrides of the model's thresholds.
/// Decoded strictly and range-checked like the tracker's keys, so `score_threshold: -0.3`
/// is an error naming the file and the key rather than a detector that reports everything.
public struct DetectorConfigFile: Decodable, Sendable {
    public var model: String
    public var scoreThreshold: Float?
    public var nmsIou: Float?
    public var maxDetections: Int?

    enum CodingKeys: String, CodingKey {
        case model, scoreThreshold = "score_threshold", nmsIou = "nms_iou", maxDetections = "max_detections"
    }

    public static func load(fromFile path: String) throws -> DetectorConfigFile {
        let settings = try StrictYAML.decode(DetectorConfigFile.self, fromFile: path)
        try settings.validate(file: path)
        return settings
    }

    public func validate(file: String) throws {
        func check(_ ok: Bool, _ key: String, _ problem: String) throws {
            if !ok { throw StrictYAML.ConfigError(file: file, path: key, problem: problem) }
        }
        try check(!model.isEmpty, "model", "must name a model folder")
        if let scoreThreshold {
            try check((0...1).contains(scoreThreshold), "score_threshold", "must be in 0...1, found \(scoreThreshold)")
        }
        if let nmsIou { try check((0...1).contains(nmsIou), "nms_iou", "must be in 0...1, found \(nmsIou)") }
        if let maxDetections {
            try check(maxDetections >= 1, "max_detections", "must be at least 1, found \(maxDetections)")
        }
    }
}
