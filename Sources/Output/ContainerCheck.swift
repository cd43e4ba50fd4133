import CFFmpeg

/// Answers, before any file is created, whether the container named by an output's extension
/// can hold the video the chosen encoder makes (a .gif or .webm cannot hold H.264), so the run
/// is refused up front with the reason and the containers that work instead of leaving a stub.
public enum ContainerCheck {
    /// Containers offered in the error message when they suit the encoder, in this order.
    static let candidates = ["mp4", "mkv", "mov", "ts", "m4v", "avi", "nut", "flv"]

    /// Throws `OutputError.unsupportedContainer` (or `.unknownContainer`, `.badSettings` for an
    /// encoder this FFmpeg lacks) when `path` cannot be written with `settings`.
    public static func check(path: String, settings: VideoEncoderSettings) throws {
        try settings.validate()
        let codec = try VideoEncoder.findCodec(settings)
        guard let format = av_guess_format(nil, path, nil) else { throw OutputError.unknownContainer(path: path) }
        if accepts(format, codec: codec) { return }
        let encoder = "\(String(cString: avcodec_get_name(codec.pointee.id))) (\(String(cString: codec.pointee.name)))"
        throw OutputError.unsupportedContainer(
            path: path, container: String(cString: format.pointee.name), encoder: encoder,
            supported: candidates.filter { ext in
                av_guess_format(nil, "x.\(ext)", nil).map { accepts($0, codec: codec) } ?? false
            }.map { "." + $0 })
    }

    /// The muxer's own answer when it has one; otherwise a dry run of its header with a stream of
    /// this codec, written to memory (some muxers, gif among them, only object when writing it).
    static func accepts(_ format: UnsafePointer<AVOutputFormat>, codec: UnsafePointer<AVCodec>) -> Bool {
        // Image sequences and devices write no single file of their own.
        if format.pointee.flags & AVFMT_NOFILE != 0 { return false }
        let answer = avformat_query_codec(format, codec.pointee.id, FF_COMPLIANCE_NORMAL)
        if answer >= 0 { return answer == 1 }
        return headerDryRun(format, codec: codec)
    }

    private static func headerDryRun(_ format: UnsafePointer<AVOutputFormat>, codec: UnsafePointer<AVCodec>) -> Bool {
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        guard avformat_alloc_output_context2(&context, format, nil, nil) >= 0, let context else { return false }
        defer { avformat_free_context(context) }
        guard let stream = avformat_new_stream(context, nil), let parameters = stream.pointee.codecpar else { return false }
        parameters.pointee.codec_type = AVMEDIA_TYPE_VIDEO
        parameters.pointee.codec_id = codec.pointee.id
        parameters.pointee.width = 64
        parameters.pointee.height = 64
        parameters.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        stream.pointee.time_base = AVRational(num: 1, den: 25)
        guard avio_open_dyn_buf(&context.pointee.pb) >= 0 else { return false }
        defer {
            var bytes: UnsafeMutablePointer<UInt8>? = nil
            avio_close_dyn_buf(context.pointee.pb, &bytes)
            av_free(bytes)
            context.pointee.pb = nil
        }
        guard avformat_write_header(context, nil) >= 0 else { return false }
        av_write_trailer(context)  // also runs the muxer's deinit
        return true
    }
}
