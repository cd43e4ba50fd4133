import CFFmpeg

/// FFmpeg's message for an error code ("Invalid data found when processing input").
/// Only called on error paths, so the small buffer it allocates never touches the frame path.
func ffmpegErrorText(_ code: Int32) -> String {
    let size = 256
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: 0, count: size)
    _ = fp_av_err2str(code, buffer, size)
    return String(cString: buffer)
}
