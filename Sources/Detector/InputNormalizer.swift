import Engine
import FacepipeCore

/// The model's input rule (model YAML `input`): channel order, mean/std, size limits, padding.
/// The fp32 network normalises pictures into its own input (`FP32Network.setInput`).
public struct InputNormalizer: Sendable, Hashable {
    public enum Channels: String, Sendable, Hashable { case rgb, bgr }
    public var channels: Channels
    public var mean: (Float, Float, Float)
    public var std: (Float, Float, Float)
    public var maxShortSide: Int
    public var maxLongSide: Int
    public var padMultiple: Int

    public init(channels: Channels, mean: (Float, Float, Float), std: (Float, Float, Float),
                maxShortSide: Int, maxLongSide: Int, padMultiple: Int) {
        self.channels = channels; self.mean = mean; self.std = std
        self.maxShortSide = maxShortSide; self.maxLongSide = maxLongSide; self.padMultiple = padMultiple
    }

    public static func == (a: InputNormalizer, b: InputNormalizer) -> Bool {
        a.channels == b.channels && a.mean == b.mean && a.std == b.std && a.maxShortSide == b.maxShortSide
            && a.maxLongSide == b.maxLongSide && a.padMultiple == b.padMultiple
    }
    public func hash(into h: inout Hasher) {
        h.combine(channels); h.combine(maxShortSide); h.combine(maxLongSide); h.combine(padMultiple)
    }

    /// Network input size for a resized picture: rounded up to the padding multiple.
    public func paddedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let m = max(1, padMultiple)
        return ((width + m - 1) / m * m, (height + m - 1) / m * m)
    }
}

extension InputNormalizer {
    /// The normaliser for a model's input rule (model YAML `input`).
    public init(rule: InputRule) {
        func triple(_ v: [Float]) -> (Float, Float, Float) { (v[0], v[1], v[2]) }
        self.init(channels: rule.channels == .rgb ? .rgb : .bgr, mean: triple(rule.mean), std: triple(rule.std),
                  maxShortSide: rule.maxShortSide, maxLongSide: rule.maxLongSide, padMultiple: rule.padMultiple)
    }
}
