import CV4L2
import FacepipeCore
#if canImport(Glibc)
import Glibc
#endif

/// The pixel layouts V4L2Source reads itself, in order of preference: raw 4:2:2 and 4:2:0
/// need no decoder; MJPEG costs a JPEG decode per frame.
enum V4L2PixelLayout: CaseIterable {
    case yuyv, nv12, yuv420, mjpeg

    var fourcc: UInt32 {
        switch self {
        case .yuyv: return v4l2Fourcc("YUYV")
        case .nv12: return v4l2Fourcc("NV12")
        case .yuv420: return v4l2Fourcc("YU12")
        case .mjpeg: return v4l2Fourcc("MJPG")
        }
    }

    init?(fourcc: UInt32) {
        guard let layout = Self.allCases.first(where: { $0.fourcc == fourcc }) else { return nil }
        self = layout
    }
}

/// What the driver agreed to.
struct V4L2AgreedFormat {
    var layout: V4L2PixelLayout
    var width: Int
    var height: Int
    var bytesPerLine: Int
    var sizeImage: Int
}

enum V4L2FormatNegotiation {
    /// Picks the best native format for the requested size and sets it. Returns nil when the
    /// camera offers none of our layouts (the caller then asks libv4l2 to convert).
    static func setNative(on device: V4L2Device, width: Int?, height: Int?) throws -> V4L2AgreedFormat? {
        let offered = Set(device.formats().filter { !$0.emulated }.map(\.fourcc))
        let candidates = V4L2PixelLayout.allCases.filter { offered.contains($0.fourcc) }
        guard !candidates.isEmpty else { return nil }
        let (w, h) = try requestedSize(device: device, width: width, height: height)

        // A camera may give its full size only in some formats (often MJPEG): take the
        // preferred format whose size comes closest to the request.
        var best: (layout: V4L2PixelLayout, distance: Int)?
        for layout in candidates {
            var trial = request(layout: layout, width: w, height: h, device: device)
            let code = device.ioctl(fp_vidioc_try_fmt(), &trial)
            if code == ENOTTY { best = best ?? (layout, 0); break } // old driver without TRY_FMT
            guard code == 0, trial.fmt.pix.pixelformat == layout.fourcc else { continue }
            let distance = abs(Int(trial.fmt.pix.width) - w) + abs(Int(trial.fmt.pix.height) - h)
            if best == nil || distance < best!.distance { best = (layout, distance) }
            if distance == 0 { break }
        }
        guard let chosen = best else { return nil }
        return try set(layout: chosen.layout, width: w, height: h, on: device)
    }

    /// Asks libv4l2 for I420 made from whatever the camera has (its emulated YU12).
    static func setConverted(on device: V4L2Device, width: Int?, height: Int?,
                             cameraFormats: [String]) throws -> V4L2AgreedFormat {
        let layout = V4L2PixelLayout.yuv420
        guard device.formats().contains(where: { $0.fourcc == layout.fourcc }) else {
            throw V4L2Error.noUsableFormat(path: device.path, offered: cameraFormats)
        }
        let (w, h) = try requestedSize(device: device, width: width, height: height)
        do {
            return try set(layout: layout, width: w, height: h, on: device)
        } catch V4L2Error.failed(_, _, let code) where code == EINVAL {
            throw V4L2Error.noUsableFormat(path: device.path, offered: cameraFormats)
        }
    }

    /// Sets the frame rate when asked and reports what the driver runs at (0/1 when unknown).
    static func frameRate(on device: V4L2Device, requested fps: Int?) throws -> Rational {
        if let fps {
            var parm = v4l2_streamparm()
            parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            parm.parm.capture.timeperframe = v4l2_fract(numerator: 1, denominator: UInt32(fps))
            let code = device.ioctl(fp_vidioc_s_parm(), &parm)
            // Cameras without frame-rate control answer EINVAL/ENOTTY: run at their own rate.
            if code == EBUSY || code == ENODEV {
                throw v4l2SetupError(path: device.path, operation: "VIDIOC_S_PARM", errno: code)
            }
        }
        var parm = v4l2_streamparm()
        parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        guard device.ioctl(fp_vidioc_g_parm(), &parm) == 0 else { return Rational(0, 1) }
        let perFrame = parm.parm.capture.timeperframe
        guard perFrame.numerator > 0, perFrame.denominator > 0,
              perFrame.numerator <= UInt32(Int32.max), perFrame.denominator <= UInt32(Int32.max)
        else { return Rational(0, 1) }
        return Rational(Int32(perFrame.denominator), Int32(perFrame.numerator))
    }

    private static func requestedSize(device: V4L2Device, width: Int?, height: Int?) throws -> (Int, Int) {
        if let width, let height { return (width, height) }
        var current = device.captureFormat()
        try device.require(fp_vidioc_g_fmt(), &current, "VIDIOC_G_FMT")
        return (Int(current.fmt.pix.width), Int(current.fmt.pix.height))
    }

    private static func request(layout: V4L2PixelLayout, width: Int, height: Int,
                                device: V4L2Device) -> v4l2_format {
        var format = device.captureFormat()
        format.fmt.pix.width = UInt32(width)
        format.fmt.pix.height = UInt32(height)
        format.fmt.pix.pixelformat = layout.fourcc
        format.fmt.pix.field = V4L2_FIELD_ANY.rawValue
        return format
    }

    private static func set(layout: V4L2PixelLayout, width: Int, height: Int,
                            on device: V4L2Device) throws -> V4L2AgreedFormat {
        var format = request(layout: layout, width: width, height: height, device: device)
        try device.require(fp_vidioc_s_fmt(), &format, "VIDIOC_S_FMT")
        let pix = format.fmt.pix
        guard let agreed = V4L2PixelLayout(fourcc: pix.pixelformat), pix.width > 0, pix.height > 0 else {
            throw V4L2Error.noUsableFormat(path: device.path, offered: [v4l2FourccName(pix.pixelformat)])
        }
        return V4L2AgreedFormat(layout: agreed, width: Int(pix.width), height: Int(pix.height),
                                bytesPerLine: Int(pix.bytesperline), sizeImage: Int(pix.sizeimage))
    }
}
