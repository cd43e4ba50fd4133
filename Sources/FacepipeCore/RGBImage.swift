/// A packed 8-bit RGB picture (HWC, R G B per pixel), the detector's input after resize.
/// Reusable: the buffer only grows.
public final class RGBImage: @unchecked Sendable {
    public private(set) var width = 0
    public private(set) var height = 0
    /// Bytes per row (>= 3 * width).
    public private(set) var stride = 0
    public private(set) var pixels: UnsafeMutablePointer<UInt8>
    private var capacity = 0

    /// How to map a box in this image back to the source picture: source = this * scale.
    public var scaleX: Float = 1
    public var scaleY: Float = 1

    public init() { pixels = .allocate(capacity: 1) }
    public init(width: Int, height: Int) {
        pixels = .allocate(capacity: 1)
        reshape(width: width, height: height)
    }
    deinit { pixels.deallocate() }

    public func reshape(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "image size must be positive")
        let s = (3 * width + 63) & ~63
        if s * height + 64 > capacity {
            pixels.deallocate()
            capacity = s * height + 64
            pixels = .allocate(capacity: capacity)
        }
        self.width = width; self.height = height; stride = s
    }

    @inlinable public func pixel(_ x: Int, _ y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let p = pixels + y * stride + 3 * x
        return (p[0], p[1], p[2])
    }
}
