#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CFFmpeg
import FFmpegSupport
import FacepipeCore

/// Compresses I420 frames with one FFmpeg encoder. One codec context, one picture and one
/// packet are made at start-up and reused, so steady-state encoding allocates nothing here.
final class VideoEncoder {
    private var context: UnsafeMutablePointer<AVCodecContext>?
    private var picture: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?

    /// Picture size handed to the encoder: the source's, rounded up to even (4:2:0 needs it).
    let encodedWidth: Int
    let encodedHeight: Int
    /// The encoder's time base: the source's own wherever the codec allows it, so pts pass unchanged.
    let timeBase: AVRational
    let frameRate: AVRational?
    let usedFallback: Bool
    private(set) var description = ""

    /// Nominal frame duration in `timeBase` (from the frame rate, else learnt from the first two frames).
    private var frameDuration: Int64
    private var lastPts = Int64.min
    private let startsAtZero: Bool
    /// The first frame's pts, subtracted from all when `startsAtZero`.
    private var origin = Int64.min
    /// End (pts + duration) of the latest frame sent, in `timeBase`; audio is copied up to here.
    private(set) var endPts = Int64.min
    /// Frames whose pts did not increase and were nudged forward by one tick (encoders need strictly rising pts).
    private(set) var nudgedTimestamps = 0

    init(source: SourceInfo, settings: VideoEncoderSettings, globalHeader: Bool) throws {
        startsAtZero = settings.startsAtZero
        let codec = try Self.findCodec(settings)
        let name = String(cString: codec.pointee.name)
        usedFallback = name != settings.encoder

        encodedWidth = source.width + (source.width & 1)
        encodedHeight = source.height + (source.height & 1)
        frameRate = source.frameRate.num > 0 && source.frameRate.den > 0
            ? AVRational(num: source.frameRate.num, den: source.frameRate.den) : nil
        let timeBase = Self.encoderTimeBase(source.timeBase, mpeg4: name == VideoEncoderSettings.fallbackEncoder)
        self.timeBase = timeBase
        frameDuration = frameRate.map { max(1, av_rescale_q(1, AVRational(num: $0.den, den: $0.num), timeBase)) } ?? 0

        guard let ctx = avcodec_alloc_context3(codec) else {
            throw OutputError.encoderFailed(encoder: name, reason: "out of memory")
        }
        context = ctx
        ctx.pointee.width = Int32(encodedWidth)
        ctx.pointee.height = Int32(encodedHeight)
        ctx.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        ctx.pointee.time_base = timeBase
        if let frameRate { ctx.pointee.framerate = frameRate }
        ctx.pointee.thread_count = 0
        if let interval = settings.keyframeInterval { ctx.pointee.gop_size = Int32(interval) }
        if globalHeader { ctx.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER) }

        let tune = settings.tune ?? (source.isLive ? "zerolatency" : nil)
        var options: OpaquePointer? = nil
        var wanted: String
        if usedFallback {
            ctx.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
            ctx.pointee.global_quality = Int32(FF_QP2LAMBDA) * Int32(settings.fallbackQuantiser)
            wanted = "quantiser \(settings.fallbackQuantiser)"
        } else {
            av_dict_set(&options, "preset", settings.preset, 0)
            av_dict_set(&options, "crf", String(settings.crf), 0)
            if let tune { av_dict_set(&options, "tune", tune, 0) }
            wanted = "preset \(settings.preset) crf \(settings.crf)" + (tune.map { " tune \($0)" } ?? "")
        }
        let opened = avcodec_open2(ctx, codec, &options)
        let ignored = Self.keys(of: options)
        av_dict_free(&options)
        guard opened >= 0 else {
            throw OutputError.encoderFailed(encoder: name, reason: "cannot open it with \(wanted): \(ffmpegErrorText(opened))")
        }
        if !ignored.isEmpty { wanted += " (options \(ignored.joined(separator: ", ")) not understood by \(name), ignored)" }

        guard let picture = av_frame_alloc(), let packet = av_packet_alloc() else {
            throw OutputError.encoderFailed(encoder: name, reason: "out of memory")
        }
        self.picture = picture
        self.packet = packet
        picture.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        picture.pointee.width = Int32(encodedWidth)
        picture.pointee.height = Int32(encodedHeight)
        let allocated = av_frame_get_buffer(picture, 0)
        guard allocated >= 0 else {
            throw OutputError.encoderFailed(encoder: name, reason: "cannot allocate a picture: \(ffmpegErrorText(allocated))")
        }

        let longName = codec.pointee.long_name.map { String(cString: $0) } ?? name
        var text = "\(name) (\(longName)) \(wanted), \(encodedWidth)x\(encodedHeight) yuv420p"
        if usedFallback {
            text += "; FALLBACK: '\(settings.encoder)' is not in this FFmpeg build, so the video is MPEG-4 Part 2, not H.264"
        }
        if encodedWidth != source.width || encodedHeight != source.height {
            text += "; the odd source size \(source.width)x\(source.height) is padded to \(encodedWidth)x\(encodedHeight)"
                + " (4:2:0 needs even sizes; the extra column/row repeats the edge pixels)"
        }
        if timeBase.num != source.timeBase.num || timeBase.den != source.timeBase.den {
            text += "; timestamps rounded from time base \(source.timeBase) to \(timeBase.num)/\(timeBase.den)"
        }
        description = text
    }

    deinit { release() }

    var codecContext: UnsafeMutablePointer<AVCodecContext>? { context }

    /// Copies `frame` into the reused picture and encodes it; each finished packet goes to `deliver`.
    func encode(_ frame: VideoFrame, deliver: (UnsafeMutablePointer<AVPacket>) throws -> Void) throws {
        guard let picture else { throw OutputError.encoderFailed(encoder: "video", reason: "already closed") }
        // The encoder may still hold a reference to the last picture; this copies only then.
        let writable = av_frame_make_writable(picture)
        guard writable >= 0 else {
            throw OutputError.encoderFailed(encoder: "video", reason: "cannot reuse the picture: \(ffmpegErrorText(writable))")
        }
        copyI420(frame, into: picture, paddedWidth: encodedWidth, paddedHeight: encodedHeight)

        var pts: Int64
        if frame.pts == fp_av_nopts_value() {  // a source without timestamps: continue at the nominal rate
            pts = lastPts == Int64.min ? 0 : lastPts + max(frameDuration, 1)
        } else {
            pts = av_rescale_q(frame.pts, AVRational(num: frame.timeBase.num, den: frame.timeBase.den), timeBase)
            if startsAtZero {
                if origin == Int64.min { origin = pts }
                pts -= origin
            }
        }
        if lastPts != Int64.min {
            if pts <= lastPts { pts = lastPts + 1; nudgedTimestamps += 1 }
            if frameDuration == 0 { frameDuration = pts - lastPts }
        }
        lastPts = pts
        endPts = pts + max(frameDuration, 1)
        picture.pointee.pts = pts
        try send(picture, deliver: deliver)
    }

    /// Drains the frames the encoder still holds (B-frames, lookahead). Safe to call twice.
    func flush(deliver: (UnsafeMutablePointer<AVPacket>) throws -> Void) throws {
        guard context != nil else { return }
        try send(nil, deliver: deliver)
    }

    func release() {
        avcodec_free_context(&context)
        av_frame_free(&picture)
        av_packet_free(&packet)
    }

    private func send(_ frame: UnsafeMutablePointer<AVFrame>?,
                      deliver: (UnsafeMutablePointer<AVPacket>) throws -> Void) throws {
        guard let context, let packet else { return }
        let sent = avcodec_send_frame(context, frame)
        if sent < 0 && sent != fp_averror_eof() {
            throw OutputError.encoderFailed(encoder: codecName, reason: ffmpegErrorText(sent))
        }
        while true {
            let received = avcodec_receive_packet(context, packet)
            if received == fp_averror(EAGAIN) || received == fp_averror_eof() { return }
            guard received >= 0 else {
                throw OutputError.encoderFailed(encoder: codecName, reason: ffmpegErrorText(received))
            }
            defer { av_packet_unref(packet) }
            // libavcodec 59 leaves video packet durations unset; without one the muxer drops the last frame.
            if packet.pointee.duration <= 0 { packet.pointee.duration = max(frameDuration, 1) }
            try deliver(packet)
        }
    }

    private var codecName: String {
        context.flatMap { $0.pointee.codec }.map { String(cString: $0.pointee.name) } ?? "video"
    }

    /// The encoder `settings` ask for; when it is not in this FFmpeg build, the mpeg4 fallback if
    /// the settings allow one, else an error listing the encoders for the same format that exist.
    static func findCodec(_ settings: VideoEncoderSettings) throws -> UnsafePointer<AVCodec> {
        var codec = avcodec_find_encoder_by_name(settings.encoder)
        if codec == nil {
            guard settings.allowsFallback else {
                throw OutputError.badSettings("encoder '\(settings.encoder)' is not in this FFmpeg build; "
                                              + "video encoders here that take yuv420p: \(availableEncoders().joined(separator: ", "))")
            }
            codec = avcodec_find_encoder_by_name(VideoEncoderSettings.fallbackEncoder)
        }
        guard let codec else {
            throw OutputError.encoderFailed(encoder: settings.encoder,
                                            reason: "neither it nor the mpeg4 fallback is in this FFmpeg build")
        }
        let name = String(cString: codec.pointee.name)
        guard codec.pointee.type == AVMEDIA_TYPE_VIDEO else {
            throw OutputError.badSettings("'\(name)' is not a video encoder")
        }
        guard Self.supportsYUV420(codec) else {
            throw OutputError.badSettings("encoder '\(name)' does not take yuv420p pictures")
        }
        return codec
    }

    /// Names of this build's video encoders that take yuv420p pictures (for error messages).
    static func availableEncoders() -> [String] {
        var names: [String] = []
        var state: UnsafeMutableRawPointer? = nil
        while let codec = av_codec_iterate(&state) {
            guard av_codec_is_encoder(codec) != 0, codec.pointee.type == AVMEDIA_TYPE_VIDEO,
                  supportsYUV420(codec) else { continue }
            names.append(String(cString: codec.pointee.name))
        }
        return names
    }

    private static func supportsYUV420(_ codec: UnsafePointer<AVCodec>) -> Bool {
        guard var format = codec.pointee.pix_fmts else { return true }
        while format.pointee != AV_PIX_FMT_NONE {
            if format.pointee == AV_PIX_FMT_YUV420P { return true }
            format += 1
        }
        return false
    }

    /// The source's time base, except where MPEG-4 Part 2 cannot code it (denominator over 16 bits):
    /// then 1/60000, which is exact for 24, 25, 30, 50, 60 and the NTSC x/1.001 rates.
    private static func encoderTimeBase(_ source: Rational, mpeg4: Bool) -> AVRational {
        guard source.num > 0, source.den > 0 else { return AVRational(num: 1, den: 1_000_000) }
        var num: Int32 = 0, den: Int32 = 0
        av_reduce(&num, &den, Int64(source.num), Int64(source.den), Int64(Int32.max))
        if mpeg4 && den > 65_535 { return AVRational(num: 1, den: 60_000) }
        return AVRational(num: num, den: den)
    }

    private static func keys(of dictionary: OpaquePointer?) -> [String] {
        var keys: [String] = []
        var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
        while let next = av_dict_get(dictionary, "", entry, AV_DICT_IGNORE_SUFFIX) {
            keys.append(String(cString: next.pointee.key))
            entry = next
        }
        return keys
    }
}
