import CFFmpeg

/// FFmpeg's text for an error code ("Invalid data found when processing input"; for
/// `AVERROR(errno)` codes the OS's own reason, e.g. "No space left on device"). Only used on
/// error paths, so the small buffer it allocates never touches the frame path.
public func ffmpegErrorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    return buffer.withUnsafeMutableBufferPointer { p in
        String(cString: fp_av_err2str(code, p.baseAddress, p.count))
    }
}
