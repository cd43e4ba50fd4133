import CFFmpeg
import FFmpegSupport
import FacepipeCore
#if canImport(Glibc)
import Glibc
#endif

/// Frames from a video file or network stream, decoded with libavformat/libavcodec into
/// pooled I420 frames. Files: MP4, MKV, MOV, AVI, MPEG-TS... with H.264, HEVC, MPEG-4, MJPEG,
/// FFV1 and whatever else this FFmpeg decodes; URLs: rtsp://, http(s)://, tcp:// (also
/// `?listen=1`), udp://, rtmp://, srt://...
///
/// Damaged data does not stop a file: packets the decoder rejects are counted in
/// `skippedPackets` and decoding goes on; a truncated file ends at its last decodable frame.
/// A network stream that goes silent for `readTimeout` seconds throws `CaptureError.timedOut`
/// after the frames the decoder still held have been delivered.
///
/// Not thread-safe: used by one thread at a time (the pipeline's capture thread).
public final class FFmpegSource: FrameSource, @unchecked Sendable {
    public let info: SourceInfo
    public private(set) var skippedPackets = 0

    private let input: FFmpegInput
    private let inputName: String
    private let options: FFmpegSourceOptions
    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var decoder: UnsafeMutablePointer<AVCodecContext>?
    private let streamIndex: Int32
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var picture: UnsafeMutablePointer<AVFrame>?
    private let writer = I420Writer()
    private let deadline = IODeadline()
    private var clock: FrameClock
    private var pacer = RealTimePacer()
    private let rotation: FrameRotation?
    /// The decoded picture before it is turned (only when the stream asks for a rotation).
    private let coded = VideoFrame()
    private let originTicks: Int64
    private var nextIndex = 0
    /// A packet the decoder could not take yet (its queue was full); sent before reading more.
    private var packetPending = false
    private var draining = false
    private var finished = false
    private var damagedReadsInARow = 0
    private var failedPicturesInARow = 0
    /// Why reading stopped early; thrown once the decoder has given back the frames it held.
    private var failure: CaptureError?

    /// Failures in a row (damaged container data, rejected pictures) after which a file is
    /// treated as ended.
    private static let damagedReadLimit = 100

    /// Opens `location` (a path or a URL) and its best video stream.
    public init(_ location: String, options: FFmpegSourceOptions = FFmpegSourceOptions()) throws {
        input = FFmpegInput(location)
        inputName = input.displayName
        self.options = options
        let opened = try FFmpegVideoInput.open(input, options: options, deadline: deadline)
        format = opened.format
        decoder = opened.decoder
        streamIndex = opened.streamIndex
        info = opened.info
        clock = FrameClock(period: opened.framePeriod)
        rotation = opened.rotation
        originTicks = opened.originTicks
        packet = av_packet_alloc()
        picture = av_frame_alloc()
        if packet == nil || picture == nil {
            close()
            throw CaptureError.decoderFailed(input: inputName, reason: "out of memory")
        }
    }

    deinit { close() }

    public func read(into frame: VideoFrame) throws -> Bool {
        guard let decoder, let picture else { return false }
        while !finished {
            let received = avcodec_receive_frame(decoder, picture)
            if received >= 0 {
                failedPicturesInARow = 0
                switch window(picture) {
                case .before:
                    av_frame_unref(picture)
                    continue
                case .after:
                    av_frame_unref(picture)
                    finished = true
                    continue
                case .inside:
                    try deliver(picture, into: frame)
                    return true
                }
            }
            if received == fp_averror_eof() {
                finished = true
            } else if received == fp_averror(EAGAIN) {
                if draining { finished = true } else { feed(decoder) }
            } else {
                // This picture could not be decoded; later ones may be fine.
                skippedPackets += 1
                failedPicturesInARow += 1
                if failedPicturesInARow >= Self.damagedReadLimit {
                    failure = .readFailed(input: inputName, reason: "the decoder rejects everything: \(ffmpegErrorText(received))")
                    finished = true
                }
            }
        }
        if let failure {
            self.failure = nil
            throw failure
        }
        return false
    }

    public func close() {
        avcodec_free_context(&decoder)
        avformat_close_input(&format)
        av_packet_free(&packet)
        av_frame_free(&picture)
        finished = true
    }

    /// Gives the decoder its next packet of our stream, or starts draining it at the end.
    private func feed(_ decoder: UnsafeMutablePointer<AVCodecContext>) {
        guard let format, let packet else { return }
        while true {
            if !packetPending {
                guard readPacket(format, into: packet) else {
                    avcodec_send_packet(decoder, nil)
                    draining = true
                    return
                }
                guard packet.pointee.stream_index == streamIndex else {
                    av_packet_unref(packet)
                    continue
                }
            }
            let sent = avcodec_send_packet(decoder, packet)
            packetPending = sent == fp_averror(EAGAIN)
            if packetPending { return }
            av_packet_unref(packet)
            if sent < 0 { skippedPackets += 1 }
            return
        }
    }

    /// Reads the next packet; false at the end of input or when reading has failed for good
    /// (then `failure` says why).
    private func readPacket(_ format: UnsafeMutablePointer<AVFormatContext>, into packet: UnsafeMutablePointer<AVPacket>) -> Bool {
        // One deadline for the whole attempt: "no packet for readTimeout seconds" is the fault,
        // however many retries happen inside it.
        if input.isNetwork { deadline.arm(seconds: options.readTimeout) }
        defer { deadline.disarm() }
        while true {
            let status = av_read_frame(format, packet)
            if status >= 0 {
                damagedReadsInARow = 0
                return true
            }
            if status == fp_averror_eof() { return false }
            if status == fp_averror(EAGAIN) && !deadline.hasPassed {
                usleep(1000)
                continue
            }
            if input.isNetwork && (status == fp_averror_exit() || deadline.hasPassed) {
                failure = .timedOut(input: inputName, seconds: options.readTimeout)
                return false
            }
            if info.isLive || status != fp_averror_invaliddata() {
                failure = .readFailed(input: inputName, reason: ffmpegErrorText(status))
                return false
            }
            // Damaged container data in a file: skip it and try to resynchronise.
            skippedPackets += 1
            damagedReadsInARow += 1
            if damagedReadsInARow >= Self.damagedReadLimit { return false }
        }
    }

    private enum Window { case before, inside, after }

    /// Where a decoded picture falls against `--start` / `--duration` (pictures without a
    /// timestamp are kept: they cannot be placed).
    private func window(_ picture: UnsafeMutablePointer<AVFrame>) -> Window {
        guard options.start != nil || options.duration != nil else { return .inside }
        let pts = picture.pointee.best_effort_timestamp
        guard pts != fp_av_nopts_value() else { return .inside }
        let seconds = Double(pts - originTicks) * info.timeBase.value
        let start = options.start ?? 0
        // Half a microsecond of slack: container timestamps are rounded.
        if seconds < start - 5e-7 { return .before }
        if let duration = options.duration, seconds >= start + duration - 5e-7 { return .after }
        return .inside
    }

    private func deliver(_ picture: UnsafeMutablePointer<AVFrame>, into frame: VideoFrame) throws {
        defer { av_frame_unref(picture) }
        if let rotation {
            try writer.write(picture, into: coded, input: inputName)
            rotation.apply(coded, into: frame)
        } else {
            try writer.write(picture, into: frame, input: inputName)
        }
        frame.resetMetadata()
        frame.pts = clock.next(bestEffort: picture.pointee.best_effort_timestamp,
                               duration: picture.pointee.pkt_duration)
        frame.timeBase = info.timeBase
        frame.index = nextIndex
        nextIndex += 1
        // Held back before the capture time is taken: latency counts from when a camera would have delivered it.
        if options.realTime { pacer.wait(until: frame.seconds) }
        frame.capturedAt = monotonicNanoseconds()
    }
}
