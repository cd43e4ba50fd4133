import CFFmpeg
import FFmpegSupport

/// One output file (or stream) in the container its name asks for. Writes the header once,
/// interleaves packets, and writes the trailer exactly once.
final class Muxer {
    let path: String
    /// Where the bytes go: `path`, or a temporary name beside it (see `StagedFile`).
    let fileName: String
    let context: UnsafeMutablePointer<AVFormatContext>
    let fragmented: Bool
    private var fileOpen = false
    private var headerWritten = false
    private var closed = false

    /// The container is chosen from `path`'s extension; the file written is `fileName`.
    /// `fragmented` writes MP4/MOV as self-contained fragments flushed to disk as they are cut,
    /// so a killed run leaves a file playable up to its last fragment.
    init(path: String, fileName: String? = nil, fragmented: Bool = false) throws {
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        let made = avformat_alloc_output_context2(&context, nil, nil, path)
        guard made >= 0, let context else { throw OutputError.unknownContainer(path: path) }
        self.path = path
        self.fileName = fileName ?? path
        self.context = context
        self.fragmented = fragmented
        if fragmented {
            guard Self.fragmentingFormats.contains(String(cString: context.pointee.oformat.pointee.name)) else {
                // deinit frees the context: every property is set, so it runs when init throws.
                throw OutputError.badSettings("--fragmented needs an .mp4 or .mov output, not '\(path)' "
                                              + "(a .ts output is playable up to its last packet without it)")
            }
            // Push each packet through to the file: a fragment is on disk as soon as it is cut.
            context.pointee.flush_packets = 1
        }
    }

    static let fragmentingFormats: Set<String> = ["mp4", "mov", "ipod", "ismv"]

    deinit {
        if fileOpen { avio_closep(&context.pointee.pb) }
        avformat_free_context(context)
    }

    var format: UnsafePointer<AVOutputFormat> { context.pointee.oformat }
    var formatName: String { String(cString: format.pointee.name) }
    var needsGlobalHeader: Bool { format.pointee.flags & AVFMT_GLOBALHEADER != 0 }

    func addStream() throws -> UnsafeMutablePointer<AVStream> {
        guard let stream = avformat_new_stream(context, nil) else {
            throw OutputError.cannotOpen(path: path, reason: "out of memory adding a stream")
        }
        return stream
    }

    /// Creates the file and writes the container header; call after all streams are added.
    func open() throws {
        if format.pointee.flags & AVFMT_NOFILE == 0 {
            let opened = avio_open(&context.pointee.pb, fileName, AVIO_FLAG_WRITE)
            guard opened >= 0 else { throw OutputError.cannotOpen(path: path, reason: ffmpegErrorText(opened)) }
            fileOpen = true
        }
        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        if fragmented { av_dict_set(&options, "movflags", "+frag_keyframe+empty_moov+default_base_moof", 0) }
        let written = avformat_write_header(context, &options)
        guard written >= 0 else {
            throw OutputError.cannotOpen(path: path, reason: "cannot write the \(formatName) header: \(ffmpegErrorText(written))")
        }
        headerWritten = true
    }

    /// Hands a packet (timestamps already in its stream's time base) to the interleaver, which takes it.
    func write(_ packet: UnsafeMutablePointer<AVPacket>) throws {
        let written = av_interleaved_write_frame(context, packet)
        guard written >= 0 else { throw OutputError.writeFailed(path: path, reason: ffmpegErrorText(written)) }
    }

    /// Writes the trailer and closes the file, once; a second call does nothing.
    func close() throws {
        guard !closed else { return }
        closed = true
        var failure: Int32 = 0
        if headerWritten {
            let trailer = av_write_trailer(context)
            if trailer < 0 { failure = trailer }
        }
        if fileOpen {
            // avio_closep does not report a failed final flush, so flush and look first.
            avio_flush(context.pointee.pb)
            let ioError = context.pointee.pb.pointee.error
            if ioError < 0 && failure == 0 { failure = ioError }
            fileOpen = false
            let closedFile = avio_closep(&context.pointee.pb)
            if closedFile < 0 && failure == 0 { failure = closedFile }
        }
        if failure < 0 { throw OutputError.finaliseFailed(path: path, reason: ffmpegErrorText(failure)) }
    }
}
