import CFFmpeg
import FacepipeCore

/// Decodes a camera's MJPEG frames with libavcodec and converts them with swscale into the
/// pooled I420 frame (limited range, as every later stage expects). The packet buffer, the
/// decoded picture and the plane pointer arrays are allocated once and reused.
final class V4L2MJPEGDecoder {
    private let context: UnsafeMutablePointer<AVCodecContext>
    private let packet: UnsafeMutablePointer<AVPacket>
    private let decoded: UnsafeMutablePointer<AVFrame>
    /// Refcounted so libavcodec takes a reference instead of copying each JPEG.
    private var input: UnsafeMutablePointer<AVBufferRef>?
    private var scaler: OpaquePointer?
    private var scalerKey: (width: Int32, height: Int32, format: Int32, fullRange: Bool) = (0, 0, -1, false)
    private let destination = UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>.allocate(capacity: 4)
    private let destinationStrides = UnsafeMutablePointer<Int32>.allocate(capacity: 4)

    /// Why a frame could not be decoded (logged by count; live cameras send a bad frame now and then).
    struct Failure: Error { var reason: String }

    init(path: String) throws {
        guard let codec = avcodec_find_decoder(AV_CODEC_ID_MJPEG),
              let context = avcodec_alloc_context3(codec) else {
            throw V4L2Error.failed(path: path, operation: "setting up the MJPEG decoder (libavcodec has none)", errno: ENOSYS)
        }
        // One thread: frame threading would add a frame of latency to a live stream.
        context.pointee.thread_count = 1
        var contextRef: UnsafeMutablePointer<AVCodecContext>? = context
        guard avcodec_open2(context, codec, nil) >= 0, let packet = av_packet_alloc(),
              let decoded = av_frame_alloc() else {
            avcodec_free_context(&contextRef)
            throw V4L2Error.failed(path: path, operation: "opening the MJPEG decoder", errno: ENOMEM)
        }
        self.context = context
        self.packet = packet
        self.decoded = decoded
        destination.initialize(repeating: nil, count: 4)
        destinationStrides.initialize(repeating: 0, count: 4)
    }

    deinit {
        var contextRef: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&contextRef)
        packet.pointee.buf = nil // ours, released below
        var packetRef: UnsafeMutablePointer<AVPacket>? = packet
        av_packet_free(&packetRef)
        var frameRef: UnsafeMutablePointer<AVFrame>? = decoded
        av_frame_free(&frameRef)
        av_buffer_unref(&input)
        sws_freeContext(scaler)
        destination.deallocate()
        destinationStrides.deallocate()
    }

    func decode(_ bytes: UnsafeRawPointer, count: Int, into frame: VideoFrame) throws(Failure) {
        try fillPacket(bytes, count: count)
        var code = avcodec_send_packet(context, packet)
        if code < 0 { throw Failure(reason: "send_packet \(code)") }
        code = avcodec_receive_frame(context, decoded)
        if code < 0 { throw Failure(reason: "receive_frame \(code)") }
        defer { av_frame_unref(decoded) }
        let width = decoded.pointee.width, height = decoded.pointee.height
        guard width > 0, height > 0 else { throw Failure(reason: "empty picture") }
        frame.reshape(width: Int(width), height: Int(height))
        try scale(into: frame)
    }

    /// Copies the JPEG into the padded input buffer (libavcodec reads a little past the end).
    private func fillPacket(_ bytes: UnsafeRawPointer, count: Int) throws(Failure) {
        let padding = Int(AV_INPUT_BUFFER_PADDING_SIZE)
        let needed = count + padding
        if input == nil || Int(input!.pointee.size) < needed {
            av_buffer_unref(&input)
            input = av_buffer_alloc(needed + needed / 2)
            guard input != nil else { throw Failure(reason: "out of memory") }
        }
        let data = input!.pointee.data!
        data.update(from: bytes.assumingMemoryBound(to: UInt8.self), count: count)
        (data + count).update(repeating: 0, count: padding)
        packet.pointee.buf = input
        packet.pointee.data = data
        packet.pointee.size = Int32(count)
        packet.pointee.flags = AV_PKT_FLAG_KEY
    }

    private func scale(into frame: VideoFrame) throws(Failure) {
        let width = decoded.pointee.width, height = decoded.pointee.height
        let (format, fullRange) = Self.plainFormat(decoded.pointee.format, range: decoded.pointee.color_range)
        if scaler == nil || scalerKey != (width, height, format.rawValue, fullRange) {
            scaler = sws_getCachedContext(scaler, width, height, format, width, height, AV_PIX_FMT_YUV420P,
                                          SWS_BILINEAR, nil, nil, nil)
            guard let scaler else { throw Failure(reason: "swscale cannot convert pixel format \(format.rawValue)") }
            // JPEG is full range; the pipeline's I420 is limited (video) range.
            let coefficients = sws_getCoefficients(SWS_CS_ITU601)
            sws_setColorspaceDetails(scaler, coefficients, fullRange ? 1 : 0, coefficients, 0, 0, 1 << 16, 1 << 16)
            scalerKey = (width, height, format.rawValue, fullRange)
        }
        destination[0] = frame.planes.y; destination[1] = frame.planes.u; destination[2] = frame.planes.v
        destinationStrides[0] = Int32(frame.strides.y)
        destinationStrides[1] = Int32(frame.strides.u)
        destinationStrides[2] = Int32(frame.strides.v)
        let raw = UnsafeMutableRawPointer(decoded)
        let planes = (raw + MemoryLayout<AVFrame>.offset(of: \AVFrame.data)!)
            .assumingMemoryBound(to: UnsafePointer<UInt8>?.self)
        let strides = (raw + MemoryLayout<AVFrame>.offset(of: \AVFrame.linesize)!)
            .assumingMemoryBound(to: Int32.self)
        let rows = sws_scale(scaler, planes, strides, 0, height, destination, destinationStrides)
        if rows != height { throw Failure(reason: "swscale wrote \(rows) of \(height) rows") }
    }

    /// The deprecated "J" formats mean "full range"; swscale wants the plain format plus a range flag.
    private static func plainFormat(_ raw: Int32, range: AVColorRange) -> (AVPixelFormat, Bool) {
        let format = AVPixelFormat(rawValue: raw)
        switch format {
        case AV_PIX_FMT_YUVJ420P: return (AV_PIX_FMT_YUV420P, true)
        case AV_PIX_FMT_YUVJ422P: return (AV_PIX_FMT_YUV422P, true)
        case AV_PIX_FMT_YUVJ444P: return (AV_PIX_FMT_YUV444P, true)
        case AV_PIX_FMT_YUVJ440P: return (AV_PIX_FMT_YUV440P, true)
        case AV_PIX_FMT_YUVJ411P: return (AV_PIX_FMT_YUV411P, true)
        default: return (format, range == AVCOL_RANGE_JPEG)
        }
    }
}
