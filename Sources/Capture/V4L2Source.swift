import FacepipeCore

/// What a camera agreed to, for the run summary and for callers that asked for a size or rate.
struct V4L2Negotiated: Sendable, Hashable {
    /// Pixel format we read ("YUYV", "NV12", "YU12", "MJPG").
    var pixelFormat: String
    /// True when libv4l2 converts from a camera format we do not read ourselves.
    var convertedByLibv4l2: Bool
    /// The formats the camera itself offers.
    var cameraFormats: [String]
    public var width: Int
    public var height: Int
    /// Frames per second the driver reports (0/1 when it does not say).
    public var frameRate: Rational
    /// mmap streaming (true) or read() I/O (false).
    var streaming: Bool
    /// The camera's name from the driver.
    var card: String
}

/// A live camera through libv4l2 (`/dev/videoN`): negotiates a format, streams through mmap
/// buffers (read() where the driver has no streaming) and fills pooled I420 frames.
///
/// Frame times come from the driver's monotonic buffer timestamps, in microseconds since the
/// first frame. Used from one thread.
public final class V4L2Source: FrameSource {
    public let info: SourceInfo
    let negotiated: V4L2Negotiated
    public private(set) var skippedPackets = 0

    private let path: String
    private let options: V4L2CaptureOptions
    private let device: V4L2Device
    private let transfer: any V4L2Transfer
    private let format: V4L2AgreedFormat
    private let jpeg: V4L2MJPEGDecoder?
    private var firstMicros: Int64?
    private var lastPts: Int64 = -1
    private var nextIndex = 0
    private var closed = false

    /// Frames in a row that may fail to decode before the camera counts as broken.
    private static let maxBadFramesInARow = 30

    /// True for paths that name a V4L2 device node rather than a file or URL.
    public static func isCameraPath(_ path: String) -> Bool {
        path.hasPrefix("/dev/video") || path.hasPrefix("/dev/v4l/")
    }

    public init(path: String, options: V4L2CaptureOptions = V4L2CaptureOptions()) throws {
        self.path = path
        self.options = try options.validated()

        // First without libv4l2's conversion, so every native format (MJPEG included) is visible.
        var device = try V4L2Device(path: path, converting: false)
        let caps = try device.capabilities()
        guard caps.capture else {
            throw V4L2Error.notACaptureDevice(path: path, reason: "\(caps.card.isEmpty ? caps.driver : caps.card) cannot capture video")
        }
        guard caps.streaming || caps.readWrite else {
            throw V4L2Error.notACaptureDevice(path: path, reason: "it offers neither streaming nor read() I/O")
        }
        let cameraFormats = device.formats().filter { !$0.emulated }.map { v4l2FourccName($0.fourcc) }
        var format: V4L2AgreedFormat
        if let native = try V4L2FormatNegotiation.setNative(on: device, width: options.width, height: options.height) {
            format = native
        } else {
            // Nothing we read ourselves: let libv4l2 convert (Bayer, RGB, vendor formats...).
            device.close()
            device = try V4L2Device(path: path, converting: true)
            format = try V4L2FormatNegotiation.setConverted(on: device, width: options.width, height: options.height,
                                                            cameraFormats: cameraFormats)
        }
        if format.layout != .mjpeg {
            let minimumLine = format.layout == .yuyv ? 2 * format.width : format.width
            if format.bytesPerLine < minimumLine { format.bytesPerLine = minimumLine }
            if format.layout == .yuyv && format.width < 2 {
                throw V4L2Error.noUsableFormat(path: path, offered: cameraFormats)
            }
        }
        let frameRate = try V4L2FormatNegotiation.frameRate(on: device, requested: options.fps)
        let frameBytes = max(format.sizeImage, V4L2PixelConversion.rawBytes(format.layout, bytesPerLine: format.bytesPerLine,
                                                                            height: format.height))
        self.device = device
        self.format = format
        jpeg = format.layout == .mjpeg ? try V4L2MJPEGDecoder(path: path) : nil
        transfer = caps.streaming ? try V4L2MappedTransfer(device: device, bufferCount: options.bufferCount)
                                  : V4L2ReadTransfer(device: device, frameBytes: frameBytes)

        negotiated = V4L2Negotiated(pixelFormat: v4l2FourccName(format.layout.fourcc), convertedByLibv4l2: device.converting,
                                    cameraFormats: cameraFormats, width: format.width, height: format.height,
                                    frameRate: frameRate, streaming: caps.streaming, card: caps.card)
        let rate = frameRate.num <= 0 ? "unknown fps"
            : frameRate.den == 1 ? "\(frameRate.num) fps" : "\((frameRate.value * 100).rounded() / 100) fps"
        let via = device.converting ? ", converted by libv4l2 from \(cameraFormats.joined(separator: "/"))" : ""
        let io = caps.streaming ? "" : ", read() I/O"
        info = SourceInfo(width: format.width, height: format.height, frameRate: frameRate,
                          timeBase: Rational(1, 1_000_000), isLive: true,
                          summary: "camera \(negotiated.pixelFormat) \(format.width)x\(format.height) \(rate) from \(path)"
                              + (caps.card.isEmpty ? "" : " (\(caps.card))") + via + io)
    }

    deinit { close() }

    public func read(into frame: VideoFrame) throws -> Bool {
        guard !closed else { return false }
        var badInARow = 0
        var micros: Int64 = 0
        while true {
            let filled = try transfer.next(timeout: options.timeout)
            micros = filled.monotonicMicros ?? Int64(monotonicNanoseconds() / 1000)
            let converted = filled.damaged ? false : convert(filled, into: frame)
            try transfer.release(filled)
            if converted { break }
            skippedPackets += 1
            badInARow += 1
            if badInARow >= Self.maxBadFramesInARow {
                throw V4L2Error.undecodableFrames(path: path, count: badInARow)
            }
        }
        stamp(frame, micros: micros)
        return true
    }

    /// Stops streaming, unmaps the buffers and closes the device. Safe to call twice.
    public func close() {
        guard !closed else { return }
        closed = true
        transfer.stop()
        device.close()
    }

    /// Fills `frame` from one driver buffer; false for a short or undecodable frame.
    private func convert(_ filled: V4L2FilledBuffer, into frame: VideoFrame) -> Bool {
        if let jpeg {
            do { try jpeg.decode(filled.bytes, count: filled.count, into: frame) } catch { return false }
            return true
        }
        let needed = V4L2PixelConversion.rawBytes(format.layout, bytesPerLine: format.bytesPerLine, height: format.height)
        guard filled.count >= needed else { return false }
        frame.reshape(width: format.width, height: format.height)
        let bytes = filled.bytes.assumingMemoryBound(to: UInt8.self)
        switch format.layout {
        case .yuyv: V4L2PixelConversion.yuyv(bytes, bytesPerLine: format.bytesPerLine, into: frame)
        case .nv12: V4L2PixelConversion.nv12(bytes, bytesPerLine: format.bytesPerLine, into: frame)
        case .yuv420: V4L2PixelConversion.yuv420(bytes, bytesPerLine: format.bytesPerLine, into: frame)
        case .mjpeg: return false
        }
        return true
    }

    /// Presentation time: microseconds since the first frame, kept strictly increasing.
    private func stamp(_ frame: VideoFrame, micros: Int64) {
        let first = firstMicros ?? micros
        firstMicros = first
        let pts = max(micros - first, lastPts + 1)
        lastPts = pts
        frame.resetMetadata()
        frame.pts = pts
        frame.timeBase = Rational(1, 1_000_000)
        frame.index = nextIndex
        nextIndex += 1
        frame.capturedAt = monotonicNanoseconds()
    }
}
