import FacepipeCore

/// model.yaml as written by Tools/export.py (`format: facepipe-ssh/1`, see
/// Configs/models/FORMAT.md). Decoded with StrictYAML, so an unknown key anywhere is an
/// error naming its path. Checks that need the whole graph live in `ModelFile`.
public struct ModelDescription: Decodable, Sendable, Equatable {
    static let supportedFormat = "facepipe-ssh/1"

    public var format: String
    public var name: String
    /// The weights file, relative to the model folder.
    public var weights: String
    public var input: InputRule
    /// In execution order; each layer's output tensor carries the layer's name.
    public var layers: [LayerDescription]
    /// Anchor and NMS settings for the Detector; a bare backbone may leave it out.
    public var detector: DetectorSettings?

    enum CodingKeys: String, CodingKey { case format, name, weights, input, layers, detector }
}

/// How a picture becomes the network input.
public struct InputRule: Decodable, Sendable, Equatable {
    public enum ChannelOrder: String, SettingsChoice, Sendable { case rgb, bgr }

    public var channels: ChannelOrder
    /// Subtracted from 0...255 pixel values, per channel (in `channels` order).
    public var mean: [Float]
    /// Then divided by, per channel.
    public var std: [Float]
    public var maxShortSide: Int
    public var maxLongSide: Int
    /// The network input is padded right/bottom to a multiple of this.
    public var padMultiple: Int

    enum CodingKeys: String, CodingKey {
        case channels, mean, std
        case maxShortSide = "max_short_side", maxLongSide = "max_long_side", padMultiple = "pad_multiple"
    }
}

/// One entry of `layers:` as written. Only the keys its op uses may appear; `ModelFile`
/// turns it into a checked `Layer`.
public struct LayerDescription: Decodable, Sendable, Equatable {
    public enum Op: String, SettingsChoice, Sendable { case conv, maxpool, upsample2x, add, concat }

    public var name: String
    public var op: Op
    public var inputs: [String]
    var outChannels: Int?
    public var kernel: Int?
    public var stride: Int?
    public var pad: Int?
    var relu: Bool?
    public var groups: Int?

    enum CodingKeys: String, CodingKey {
        case name, op, inputs, kernel, stride, pad, relu, groups
        case outChannels = "out_channels"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        let opName = try c.decode(String.self, forKey: .op)
        guard let op = Op(rawValue: opName) else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.op],
                debugDescription: "unknown op '\(opName)' (known: \(Op.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        self.op = op
        inputs = try c.decode([String].self, forKey: .inputs)
        outChannels = try c.decodeIfPresent(Int.self, forKey: .outChannels)
        kernel = try c.decodeIfPresent(Int.self, forKey: .kernel)
        stride = try c.decodeIfPresent(Int.self, forKey: .stride)
        pad = try c.decodeIfPresent(Int.self, forKey: .pad)
        relu = try c.decodeIfPresent(Bool.self, forKey: .relu)
        groups = try c.decodeIfPresent(Int.self, forKey: .groups)
        // A key that the op ignores is as suspicious as an unknown key: refuse it.
        let allowed: Set<CodingKeys> = switch op {
        case .conv: [.outChannels, .kernel, .stride, .pad, .relu, .groups]
        case .maxpool: [.kernel, .stride, .pad]
        case .upsample2x: []
        case .add, .concat: [.relu]
        }
        for key in [CodingKeys.outChannels, .kernel, .stride, .pad, .relu, .groups] where c.contains(key) && !allowed.contains(key) {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [key],
                debugDescription: "key '\(key.rawValue)' does not apply to op \(op.rawValue)"))
        }
    }
}

/// The `detector:` section: one entry per SSH detection module plus decoding thresholds.
public struct DetectorSettings: Decodable, Sendable, Equatable {
    public struct Module: Decodable, Sendable, Equatable {
        public var name: String
        public var stride: Int
        public var anchorSizes: [Float]
        /// Output tensor names of the module's classification and regression heads.
        public var cls: String
        public var reg: String

        enum CodingKeys: String, CodingKey { case name, stride, cls, reg, anchorSizes = "anchor_sizes" }
    }

    public var modules: [Module]
    public var scoreThreshold: Float
    public var nmsIou: Float
    public var preNmsTopK: Int
    public var maxDetections: Int

    enum CodingKeys: String, CodingKey {
        case modules
        case scoreThreshold = "score_threshold", nmsIou = "nms_iou"
        case preNmsTopK = "pre_nms_top_k", maxDetections = "max_detections"
    }
}
