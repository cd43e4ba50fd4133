import CV4L2
#if canImport(Glibc)
import Glibc
#endif

/// An open V4L2 device through libv4l2: the fd, typed ioctls and the few queries we need.
/// Used from one thread; `close()` is idempotent.
final class V4L2Device {
    let path: String
    /// True when libv4l2 may convert formats for us (its emulated formats are visible).
    let converting: Bool
    private(set) var fd: Int32

    /// Opens `path` non-blocking (frames are waited for with poll and a timeout).
    init(path: String, converting: Bool) throws {
        self.path = path
        self.converting = converting
        let raw = Glibc.open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        if raw < 0 { throw v4l2SetupError(path: path, operation: "open", errno: errno) }
        // libv4l2 asks its plugins (and then the driver) whether this is a V4L2 device.
        if v4l2_fd_open(raw, converting ? 0 : V4L2_DISABLE_CONVERSION) < 0 {
            let code = errno
            Glibc.close(raw)
            throw v4l2SetupError(path: path, operation: "v4l2_fd_open", errno: code)
        }
        fd = raw
    }

    deinit { close() }

    func close() {
        guard fd >= 0 else { return }
        _ = v4l2_close(fd)
        fd = -1
    }

    /// One ioctl, retried on EINTR. Returns 0 or the errno.
    @discardableResult
    func ioctl<Argument>(_ request: UInt, _ argument: inout Argument) -> Int32 {
        while true {
            let result = withUnsafeMutablePointer(to: &argument) { fp_v4l2_ioctl(fd, request, $0) }
            if result >= 0 { return 0 }
            if errno != EINTR { return errno }
        }
    }

    /// Like `ioctl` but throws the setup error for a failure.
    func require<Argument>(_ request: UInt, _ argument: inout Argument, _ name: String) throws {
        let code = ioctl(request, &argument)
        if code != 0 { throw v4l2SetupError(path: path, operation: name, errno: code) }
    }

    struct Capabilities {
        var card: String
        var driver: String
        var capture: Bool
        var streaming: Bool
        var readWrite: Bool
    }

    func capabilities() throws -> Capabilities {
        var cap = v4l2_capability()
        try require(fp_vidioc_querycap(), &cap, "VIDIOC_QUERYCAP")
        // device_caps describes this node; capabilities the whole physical device.
        let bits = cap.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0 ? cap.device_caps : cap.capabilities
        return Capabilities(card: v4l2CString(cap.card), driver: v4l2CString(cap.driver),
                            capture: bits & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0,
                            streaming: bits & UInt32(V4L2_CAP_STREAMING) != 0,
                            readWrite: bits & UInt32(V4L2_CAP_READWRITE) != 0)
    }

    struct FormatEntry {
        var fourcc: UInt32
        /// Made up by libv4l2's converter rather than offered by the driver.
        var emulated: Bool
    }

    func formats() -> [FormatEntry] {
        var entries: [FormatEntry] = []
        for index in 0..<64 {
            var desc = v4l2_fmtdesc()
            desc.index = UInt32(index)
            desc.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            if ioctl(fp_vidioc_enum_fmt(), &desc) != 0 { break }
            entries.append(FormatEntry(fourcc: desc.pixelformat,
                                       emulated: desc.flags & UInt32(V4L2_FMT_FLAG_EMULATED) != 0))
        }
        return entries
    }

    func captureFormat() -> v4l2_format {
        var format = v4l2_format()
        format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        return format
    }
}

/// Reads a fixed-size C char array (imported as a tuple) as a string.
func v4l2CString<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { raw in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// "YUYV" for V4L2_PIX_FMT_YUYV, and back.
func v4l2FourccName(_ code: UInt32) -> String {
    let bytes = (0..<4).map { UInt8(truncatingIfNeeded: code >> (8 * $0)) }
    return String(decoding: bytes.map { (32...126).contains($0) ? $0 : 63 }, as: UTF8.self)
        .trimmingTrailingSpaces()
}

func v4l2Fourcc(_ name: StaticString) -> UInt32 {
    let p = name.utf8Start
    return UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16 | UInt32(p[3]) << 24
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
