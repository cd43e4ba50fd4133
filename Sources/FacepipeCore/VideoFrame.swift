/// A decoded picture in planar I420 (YUV 4:2:0, 8-bit), the one layout every stage after
/// capture works in: the encoder takes it, the overlay draws on it, resize reads it.
///
/// Frames are pooled: buffers are allocated once and only grow when a larger picture
/// arrives, so the steady state allocates nothing per frame.
public final class VideoFrame: @unchecked Sendable {
    public private(set) var width = 0
    public private(set) var height = 0
    /// Plane pointers; `strides` are bytes per row (Y, U, V). Chroma planes are ceil(w/2) x ceil(h/2).
    public private(set) var planes: (y: UnsafeMutablePointer<UInt8>, u: UnsafeMutablePointer<UInt8>, v: UnsafeMutablePointer<UInt8>)
    public private(set) var strides: (y: Int, u: Int, v: Int) = (0, 0, 0)
    private var capacity = 0

    /// Presentation time in the source's time base (exact, for muxing) and in seconds.
    public var pts: Int64 = 0
    public var timeBase = Rational(1, 1_000_000)
    public var seconds: Double { Double(pts) * timeBase.value }
    /// Sequence number assigned by the source (0, 1, 2, ...), never reused within a run.
    public var index = 0
    /// Monotonic clock (ns) when the frame left the capture stage, for end-to-end latency.
    public var capturedAt: UInt64 = 0

    /// Detector output in source pixels (empty when detection was skipped for this frame).
    public var detections: [Detection] = []
    /// True when the detector ran on this frame (false: skipped by --detect-every or a live drop).
    public var detected = false
    /// How different the picture is from the previous frame's, 0...1 (`SceneChangeMeter`); the
    /// tracker takes a change at or above its `scene_cut` for a camera cut.
    public var sceneChange: Float = 0
    /// True once a `scene` stage measured `sceneChange` (without one, the track stage measures it).
    public var sceneMeasured = false
    /// The scene stage found a camera cut here: a stage admitting `cuts` works on this frame
    /// wherever it falls in its interval (the detector sees a new shot's faces at once).
    public var cameraCut = false
    /// Tracker output in source pixels.
    public var faces: [TrackedFace] = []
    /// Regions to hide when redacting, in source pixels (before the mask's margin): every face
    /// the tracker keeps, tentative and predicted ones included, and weak detections. Empty
    /// unless the run redacts.
    public var redactions: [Box] = []
    /// Face events this frame gave rise to (the track stage's), in order; the pipeline's sink
    /// side writes them after the frame, like any output.
    public var events: [FaceEvent] = []

    public init() {
        let empty = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        planes = (empty, empty, empty)
        detections.reserveCapacity(256)
        faces.reserveCapacity(256)
        redactions.reserveCapacity(256)
        events.reserveCapacity(256)
    }

    deinit { planes.y.deallocate() }

    public var chromaWidth: Int { (width + 1) / 2 }
    public var chromaHeight: Int { (height + 1) / 2 }

    /// Sets the picture size, growing the buffer only when needed. Contents are undefined after a resize.
    public func reshape(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "frame size must be positive")
        let cw = (width + 1) / 2, ch = (height + 1) / 2
        // Rows padded to 64 bytes so SIMD code and swscale can read whole vectors.
        let ys = (width + 63) & ~63, cs = (cw + 63) & ~63
        let needed = ys * height + 2 * cs * ch + 64
        if needed > capacity {
            planes.y.deallocate()
            let base = UnsafeMutablePointer<UInt8>.allocate(capacity: needed)
            capacity = needed
            planes = (base, base, base)
        }
        let base = planes.y
        planes = (base, base + ys * height, base + ys * height + cs * ch)
        strides = (ys, cs, cs)
        self.width = width
        self.height = height
    }

    /// Clears per-frame metadata so a pooled frame can be refilled.
    public func resetMetadata() {
        detections.removeAll(keepingCapacity: true)
        faces.removeAll(keepingCapacity: true)
        redactions.removeAll(keepingCapacity: true)
        events.removeAll(keepingCapacity: true)
        detected = false
        sceneChange = 0
        sceneMeasured = false
        cameraCut = false
    }

    /// Copies pixels and metadata from another frame (used when a stage must keep a frame it does not own).
    public func copy(from other: VideoFrame) {
        reshape(width: other.width, height: other.height)
        for (dst, dstStride, src, srcStride, rows, cols) in [
            (planes.y, strides.y, other.planes.y, other.strides.y, height, width),
            (planes.u, strides.u, other.planes.u, other.strides.u, chromaHeight, chromaWidth),
            (planes.v, strides.v, other.planes.v, other.strides.v, chromaHeight, chromaWidth),
        ] {
            for r in 0..<rows { (dst + r * dstStride).update(from: src + r * srcStride, count: cols) }
        }
        pts = other.pts; timeBase = other.timeBase; index = other.index; capturedAt = other.capturedAt
        detections.removeAll(keepingCapacity: true); detections.append(contentsOf: other.detections)
        faces.removeAll(keepingCapacity: true); faces.append(contentsOf: other.faces)
        redactions.removeAll(keepingCapacity: true); redactions.append(contentsOf: other.redactions)
        events.removeAll(keepingCapacity: true); events.append(contentsOf: other.events)
        detected = other.detected
        sceneChange = other.sceneChange
        sceneMeasured = other.sceneMeasured
        cameraCut = other.cameraCut
    }
}

/// A rational number, as FFmpeg's AVRational (time bases, frame rates).
public struct Rational: Sendable, Hashable, CustomStringConvertible {
    public var num: Int32
    public var den: Int32
    public init(_ num: Int32, _ den: Int32) { self.num = num; self.den = den }
    public var value: Double { den == 0 ? 0 : Double(num) / Double(den) }
    public var description: String { "\(num)/\(den)" }
}
