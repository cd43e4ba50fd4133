/// What to ask a camera for. The driver may give something else; `V4L2Source.info` and
/// `V4L2Source.negotiated` report what it actually gave.
public struct V4L2CaptureOptions: Sendable, Hashable {
    /// Requested frame size; nil keeps the camera's current size. Give both or neither.
    public var width: Int?
    public var height: Int?
    /// Requested frame rate; nil keeps the camera's current rate.
    public var fps: Int?
    /// Streaming buffers to ask for (the driver may grant more or fewer).
    var bufferCount: Int
    /// Seconds without a frame before the camera counts as stalled.
    public var timeout: Double

    public init(width: Int? = nil, height: Int? = nil, fps: Int? = nil,
                bufferCount: Int = 4, timeout: Double = 2.0) {
        self.width = width; self.height = height; self.fps = fps
        self.bufferCount = bufferCount; self.timeout = timeout
    }

    func validated() throws -> V4L2CaptureOptions {
        if (width == nil) != (height == nil) {
            throw V4L2Error.badOptions("give both width and height, or neither")
        }
        if let width, let height, width <= 0 || height <= 0 || width > 16384 || height > 16384 {
            throw V4L2Error.badOptions("frame size \(width)x\(height) is out of range")
        }
        if let fps, fps <= 0 || fps > 1000 {
            throw V4L2Error.badOptions("fps \(fps) is out of range 1...1000")
        }
        if !(1...32).contains(bufferCount) {
            throw V4L2Error.badOptions("buffer count \(bufferCount) is out of range 1...32")
        }
        if !(timeout > 0 && timeout <= 600) {
            throw V4L2Error.badOptions("timeout \(timeout) s is out of range (0, 600]")
        }
        return self
    }
}
