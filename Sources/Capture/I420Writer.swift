import CFFmpeg
import FFmpegSupport
import FacepipeCore

/// Puts decoded pictures of any pixel format into pooled I420 frames: a row copy when the
/// decoder already gives limited-range yuv420p, libswscale otherwise (yuvj420p, gray, nv12,
/// 10-bit, 4:2:2, RGB...). The scaler is made once and remade only when the input's size,
/// format or range changes mid-stream, so the steady state allocates nothing.
final class I420Writer {
    private var scaler: OpaquePointer?
    private var scalerKey = ScalerKey(width: 0, height: 0, format: -1, fullRange: false)
    private let destination = UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>.allocate(capacity: 4)
    private let destinationStrides = UnsafeMutablePointer<Int32>.allocate(capacity: 4)

    private struct ScalerKey: Equatable {
        var width: Int32, height: Int32, format: Int32, fullRange: Bool
    }

    init() {
        destination.initialize(repeating: nil, count: 4)
        destinationStrides.initialize(repeating: 0, count: 4)
    }

    deinit {
        sws_freeContext(scaler)
        destination.deallocate()
        destinationStrides.deallocate()
    }

    /// Fills `frame` with `picture`'s pixels, reshaping the frame to the picture's size.
    func write(_ picture: UnsafePointer<AVFrame>, into frame: VideoFrame, input: String) throws {
        let width = Int(picture.pointee.width), height = Int(picture.pointee.height)
        guard width > 0, height > 0 else {
            throw CaptureError.conversionFailed(input: input, reason: "decoder gave an empty \(width)x\(height) picture")
        }
        frame.reshape(width: width, height: height)
        let format = picture.pointee.format
        let fullRange = picture.pointee.color_range == AVCOL_RANGE_JPEG
        if format == AV_PIX_FMT_YUV420P.rawValue && !fullRange {
            copyPlanes(picture, into: frame)
        } else {
            try convert(picture, into: frame, key: ScalerKey(width: Int32(width), height: Int32(height),
                                                            format: format, fullRange: fullRange), input: input)
        }
    }

    private func copyPlanes(_ picture: UnsafePointer<AVFrame>, into frame: VideoFrame) {
        let data = fp_frame_data(picture)!, linesize = fp_frame_linesize(picture)!
        copyRows(from: data[0]!, stride: Int(linesize[0]), to: frame.planes.y, stride: frame.strides.y,
                 rows: frame.height, bytes: frame.width)
        copyRows(from: data[1]!, stride: Int(linesize[1]), to: frame.planes.u, stride: frame.strides.u,
                 rows: frame.chromaHeight, bytes: frame.chromaWidth)
        copyRows(from: data[2]!, stride: Int(linesize[2]), to: frame.planes.v, stride: frame.strides.v,
                 rows: frame.chromaHeight, bytes: frame.chromaWidth)
    }

    private func copyRows(from source: UnsafePointer<UInt8>, stride sourceStride: Int,
                          to target: UnsafeMutablePointer<UInt8>, stride targetStride: Int, rows: Int, bytes: Int) {
        for row in 0..<rows {
            (target + row * targetStride).update(from: source + row * sourceStride, count: bytes)
        }
    }

    private func convert(_ picture: UnsafePointer<AVFrame>, into frame: VideoFrame, key: ScalerKey, input: String) throws {
        if scaler == nil || key != scalerKey {
            try makeScaler(for: key, input: input)
        }
        destination[0] = frame.planes.y; destination[1] = frame.planes.u; destination[2] = frame.planes.v
        destinationStrides[0] = Int32(frame.strides.y)
        destinationStrides[1] = Int32(frame.strides.u)
        destinationStrides[2] = Int32(frame.strides.v)
        let rows = sws_scale(scaler, fp_frame_data(picture), fp_frame_linesize(picture), 0, key.height,
                             destination, destinationStrides)
        guard rows > 0 else {
            throw CaptureError.conversionFailed(input: input, reason: "swscale failed: \(ffmpegErrorText(rows))")
        }
    }

    private func makeScaler(for key: ScalerKey, input: String) throws {
        sws_freeContext(scaler)
        scaler = nil
        let source = AVPixelFormat(rawValue: key.format)
        // Same size in and out: only the pixel layout changes. Bicubic matches what the ffmpeg
        // CLI does for the same conversion, so decoded frames equal `ffmpeg -pix_fmt yuv420p`.
        guard let context = sws_getContext(key.width, key.height, source, key.width, key.height,
                                           AV_PIX_FMT_YUV420P, SWS_BICUBIC, nil, nil, nil) else {
            let name = av_get_pix_fmt_name(source).map { String(cString: $0) } ?? "format \(key.format)"
            throw CaptureError.conversionFailed(input: input, reason: "swscale cannot convert \(name) \(key.width)x\(key.height)")
        }
        if key.fullRange && !isJPEGFormat(source) {
            // A plain YUV format flagged full range (the yuvj formats already say so themselves):
            // tell swscale so it squeezes the levels into the limited range I420 frames carry.
            let coefficients = sws_getCoefficients(SWS_CS_DEFAULT)
            sws_setColorspaceDetails(context, coefficients, 1, coefficients, 0, 0, 1 << 16, 1 << 16)
        }
        scaler = context
        scalerKey = key
    }

    private func isJPEGFormat(_ format: AVPixelFormat) -> Bool {
        format == AV_PIX_FMT_YUVJ420P || format == AV_PIX_FMT_YUVJ422P || format == AV_PIX_FMT_YUVJ444P
            || format == AV_PIX_FMT_YUVJ440P || format == AV_PIX_FMT_YUVJ411P
    }
}
