import Capture
import FacepipeCore
import Resize

/// Open a picture, decode it, resize it for the detector: what `detect`, `eval` and `quantize`
/// all do to a picture file, in one place. Any format FFmpeg reads (JPEG, PNG, BMP...).
final class PictureReader {
    /// The decoded picture at source size, as of the last `read`.
    public let frame = VideoFrame()
    private let resizer: FrameResizer

    public init(maxShort: Int, maxLong: Int) {
        resizer = FrameResizer(maxShort: maxShort, maxLong: maxLong)
    }

    /// Decodes `path` into `frame` and its detector-sized copy into `image`; false when the file
    /// opened but held no picture (the caller words that for its own report).
    public func read(_ path: String, into image: RGBImage) throws -> Bool {
        let source = try FFmpegSource(path)
        defer { source.close() }
        guard try source.read(into: frame) else { return false }
        try resizer.resize(frame, into: image)
        return true
    }
}
