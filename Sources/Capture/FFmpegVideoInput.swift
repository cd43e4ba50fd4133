import CFFmpeg
import FFmpegSupport
import FacepipeCore
import Foundation

/// An input opened down to a ready video decoder: the demuxer, the chosen stream, its decoder
/// and what the source reports about it. Opening turns every FFmpeg failure into a `CaptureError`
/// and frees whatever was already made.
struct FFmpegVideoInput {
    let format: UnsafeMutablePointer<AVFormatContext>
    let decoder: UnsafeMutablePointer<AVCodecContext>
    let streamIndex: Int32
    let info: SourceInfo
    /// Nominal frame period in stream ticks, for frames that come without a timestamp.
    let framePeriod: Int64
    /// The turn the stream's display matrix asks for (nil: none, or autorotate off).
    let rotation: FrameRotation?
    /// The stream's first timestamp in its own ticks (0 when unknown): `--start` counts from here.
    let originTicks: Int64

    static func open(_ input: FFmpegInput, options: FFmpegSourceOptions, deadline: IODeadline) throws -> FFmpegVideoInput {
        if let path = input.localPath { try checkReadable(path) }
        defer { deadline.disarm() }
        let format = try openFormat(input, options: options, deadline: deadline)
        do {
            let opened = try openVideo(in: format, input: input, options: options)
            if let start = options.start, start > 0 { try seek(format, to: start, input: input) }
            return opened
        } catch {
            var owned: UnsafeMutablePointer<AVFormatContext>? = format
            avformat_close_input(&owned)
            throw error
        }
    }

    /// Seeks to the keyframe at or before `start` seconds from the input's beginning (ffmpeg's
    /// input -ss); the source then skips the frames before `start`.
    private static func seek(_ format: UnsafeMutablePointer<AVFormatContext>, to start: Double, input: FFmpegInput) throws {
        let origin = format.pointee.start_time == fp_av_nopts_value() ? 0 : format.pointee.start_time
        let target = origin + Int64(start * Double(AV_TIME_BASE))
        let sought = avformat_seek_file(format, -1, Int64.min, target, target, 0)
        guard sought >= 0 else {
            throw CaptureError.openFailed(input: input.displayName, reason: "cannot seek to \(start) s: \(ffmpegErrorText(sought))")
        }
    }

    private static func checkReadable(_ path: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CaptureError.fileNotFound(path: path)
        }
        if isFolder.boolValue { throw CaptureError.unreadable(path: path, reason: "it is a folder") }
        if access(path, R_OK) != 0 {
            throw CaptureError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// avformat_open_input + avformat_find_stream_info, bounded by the open timeout on networks.
    private static func openFormat(_ input: FFmpegInput, options: FFmpegSourceOptions,
                                   deadline: IODeadline) throws -> UnsafeMutablePointer<AVFormatContext> {
        var format: UnsafeMutablePointer<AVFormatContext>? = avformat_alloc_context()
        guard let context = format else {
            throw CaptureError.openFailed(input: input.displayName, reason: "out of memory")
        }
        if input.isNetwork {
            context.pointee.interrupt_callback = deadline.callback
            deadline.arm(seconds: options.openTimeout)
        }
        var dictionary: OpaquePointer? = nil
        for (key, value) in options.formatOptions { av_dict_set(&dictionary, key, value, 0) }
        let opened = avformat_open_input(&format, input.location, nil, &dictionary)
        // FFmpeg hands back the options nobody took: a misspelt setting must not pass silently.
        let unused = av_dict_get(dictionary, "", nil, AV_DICT_IGNORE_SUFFIX).map { String(cString: $0.pointee.key) }
        av_dict_free(&dictionary)
        // avformat_open_input frees the context itself when it fails.
        guard opened >= 0, let context = format else {
            throw openError(opened, input: input, options: options, deadline: deadline)
        }
        if let unused {
            avformat_close_input(&format)
            throw CaptureError.openFailed(input: input.displayName,
                                          reason: "option '\(unused)' is not known to this input's demuxer or protocol")
        }
        let probed = avformat_find_stream_info(context, nil)
        if probed < 0 {
            avformat_close_input(&format)
            throw openError(probed, input: input, options: options, deadline: deadline,
                            step: "cannot read stream information: ")
        }
        return context
    }

    private static func openError(_ code: Int32, input: FFmpegInput, options: FFmpegSourceOptions,
                                  deadline: IODeadline, step: String = "") -> CaptureError {
        if input.isNetwork && deadline.hasPassed {
            return .timedOut(input: input.displayName, seconds: options.openTimeout)
        }
        return .openFailed(input: input.displayName, reason: step + openFailureReason(code))
    }

    private static func openFailureReason(_ code: Int32) -> String {
        if code == fp_averror_invaliddata() {
            return "not a media file FFmpeg recognises, or its header is damaged (\(ffmpegErrorText(code)))"
        }
        return ffmpegErrorText(code)
    }

    private static func openVideo(in format: UnsafeMutablePointer<AVFormatContext>, input: FFmpegInput,
                                  options: FFmpegSourceOptions) throws -> FFmpegVideoInput {
        let name = input.displayName
        let index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        guard index >= 0 else { throw CaptureError.noVideoStream(input: name) }
        let stream = format.pointee.streams[Int(index)]!
        let parameters = stream.pointee.codecpar!
        let codecName = describeCodec(parameters)
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw CaptureError.noDecoder(input: name, codec: codecName)
        }
        let timeBase = stream.pointee.time_base
        let duration = knownDuration(stream: stream, format: format)
        let isLive = options.isLive ?? input.isLive(containerDuration: duration)

        var decoder: UnsafeMutablePointer<AVCodecContext>? = avcodec_alloc_context3(codec)
        guard decoder != nil else { throw CaptureError.decoderFailed(input: name, reason: "out of memory") }
        var status = avcodec_parameters_to_context(decoder, parameters)
        if status >= 0 {
            decoder!.pointee.pkt_timebase = timeBase
            decoder!.pointee.thread_count = Int32(max(0, options.decoderThreads))
            // Frame threads add one frame of delay per thread: fine for files, not for live feeds.
            decoder!.pointee.thread_type = isLive ? FF_THREAD_SLICE : FF_THREAD_FRAME | FF_THREAD_SLICE
            status = avcodec_open2(decoder, codec, nil)
        }
        guard status >= 0 else {
            avcodec_free_context(&decoder)
            throw CaptureError.decoderFailed(input: name, reason: "\(codecName): \(ffmpegErrorText(status))")
        }
        // Only the chosen stream's packets are worth reading.
        for i in 0..<Int(format.pointee.nb_streams) where i != Int(index) {
            format.pointee.streams[i]!.pointee.discard = AVDISCARD_ALL
        }

        let guessed = av_guess_frame_rate(format, stream, nil)
        let frameRate = guessed.num > 0 && guessed.den > 0 ? Rational(guessed.num, guessed.den) : Rational(0, 1)
        // Without a known rate, assume 25 fps for the frames that lack timestamps.
        let period = av_rescale_q(1, frameRate.num > 0 ? AVRational(num: frameRate.den, den: frameRate.num)
                                                        : AVRational(num: 1, den: 25), timeBase)
        var frameCount = stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil
        let codedWidth = Int(parameters.pointee.width), codedHeight = Int(parameters.pointee.height)
        var notes: [String] = []
        let rotation = options.autorotate ? displayRotation(of: stream, notes: &notes, name: name) : nil
        let (width, height) = rotation?.turnedSize(width: codedWidth, height: codedHeight) ?? (codedWidth, codedHeight)
        if let rotation {
            notes.append("rotation: the input's display matrix turns it \(rotation.words) (coded \(codedWidth)x\(codedHeight), "
                         + "shown \(width)x\(height)); frames are turned upright before detection, the output is written "
                         + "upright and event boxes are in the shown picture's pixels")
        }
        var known = isLive ? nil : duration
        if options.start != nil || options.duration != nil {
            if isLive { throw CaptureError.openFailed(input: name, reason: "--start and --duration need a file, not a live stream") }
            let from = options.start ?? 0
            if let total = known, from >= total {
                throw CaptureError.openFailed(input: name, reason: "--start \(from) s is at or past its end (\(total) s)")
            }
            known = known.map { $0 - from }
            if let wanted = options.duration { known = min(known ?? wanted, wanted) }
            frameCount = nil
        }
        var info = SourceInfo(
            width: width, height: height, frameRate: frameRate,
            timeBase: Rational(timeBase.num, timeBase.den), isLive: isLive,
            duration: known, frameCount: isLive ? nil : frameCount,
            summary: summary(codec: codecName, width: width, height: height, frameRate: frameRate,
                             name: input.localPath.map { URL(fileURLWithPath: $0).lastPathComponent } ?? name,
                             isLive: isLive))
        info.notes = notes
        let origin = stream.pointee.start_time == fp_av_nopts_value() ? 0 : stream.pointee.start_time
        if let start = options.start { info.durationStartsAt = Double(origin) * info.timeBase.value + start }
        return FFmpegVideoInput(format: format, decoder: decoder!, streamIndex: index, info: info,
                                framePeriod: max(1, period), rotation: rotation, originTicks: origin)
    }

    /// The clockwise turn the stream's display matrix asks for; a matrix that is not a plain
    /// turn is reported in `notes` and ignored.
    private static func displayRotation(of stream: UnsafeMutablePointer<AVStream>, notes: inout [String],
                                        name: String) -> FrameRotation? {
        var size = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 9 * 4 else { return nil }
        let (rotation, ignored) = UnsafeRawPointer(data).withMemoryRebound(to: Int32.self, capacity: 9) {
            FrameRotation.from(displayMatrix: $0)
        }
        if let ignored { notes.append("\(name): \(ignored)") }
        return rotation
    }

    /// "h264"; for a codec this FFmpeg does not even know, its container tag: "unknown (tag a64m)".
    private static func describeCodec(_ parameters: UnsafeMutablePointer<AVCodecParameters>) -> String {
        guard parameters.pointee.codec_id == AV_CODEC_ID_NONE else {
            return String(cString: avcodec_get_name(parameters.pointee.codec_id))
        }
        var tag = [CChar](repeating: 0, count: Int(AV_FOURCC_MAX_STRING_SIZE))
        return "unknown (tag \(String(cString: av_fourcc_make_string(&tag, parameters.pointee.codec_tag))))"
    }

    /// The stream's duration, else the container's, in seconds; nil when neither is known.
    private static func knownDuration(stream: UnsafeMutablePointer<AVStream>,
                                      format: UnsafeMutablePointer<AVFormatContext>) -> Double? {
        let tb = stream.pointee.time_base
        if stream.pointee.duration != fp_av_nopts_value(), stream.pointee.duration > 0, tb.den > 0 {
            return Double(stream.pointee.duration) * Double(tb.num) / Double(tb.den)
        }
        if format.pointee.duration != fp_av_nopts_value(), format.pointee.duration > 0 {
            return Double(format.pointee.duration) / Double(AV_TIME_BASE)
        }
        return nil
    }

    /// "h264 640x360 29.97 fps from clip.mp4", "+ (live)" for live inputs.
    private static func summary(codec: String, width: Int, height: Int, frameRate: Rational,
                                name: String, isLive: Bool) -> String {
        var fps = "unknown fps"
        if frameRate.num > 0 {
            var text = String(format: "%.2f", frameRate.value)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            fps = text + " fps"
        }
        return "\(codec) \(width)x\(height) \(fps) from \(name)" + (isLive ? " (live)" : "")
    }
}
