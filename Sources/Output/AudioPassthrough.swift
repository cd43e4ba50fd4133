import CFFmpeg
import FFmpegSupport

/// Copies the source file's audio into the output without re-encoding: a second demuxer reads the
/// source's audio packets and hands them to the muxer, time-aligned with the video being written.
final class AudioPassthrough {
    private var input: UnsafeMutablePointer<AVFormatContext>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private let inputIndex: Int32
    private let inputTimeBase: AVRational
    private let output: UnsafeMutablePointer<AVStream>
    /// True while `packet` holds an audio packet read ahead that is not yet due.
    private var holding = false
    private var ended = false
    /// What is copied ("aac 44100 Hz, 2 channels"), for the writer's description.
    let summary: String
    private(set) var packetsCopied = 0
    /// Why copying stopped early (a damaged source), if it did.
    private(set) var problem: String?

    /// Opens `sourcePath` and adds a stream for its main audio to `muxer`; returns nil and the reason
    /// when there is nothing that can be copied (no audio, or a codec the container cannot hold).
    static func make(sourcePath: String, muxer: Muxer) throws -> (AudioPassthrough?, String) {
        var input: UnsafeMutablePointer<AVFormatContext>? = nil
        let opened = avformat_open_input(&input, sourcePath, nil, nil)
        guard opened >= 0, let context = input else {
            return (nil, "audio not copied: cannot open '\(sourcePath)': \(ffmpegErrorText(opened))")
        }
        let probed = avformat_find_stream_info(context, nil)
        let index = probed < 0 ? probed : av_find_best_stream(context, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        guard index >= 0, let stream = context.pointee.streams[Int(index)] else {
            avformat_close_input(&input)
            return (nil, "audio not copied: '\(sourcePath)' has no audio stream")
        }
        let parameters = stream.pointee.codecpar!
        let codecName = String(cString: avcodec_get_name(parameters.pointee.codec_id))
        if avformat_query_codec(muxer.format, parameters.pointee.codec_id, FF_COMPLIANCE_NORMAL) == 0 {
            avformat_close_input(&input)
            return (nil, "audio not copied: \(codecName) audio cannot be stored in \(muxer.formatName)")
        }
        // Only the audio stream is wanted from this second reader.
        for i in 0..<Int(context.pointee.nb_streams) where i != Int(index) {
            context.pointee.streams[i]!.pointee.discard = AVDISCARD_ALL
        }
        let outputStream = try muxer.addStream()
        let copied = avcodec_parameters_copy(outputStream.pointee.codecpar, parameters)
        guard copied >= 0, let packet = av_packet_alloc() else {
            avformat_close_input(&input)
            return (nil, "audio not copied: \(ffmpegErrorText(copied))")
        }
        // The source container's tag may mean nothing in the output container.
        outputStream.pointee.codecpar.pointee.codec_tag = 0
        outputStream.pointee.time_base = stream.pointee.time_base
        let channels = parameters.pointee.ch_layout.nb_channels
        let summary = "\(codecName) \(parameters.pointee.sample_rate) Hz, \(channels) channel\(channels == 1 ? "" : "s")"
        let copier = AudioPassthrough(input: context, packet: packet, inputIndex: index,
                                      inputTimeBase: stream.pointee.time_base, output: outputStream, summary: summary)
        return (copier, "audio: \(summary) copied from the source")
    }

    private init(input: UnsafeMutablePointer<AVFormatContext>, packet: UnsafeMutablePointer<AVPacket>,
                 inputIndex: Int32, inputTimeBase: AVRational, output: UnsafeMutablePointer<AVStream>, summary: String) {
        self.input = input; self.packet = packet; self.inputIndex = inputIndex
        self.inputTimeBase = inputTimeBase; self.output = output; self.summary = summary
    }

    deinit { release() }

    func release() {
        avformat_close_input(&input)
        av_packet_free(&packet)
    }

    /// Writes every source audio packet that starts before `limit` (in `timeBase`) and was not written yet.
    func copy(before limit: Int64, in timeBase: AVRational, to muxer: Muxer) throws {
        guard let input, let packet else { return }
        while !ended {
            if !holding {
                let read = av_read_frame(input, packet)
                if read < 0 {
                    ended = true
                    if read != fp_averror_eof() { problem = "audio copying stopped early: \(ffmpegErrorText(read))" }
                    return
                }
                if packet.pointee.stream_index != inputIndex { av_packet_unref(packet); continue }
                holding = true
            }
            var start = packet.pointee.dts
            if start == fp_av_nopts_value() { start = packet.pointee.pts }
            if start == fp_av_nopts_value() {  // cannot be placed in time: skip it
                av_packet_unref(packet); holding = false; continue
            }
            if av_compare_ts(start, inputTimeBase, limit, timeBase) >= 0 { return }
            holding = false
            av_packet_rescale_ts(packet, inputTimeBase, output.pointee.time_base)
            packet.pointee.stream_index = output.pointee.index
            packet.pointee.pos = -1
            defer { av_packet_unref(packet) }
            try muxer.write(packet)
            packetsCopied += 1
        }
    }
}
