#if canImport(Glibc)
import Glibc
#endif

/// Why a camera could not be opened or stopped delivering frames. Every case names the device.
enum V4L2Error: Error, CustomStringConvertible, Equatable {
    case noSuchDevice(path: String)
    case permissionDenied(path: String)
    case busy(path: String)
    /// The path exists but is no V4L2 device, or one that cannot capture video.
    case notACaptureDevice(path: String, reason: String)
    /// None of the camera's formats is one we read, and libv4l2 cannot convert any of them.
    case noUsableFormat(path: String, offered: [String])
    /// The device disappeared or failed while streaming (unplugged, driver error).
    case vanished(path: String, detail: String)
    /// No frame arrived within the timeout.
    case stalled(path: String, seconds: Double)
    /// Too many frames in a row could not be decoded.
    case undecodableFrames(path: String, count: Int)
    case badOptions(String)
    /// Any other failing system call, with its errno.
    case failed(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .noSuchDevice(let path):
            return "no camera at \(path): no such device"
        case .permissionDenied(let path):
            return "permission denied opening camera \(path) (is the user in the 'video' group?)"
        case .busy(let path):
            return "camera \(path) is busy: another program is using it"
        case .notACaptureDevice(let path, let reason):
            return "\(path) is not a V4L2 capture device (\(reason))"
        case .noUsableFormat(let path, let offered):
            let list = offered.isEmpty ? "none" : offered.joined(separator: ", ")
            return "camera \(path) offers no usable pixel format (offers: \(list)) and libv4l2 cannot convert them"
        case .vanished(let path, let detail):
            return "camera \(path) vanished mid-run (unplugged?): \(detail)"
        case .stalled(let path, let seconds):
            return "camera \(path) sent no frame for \(seconds) s"
        case .undecodableFrames(let path, let count):
            return "camera \(path) sent \(count) undecodable frames in a row"
        case .badOptions(let text):
            return "bad camera options: \(text)"
        case .failed(let path, let operation, let code):
            return "camera \(path): \(operation) failed: \(v4l2ErrnoText(code))"
        }
    }
}

func v4l2ErrnoText(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// Maps an errno from opening or setting up a device to the error a user can act on.
func v4l2SetupError(path: String, operation: String, errno code: Int32) -> V4L2Error {
    switch code {
    case ENOENT, ENXIO, ENODEV: return .noSuchDevice(path: path)
    case EACCES, EPERM: return .permissionDenied(path: path)
    case EBUSY: return .busy(path: path)
    case ENOTTY: return .notACaptureDevice(path: path, reason: "it does not answer V4L2 queries")
    case EISDIR: return .notACaptureDevice(path: path, reason: "it is a directory")
    default: return .failed(path: path, operation: operation, errno: code)
    }
}
