/// Why a frame could not be resized for the detector.
enum ResizeError: Error, CustomStringConvertible, Equatable {
    /// The frame holds no picture yet (zero size).
    case emptyFrame
    /// libswscale refused this geometry.
    case scalerUnavailable(from: String, to: String)

    public var description: String {
        switch self {
        case .emptyFrame:
            return "resize: the frame holds no picture (0x0)"
        case .scalerUnavailable(let from, let to):
            return "resize: libswscale cannot scale I420 \(from) to RGB24 \(to)"
        }
    }
}
