import Foundation
import FacepipeCore
@testable import Pipeline

struct InjectedFault: Error, CustomStringConvertible {
    let what: String
    var description: String { what }
}

/// A FrameSource that plays the raw clip frames (looping) as `total` frames, optionally
/// paced like a camera and failing at a chosen index.
final class RawFrameSource: FrameSource, @unchecked Sendable {
    let info: SourceInfo
    private let raw: [UInt8]
    private let total: Int
    private let pacingMicroseconds: UInt32
    private let failAt: Int?
    private var next = 0
    private(set) var closeCount = 0
    var skippedPackets: Int { 0 }

    init(total: Int, live: Bool = false, pacingMicroseconds: UInt32 = 0, failAt: Int? = nil) throws {
        raw = try RawClip.data()
        self.total = total
        self.pacingMicroseconds = pacingMicroseconds
        self.failAt = failAt
        info = SourceInfo(width: RawClip.width, height: RawClip.height, frameRate: Rational(30000, 1001),
                          timeBase: Rational(1001, 30000), isLive: live,
                          duration: live ? nil : Double(total) * 1001 / 30000, frameCount: live ? nil : total,
                          summary: "raw \(RawClip.width)x\(RawClip.height) test frames")
    }

    func read(into frame: VideoFrame) throws -> Bool {
        guard next < total else { return false }
        if next == failAt { throw InjectedFault(what: "camera unplugged at frame \(next)") }
        if pacingMicroseconds > 0 { usleep(pacingMicroseconds) }
        let w = RawClip.width, h = RawClip.height, cw = w / 2, ch = h / 2
        frame.reshape(width: w, height: h)
        let base = (next % RawClip.frameCount) * RawClip.frameSize
        raw.withUnsafeBufferPointer { src in
            for r in 0..<h { (frame.planes.y + r * frame.strides.y).update(from: src.baseAddress! + base + r * w, count: w) }
            let u = base + RawClip.ySize, v = u + RawClip.chromaSize
            for r in 0..<ch {
                (frame.planes.u + r * frame.strides.u).update(from: src.baseAddress! + u + r * cw, count: cw)
                (frame.planes.v + r * frame.strides.v).update(from: src.baseAddress! + v + r * cw, count: cw)
            }
        }
        frame.index = next
        frame.pts = Int64(next)
        frame.timeBase = info.timeBase
        next += 1
        return true
    }

    func close() { closeCount += 1 }
}

/// A stage that records what it saw; can be slow, and can fail at a chosen frame.
final class RecordingStage: FrameStage, @unchecked Sendable {
    let name: String
    private let delayMicroseconds: UInt32
    private let failAt: Int?
    private(set) var processed: [Int] = []
    private(set) var finishCalls: [(time: Double, frame: Int)] = []

    init(_ name: String, delayMicroseconds: UInt32 = 0, failAt: Int? = nil) {
        self.name = name; self.delayMicroseconds = delayMicroseconds; self.failAt = failAt
        processed.reserveCapacity(1 << 14)
    }

    func process(_ frame: VideoFrame) throws {
        if frame.index == failAt { throw InjectedFault(what: "\(name) rejects frame \(frame.index)") }
        if delayMicroseconds > 0 { usleep(delayMicroseconds) }
        processed.append(frame.index)
        if name == "detect" { frame.detections.append(Detection(box: Box(x: 1, y: 2, width: 3, height: 4), score: 0.9)) }
    }

    func finish(lastTime: Double, lastFrame: Int) throws { finishCalls.append((lastTime, lastFrame)) }
}

/// A frame sink that checks and records each frame; can fail, or run a hook per frame.
final class RecordingSink: FrameSink, @unchecked Sendable {
    private(set) var indices: [Int] = []
    private(set) var detected: [Bool] = []
    private(set) var contentMismatches = 0
    private(set) var finishCount = 0
    private let failAt: Int?
    var onWrite: ((Int) -> Void)?

    init(failAt: Int? = nil) {
        self.failAt = failAt
        indices.reserveCapacity(1 << 14)
    }

    func write(_ frame: VideoFrame) throws {
        if frame.index == failAt { throw InjectedFault(what: "disk full at frame \(frame.index)") }
        indices.append(frame.index)
        detected.append(frame.detected)
        if (try? RawClip.rawLumaHashes.get())?[frame.index % RawClip.frameCount] != RawClip.lumaHash(of: frame) {
            contentMismatches += 1
        }
        onWrite?(frame.index)
    }

    func finish() throws { finishCount += 1 }
}

final class CountingEventSink: EventSink, @unchecked Sendable {
    private(set) var finishCount = 0
    func emit(_ event: FaceEvent) throws {}
    func flush() throws {}
    func finish() throws { finishCount += 1 }
}

/// A camera that stops delivering: after `stallAfter` frames, `read` blocks until `release()`.
final class StallingSource: FrameSource, @unchecked Sendable {
    private let inner: RawFrameSource
    private let stallAfter: Int
    private var delivered = 0
    private let gate = DispatchSemaphore(value: 0)
    var info: SourceInfo { inner.info }
    var skippedPackets: Int { 0 }

    init(stallAfter: Int) throws {
        inner = try RawFrameSource(total: 1_000, live: true)
        self.stallAfter = stallAfter
    }

    func read(into frame: VideoFrame) throws -> Bool {
        if delivered == stallAfter {
            gate.wait()
            return false
        }
        delivered += 1
        return try inner.read(into: frame)
    }

    func release() { gate.signal() }
    func close() {}
}
