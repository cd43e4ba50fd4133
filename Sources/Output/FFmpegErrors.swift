import CFFmpeg

/// FFmpeg's text for an error code (for `AVERROR(errno)` codes this is the OS's own reason,
/// e.g. "No space left on device"). Only used on error paths.
func ffmpegErrorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    return buffer.withUnsafeMutableBufferPointer { p in
        String(cString: fp_av_err2str(code, p.baseAddress, p.count))
    }
}
