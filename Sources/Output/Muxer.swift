import CFFmpeg

/// One output file (or stream) in the container its name asks for. Writes the header once,
/// interleaves packets, and writes the trailer exactly once.
final class Muxer {
    let path: String
    let context: UnsafeMutablePointer<AVFormatContext>
    private var fileOpen = false
    private var headerWritten = false
    private var closed = false

    init(path: String) throws {
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        let made = avformat_alloc_output_context2(&context, nil, nil, path)
        guard made >= 0, let context else { throw OutputError.unknownContainer(path: path) }
        self.path = path
        self.context = context
    }

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
            let opened = avio_open(&context.pointee.pb, path, AVIO_FLAG_WRITE)
            guard opened >= 0 else { throw OutputError.cannotOpen(path: path, reason: ffmpegErrorText(opened)) }
            fileOpen = true
        }
        let written = avformat_write_header(context, nil)
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
