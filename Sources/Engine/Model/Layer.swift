/// A checked layer: inputs known to exist earlier, parameters in range, channel counts
/// inferred through the graph. Spatial sizes depend on the input and are worked out by
/// `GraphPlan`.
public struct Layer: Sendable, Equatable {
    public enum Operation: Sendable, Equatable {
        case conv(ConvParameters)
        case maxpool(PoolParameters)
        case upsample2x
        case add(relu: Bool)
        case concat(relu: Bool)

        public var opName: String {
            switch self {
            case .conv: "conv"
            case .maxpool: "maxpool"
            case .upsample2x: "upsample2x"
            case .add: "add"
            case .concat: "concat"
            }
        }
    }

    public var name: String
    public var inputs: [String]
    public var operation: Operation
    var outChannels: Int
}

public struct ConvParameters: Sendable, Equatable {
    var inChannels: Int
    var outChannels: Int
    public var kernel: Int
    public var stride: Int
    public var pad: Int
    public var groups: Int
    var relu: Bool

    /// OIHW: `[out, in/groups, k, k]`.
    var weightShape: [Int] { [outChannels, inChannels / groups, kernel, kernel] }

    public init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, pad: Int = 0, groups: Int = 1, relu: Bool = false) {
        self.inChannels = inChannels; self.outChannels = outChannels; self.kernel = kernel
        self.stride = stride; self.pad = pad; self.groups = groups; self.relu = relu
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        (floorDiv(height + 2 * pad - kernel, stride) + 1, floorDiv(width + 2 * pad - kernel, stride) + 1)
    }
}

public struct PoolParameters: Sendable, Equatable {
    public var kernel: Int
    public var stride: Int
    public var pad: Int

    public init(kernel: Int, stride: Int, pad: Int = 0) { self.kernel = kernel; self.stride = stride; self.pad = pad }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        (floorDiv(height + 2 * pad - kernel, stride) + 1, floorDiv(width + 2 * pad - kernel, stride) + 1)
    }
}

/// Floor division that stays correct for negative numerators (too-small inputs).
@inline(__always) func floorDiv(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}
