import CV4L2
import FacepipeCore
#if canImport(Glibc)
import Glibc
#endif

/// One filled buffer handed out by the driver: its bytes stay valid until `release`.
struct V4L2FilledBuffer {
    var bytes: UnsafeRawPointer
    var count: Int
    /// Capture time from the driver in microseconds of CLOCK_MONOTONIC, nil when it gave none.
    var monotonicMicros: Int64?
    /// The driver flagged the data as damaged.
    var damaged: Bool
    var index: Int
}

/// How frames come out of the driver: mmap streaming buffers, or read() for drivers without them.
protocol V4L2Transfer: AnyObject {
    func next(timeout: Double) throws -> V4L2FilledBuffer
    func release(_ buffer: V4L2FilledBuffer) throws
    /// Stops the stream and frees buffers; safe to call twice, never throws (device may be gone).
    func stop()
}

/// Waits until the device is readable, failing with a clear error on a fault or the deadline.
func v4l2WaitReadable(_ device: V4L2Device, until deadline: UInt64, timeout: Double) throws {
    while true {
        let now = monotonicNanoseconds()
        if now >= deadline { throw V4L2Error.stalled(path: device.path, seconds: timeout) }
        let millis = Int32(min((deadline - now + 999_999) / 1_000_000, UInt64(Int32.max)))
        var entry = pollfd(fd: device.fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, millis)
        if ready < 0 {
            if errno == EINTR { continue }
            throw V4L2Error.vanished(path: device.path, detail: "poll failed: \(v4l2ErrnoText(errno))")
        }
        if ready == 0 { continue }
        if entry.revents & Int16(POLLIN) != 0 { return }
        if entry.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
            throw V4L2Error.vanished(path: device.path, detail: "poll reported an error on the device")
        }
    }
}

/// Maps an errno from DQBUF/QBUF/read mid-stream to an error naming the device.
func v4l2StreamError(_ device: V4L2Device, _ operation: String, _ code: Int32) -> V4L2Error {
    switch code {
    case ENODEV, EIO, ENXIO, EPIPE, EBADF:
        return .vanished(path: device.path, detail: "\(operation) failed: \(v4l2ErrnoText(code))")
    default:
        return .failed(path: device.path, operation: operation, errno: code)
    }
}

/// mmap streaming: REQBUFS, QUERYBUF + v4l2_mmap, QBUF all, STREAMON; then DQBUF/QBUF per frame.
final class V4L2MappedTransfer: V4L2Transfer {
    private let device: V4L2Device
    private var mappings: [(base: UnsafeMutableRawPointer, length: Int)] = []
    private var requested = false
    private var streaming = false

    init(device: V4L2Device, bufferCount: Int) throws {
        self.device = device
        var request = v4l2_requestbuffers()
        request.count = UInt32(bufferCount)
        request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        request.memory = V4L2_MEMORY_MMAP.rawValue
        try device.require(fp_vidioc_reqbufs(), &request, "VIDIOC_REQBUFS")
        requested = true
        guard request.count > 0 else {
            throw V4L2Error.failed(path: device.path, operation: "VIDIOC_REQBUFS (no buffers granted)", errno: ENOMEM)
        }
        let mapFailed = UnsafeMutableRawPointer(bitPattern: -1)
        for index in 0..<request.count {
            var buffer = Self.emptyBuffer()
            buffer.index = index
            try device.require(fp_vidioc_querybuf(), &buffer, "VIDIOC_QUERYBUF")
            let length = Int(buffer.length)
            let base = v4l2_mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, device.fd, Int64(buffer.m.offset))
            guard let base, base != mapFailed else {
                throw V4L2Error.failed(path: device.path, operation: "mmap of buffer \(index)", errno: errno)
            }
            mappings.append((base, length))
        }
        for index in 0..<request.count {
            var buffer = Self.emptyBuffer()
            buffer.index = index
            try device.require(fp_vidioc_qbuf(), &buffer, "VIDIOC_QBUF")
        }
        var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
        try device.require(fp_vidioc_streamon(), &type, "VIDIOC_STREAMON")
        streaming = true
    }

    deinit { stop() }

    private static func emptyBuffer() -> v4l2_buffer {
        var buffer = v4l2_buffer()
        buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        buffer.memory = V4L2_MEMORY_MMAP.rawValue
        return buffer
    }

    func next(timeout: Double) throws -> V4L2FilledBuffer {
        let deadline = monotonicNanoseconds() + UInt64(timeout * 1e9)
        while true {
            try v4l2WaitReadable(device, until: deadline, timeout: timeout)
            var buffer = Self.emptyBuffer()
            let code = device.ioctl(fp_vidioc_dqbuf(), &buffer)
            if code == EAGAIN { continue } // woken without a frame: wait again
            if code != 0 { throw v4l2StreamError(device, "VIDIOC_DQBUF", code) }
            let index = Int(buffer.index)
            guard index < mappings.count else {
                throw V4L2Error.failed(path: device.path, operation: "VIDIOC_DQBUF (unknown buffer \(index))", errno: EINVAL)
            }
            let mapping = mappings[index]
            // bytesused 0 means "whole buffer" on a few old drivers.
            let used = buffer.bytesused == 0 ? mapping.length : min(Int(buffer.bytesused), mapping.length)
            let monotonic = buffer.flags & UInt32(V4L2_BUF_FLAG_TIMESTAMP_MASK) == UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
            let micros = Int64(buffer.timestamp.tv_sec) * 1_000_000 + Int64(buffer.timestamp.tv_usec)
            return V4L2FilledBuffer(bytes: UnsafeRawPointer(mapping.base), count: used,
                                    monotonicMicros: monotonic && micros > 0 ? micros : nil,
                                    damaged: buffer.flags & UInt32(V4L2_BUF_FLAG_ERROR) != 0, index: index)
        }
    }

    func release(_ filled: V4L2FilledBuffer) throws {
        var buffer = Self.emptyBuffer()
        buffer.index = UInt32(filled.index)
        let code = device.ioctl(fp_vidioc_qbuf(), &buffer)
        if code != 0 { throw v4l2StreamError(device, "VIDIOC_QBUF", code) }
    }

    func stop() {
        guard device.fd >= 0 else { return }
        if streaming {
            var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            device.ioctl(fp_vidioc_streamoff(), &type)
            streaming = false
        }
        for mapping in mappings { _ = v4l2_munmap(mapping.base, mapping.length) }
        mappings.removeAll()
        if requested {
            var request = v4l2_requestbuffers()
            request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            request.memory = V4L2_MEMORY_MMAP.rawValue
            device.ioctl(fp_vidioc_reqbufs(), &request) // count 0 frees the driver's buffers
            requested = false
        }
    }
}

/// read() I/O for drivers without streaming: one frame per read into a buffer allocated once.
final class V4L2ReadTransfer: V4L2Transfer {
    private let device: V4L2Device
    private let buffer: UnsafeMutableRawPointer
    private let capacity: Int

    init(device: V4L2Device, frameBytes: Int) {
        self.device = device
        capacity = max(frameBytes, 4096)
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    }

    deinit { buffer.deallocate() }

    func next(timeout: Double) throws -> V4L2FilledBuffer {
        let deadline = monotonicNanoseconds() + UInt64(timeout * 1e9)
        while true {
            try v4l2WaitReadable(device, until: deadline, timeout: timeout)
            let count = v4l2_read(device.fd, buffer, capacity)
            if count < 0 {
                let code = errno
                if code == EAGAIN || code == EINTR { continue }
                throw v4l2StreamError(device, "read", code)
            }
            if count == 0 { throw V4L2Error.vanished(path: device.path, detail: "read returned end of file") }
            return V4L2FilledBuffer(bytes: UnsafeRawPointer(buffer), count: count,
                                    monotonicMicros: nil, damaged: false, index: 0)
        }
    }

    func release(_ buffer: V4L2FilledBuffer) throws {}

    func stop() {}
}
