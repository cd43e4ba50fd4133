import CFFmpeg
import FacepipeCore

/// Makes the detector's input: an I420 frame (BT.601, limited range) scaled by `ResizeRule`
/// and converted to packed RGB24 in one libswscale pass, written straight into the image's
/// buffer. The scaler is kept while the geometry stays the same, so the steady state
/// allocates nothing.
///
/// Not thread-safe: one resizer per thread.
public final class FrameResizer {
    public let maxShort: Int
    public let maxLong: Int

    private var scaler: OpaquePointer?
    private var geometry = Geometry(sourceWidth: 0, sourceHeight: 0, width: 0, height: 0)
    private let sourcePlanes = UnsafeMutablePointer<UnsafePointer<UInt8>?>.allocate(capacity: 4)
    private let sourceStrides = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
    private let targetPlanes = UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>.allocate(capacity: 4)
    private let targetStrides = UnsafeMutablePointer<Int32>.allocate(capacity: 4)

    private struct Geometry: Equatable {
        var sourceWidth: Int, sourceHeight: Int, width: Int, height: Int
    }

    /// `maxShort`/`maxLong`: the model's input limits (short side, long side) in pixels.
    public init(maxShort: Int = 400, maxLong: Int = 800) {
        precondition(maxShort > 0 && maxLong > 0, "resize limits must be positive")
        self.maxShort = maxShort
        self.maxLong = maxLong
        sourcePlanes.initialize(repeating: nil, count: 4)
        sourceStrides.initialize(repeating: 0, count: 4)
        targetPlanes.initialize(repeating: nil, count: 4)
        targetStrides.initialize(repeating: 0, count: 4)
    }

    deinit {
        sws_freeContext(scaler)
        sourcePlanes.deallocate()
        sourceStrides.deallocate()
        targetPlanes.deallocate()
        targetStrides.deallocate()
    }

    /// Resizes `frame` into `image` (reshaped to the output size) and sets
    /// `image.scaleX/scaleY` so that source coordinates = image coordinates * scale.
    public func resize(_ frame: VideoFrame, into image: RGBImage) throws {
        guard frame.width > 0, frame.height > 0 else { throw ResizeError.emptyFrame }
        let size = ResizeRule.outputSize(width: frame.width, height: frame.height, maxShort: maxShort, maxLong: maxLong)
        let wanted = Geometry(sourceWidth: frame.width, sourceHeight: frame.height, width: size.width, height: size.height)
        if scaler == nil || wanted != geometry { try makeScaler(for: wanted) }
        image.reshape(width: size.width, height: size.height)

        sourcePlanes[0] = UnsafePointer(frame.planes.y)
        sourcePlanes[1] = UnsafePointer(frame.planes.u)
        sourcePlanes[2] = UnsafePointer(frame.planes.v)
        sourceStrides[0] = Int32(frame.strides.y)
        sourceStrides[1] = Int32(frame.strides.u)
        sourceStrides[2] = Int32(frame.strides.v)
        targetPlanes[0] = image.pixels
        targetStrides[0] = Int32(image.stride)
        sws_scale(scaler, sourcePlanes, sourceStrides, 0, Int32(frame.height), targetPlanes, targetStrides)

        image.scaleX = Float(frame.width) / Float(size.width)
        image.scaleY = Float(frame.height) / Float(size.height)
    }

    private func makeScaler(for wanted: Geometry) throws {
        sws_freeContext(scaler)
        scaler = nil
        // Bilinear in swscale widens its footprint with the shrink ratio, so large reductions
        // average whole areas instead of aliasing; it is the cheapest filter that does.
        guard let context = sws_getContext(Int32(wanted.sourceWidth), Int32(wanted.sourceHeight), AV_PIX_FMT_YUV420P,
                                           Int32(wanted.width), Int32(wanted.height), AV_PIX_FMT_RGB24,
                                           SWS_BILINEAR, nil, nil, nil) else {
            throw ResizeError.scalerUnavailable(from: "\(wanted.sourceWidth)x\(wanted.sourceHeight)",
                                                to: "\(wanted.width)x\(wanted.height)")
        }
        // Frames carry BT.601 limited-range YUV (what capture produces); RGB is full range.
        let bt601 = sws_getCoefficients(SWS_CS_ITU601)
        sws_setColorspaceDetails(context, bt601, 0, bt601, 1, 0, 1 << 16, 1 << 16)
        scaler = context
        geometry = wanted
    }
}
