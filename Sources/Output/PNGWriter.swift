import CFFmpeg
import FFmpegSupport
import FacepipeCore
import Foundation

/// Writes one I420 frame as a PNG picture (libswscale to RGB24, libavcodec's PNG encoder),
/// for `facepipe detect --draw`. Not a hot path: it allocates per call.
public enum PNGWriter {
    public static func write(_ frame: VideoFrame, to path: String) throws {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_PNG) else {
            throw OutputError.encoderFailed(encoder: "png", reason: "this FFmpeg has no PNG encoder")
        }
        var ctx = avcodec_alloc_context3(codec)
        defer { avcodec_free_context(&ctx) }
        guard let context = ctx else { throw OutputError.encoderFailed(encoder: "png", reason: "out of memory") }
        context.pointee.width = Int32(frame.width)
        context.pointee.height = Int32(frame.height)
        context.pointee.pix_fmt = AV_PIX_FMT_RGB24
        context.pointee.time_base = AVRational(num: 1, den: 1)
        var status = avcodec_open2(context, codec, nil)
        guard status >= 0 else { throw OutputError.encoderFailed(encoder: "png", reason: ffmpegErrorText(status)) }

        var rgb = av_frame_alloc()
        defer { av_frame_free(&rgb) }
        guard let picture = rgb else { throw OutputError.encoderFailed(encoder: "png", reason: "out of memory") }
        picture.pointee.width = Int32(frame.width)
        picture.pointee.height = Int32(frame.height)
        picture.pointee.format = AV_PIX_FMT_RGB24.rawValue
        status = av_frame_get_buffer(picture, 0)
        guard status >= 0 else { throw OutputError.encoderFailed(encoder: "png", reason: ffmpegErrorText(status)) }

        guard let sws = sws_getContext(Int32(frame.width), Int32(frame.height), AV_PIX_FMT_YUV420P,
                                       Int32(frame.width), Int32(frame.height), AV_PIX_FMT_RGB24,
                                       SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nil, nil, nil) else {
            throw OutputError.encoderFailed(encoder: "png", reason: "cannot convert \(frame.width)x\(frame.height) I420 to RGB")
        }
        defer { sws_freeContext(sws) }
        var srcData: [UnsafePointer<UInt8>?] = [UnsafePointer(frame.planes.y), UnsafePointer(frame.planes.u), UnsafePointer(frame.planes.v), nil]
        var srcStride: [Int32] = [Int32(frame.strides.y), Int32(frame.strides.u), Int32(frame.strides.v), 0]
        let dst = fp_frame_planes(picture)
        let dstStride = fp_frame_linesize(picture)
        _ = sws_scale(sws, &srcData, &srcStride, 0, Int32(frame.height), dst, dstStride)

        var pkt = av_packet_alloc()
        defer { av_packet_free(&pkt) }
        status = avcodec_send_frame(context, picture)
        if status >= 0 { status = avcodec_send_frame(context, nil) }
        guard status >= 0, avcodec_receive_packet(context, pkt) >= 0, let packet = pkt else {
            throw OutputError.encoderFailed(encoder: "png", reason: ffmpegErrorText(status))
        }
        let data = Data(bytes: packet.pointee.data, count: Int(packet.pointee.size))
        do {
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw OutputError.writeFailed(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}
