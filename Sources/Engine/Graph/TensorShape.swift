/// The shape of one activation, batch 1: channels x height x width, stored NCHW.
public struct TensorShape: Sendable, Hashable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels; self.height = height; self.width = width
    }

    var planeSize: Int { height * width }
    public var count: Int { channels * height * width }
    /// `[1, C, H, W]`, as PyTorch and the safetensors files write it.
    var nchw: [Int] { [1, channels, height, width] }
    public var description: String { "\(channels)x\(height)x\(width)" }
}

/// A read-only look at one tensor of a planned network. The memory stays valid (and at the
/// same address) for the network's life; it is rewritten by every `run()`.
public struct TensorView {
    public let name: String
    public let shape: TensorShape
    public let data: UnsafeBufferPointer<Float>

    public subscript(channel: Int, y: Int, x: Int) -> Float {
        data[(channel * shape.height + y) * shape.width + x]
    }
}
