import FacepipeCore

/// A model quantised for the int8 engine: one uint8 grid per activation tensor, per-output-
/// channel symmetric int8 weights with int32 biases for every conv, and the facts needed to
/// tell whether it still belongs to the fp32 model it was calibrated from. Made by
/// `Int8Quantizer`, stored as int8.yaml + int8.safetensors in the model folder (`Int8ModelFiles`).
public struct Int8Model: Sendable {
    public var input: InputQuantization
    /// Every layer's output, by layer name.
    public var activations: [String: ActivationQuantization]
    /// Every conv layer, by name.
    public var convs: [String: QuantizedConv]
    public var calibration: CalibrationInfo
    /// The fp32 weights file the model was quantised from.
    public var source: WeightsFingerprint
    /// What the quantiser had to change to respect the kernels' limits, one line each.
    public var adjustments: [String]

    func activation(_ tensor: String) -> ActivationQuantization? {
        tensor == ModelFile.inputName ? input.parameters : activations[tensor]
    }
}

/// One conv layer's int8 weights. real weight = weights[i] * weightScales[out channel];
/// real bias = bias[o] * input scale * weightScales[o].
public struct QuantizedConv: Sendable, Equatable {
    /// OIHW `[out, in/groups, k, k]`, as in the fp32 file.
    public var weights: [Int8]
    var bias: [Int32]
    var weightScales: [Float]
}

public enum CalibrationMethod: String, Sendable, SettingsChoice {
    /// The full observed range of each tensor.
    case minmax
    /// Each tail of the distribution clipped at a percentile (default 99.999), from a histogram.
    case percentile
}

public struct CalibrationInfo: Sendable, Equatable {
    public var method: CalibrationMethod
    /// Only for `percentile`.
    public var percentile: Double?
    public var images: Int
    /// FNV-1a 64 of the picture paths used, in order (tells two calibrations apart).
    var sourcesHash: String
    /// Where the pictures came from, for people (e.g. "train/caltech_webfaces, train/eden_mask_wearing").
    public var sources: String

    public init(method: CalibrationMethod, percentile: Double?, images: Int, sourcesHash: String, sources: String) {
        self.method = method; self.percentile = percentile; self.images = images
        self.sourcesHash = sourcesHash; self.sources = sources
    }
}
