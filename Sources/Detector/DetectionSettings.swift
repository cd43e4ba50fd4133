/// How one SSH module's head outputs map to anchors (from the model YAML's `detector.modules`).
struct ModuleAnchors: Sendable, Hashable {
    public var name: String
    public var stride: Int
    /// Square anchor sides in network-input pixels, in head channel order.
    public var sizes: [Float]
    var clsTensor: String
    var regTensor: String
    public init(name: String, stride: Int, sizes: [Float], clsTensor: String, regTensor: String) {
        self.name = name; self.stride = stride; self.sizes = sizes
        self.clsTensor = clsTensor; self.regTensor = regTensor
    }
}

/// Post-processing thresholds (model YAML `detector`, overridable from the command line).
public struct DetectionSettings: Sendable, Hashable {
    public var scoreThreshold: Float
    public var nmsIoU: Float
    var preNMSTopK: Int
    public var maxDetections: Int
    public init(scoreThreshold: Float = 0.5, nmsIoU: Float = 0.3, preNMSTopK: Int = 1000, maxDetections: Int = 750) {
        self.scoreThreshold = scoreThreshold; self.nmsIoU = nmsIoU
        self.preNMSTopK = preNMSTopK; self.maxDetections = maxDetections
    }
}

/// Regression deltas dw/dh are clamped before exp (same constant as Tools/facetools/boxes.py).
@usableFromInline let maxLogScale: Float = logf(1000.0 / 16.0)

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
