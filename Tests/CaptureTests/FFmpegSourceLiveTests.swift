@testable import Capture
import FacepipeCore
import Foundation
import Testing
import TestSupport

/// Network inputs: live marking, a real push over TCP, and timeouts that turn a dead or silent
/// stream into an error instead of a hang.
@Suite struct FFmpegSourceLiveTests {
    /// Opens `url` on a background thread (a listening open blocks until a sender connects).
    private func openInBackground(_ url: String, options: FFmpegSourceOptions) -> Handoff<FFmpegSource> {
        let handoff = Handoff<FFmpegSource>()
        Thread.detachNewThread { handoff.put(Result { try FFmpegSource(url, options: options) }) }
        return handoff
    }

    /// `ffmpeg -re ... -f mpegts tcp://127.0.0.1:PORT` pushes a recorded clip to us listening:
    /// every frame arrives, in order, with the stream's own timestamps, marked live.
    @Test func tcpListenReceivesFFmpegPush() throws {
        let folder = try TestPaths.scratch("tcp-push")
        defer { try? FileManager.default.removeItem(at: folder) }
        let recording = try Fixture.make("push.ts", in: folder, ["-i", Fixture.clip, "-t", "1", "-an", "-vf", "scale=320:180",
                                                                 "-c:v", "libx264", "-preset", "ultrafast", "-g", "10"])
        let probe = try Fixture.probe(recording)
        let expectedCount = probe.frameCount
        let expectedPts = probe.timestamps
        let port = unusedLoopbackPort()
        let url = "tcp://127.0.0.1:\(port)?listen=1"
        let opening = openInBackground(url, options: FFmpegSourceOptions(openTimeout: 20, readTimeout: 5))

        // Push (retrying while our listening socket is not up yet).
        let pusher = Thread {
            for _ in 0..<40 {
                let result = try? runTool("ffmpeg", ["-nostdin", "-v", "error", "-re", "-i", recording, "-c", "copy",
                                                     "-f", "mpegts", "tcp://127.0.0.1:\(port)"], check: false)
                if result?.status == 0 { return }
                usleep(100_000)
            }
        }
        pusher.start()

        guard let opened = opening.take(within: 25) else {
            Issue.record("the listening open never returned")
            return
        }
        let source = try opened.get()
        defer { source.close() }
        #expect(source.info.isLive)
        #expect(source.info.duration == nil && source.info.frameCount == nil)
        #expect(source.info.summary == "h264 320x180 29.97 fps from \(url) (live)")
        let decoded = try Fixture.decodeAll(source, keep: 1)
        #expect(decoded.pts.count == expectedCount)
        // The mpegts muxer shifts all timestamps by its start delay; the spacing is the stream's own.
        let sent = expectedPts.compactMap { $0 }
        #expect(decoded.pts.map { $0 - decoded.pts[0] } == sent.map { $0 - sent[0] })
        #expect(decoded.frames.first.map { $0.width == 320 && $0.height == 180 } == true)
    }

    /// A listening open with nobody connecting gives up after the open timeout (an open that
    /// never returns fails on the time limit).
    @Test(.timeLimit(.minutes(1))) func listenWithoutSenderTimesOut() throws {
        let url = "tcp://127.0.0.1:\(unusedLoopbackPort())?listen=1"
        #expect(throws: CaptureError.timedOut(input: url, seconds: 0.5)) {
            _ = try FFmpegSource(url, options: FFmpegSourceOptions(openTimeout: 0.5))
        }
    }

    /// UDP with no packets arriving: probing would wait forever without the open timeout.
    @Test func silentUDPTimesOut() throws {
        let url = "udp://127.0.0.1:\(unusedLoopbackPort())"
        #expect(throws: CaptureError.timedOut(input: url, seconds: 0.5)) {
            _ = try FFmpegSource(url, options: FFmpegSourceOptions(openTimeout: 0.5))
        }
    }

    /// A sender that connects, sends part of a stream and goes quiet without closing: the
    /// frames it sent are delivered, then `read` throws `timedOut` instead of hanging (a read
    /// that never returns fails on the time limit).
    @Test(.timeLimit(.minutes(1))) func stalledStreamDeliversWhatArrivedThenTimesOut() throws {
        let folder = try TestPaths.scratch("tcp-stall")
        defer { try? FileManager.default.removeItem(at: folder) }
        let recording = try Fixture.make("stall.ts", in: folder, ["-i", Fixture.clip, "-frames:v", "90", "-an",
                                                                  "-vf", "scale=160:90", "-c:v", "libx264",
                                                                  "-preset", "ultrafast", "-g", "5"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: recording))
        let port = unusedLoopbackPort()
        let url = "tcp://127.0.0.1:\(port)?listen=1"
        let opening = openInBackground(url, options: FFmpegSourceOptions(openTimeout: 10, readTimeout: 0.5))
        let fd = Loopback.connect(port: port, within: 10)
        try #require(fd >= 0, "could not connect to the listening source")
        defer { close(fd) }
        #expect(Loopback.send(bytes.prefix(bytes.count * 2 / 3), on: fd))

        let source = try #require(opening.take(within: 15)).get()
        defer { source.close() }
        let frame = VideoFrame()
        var delivered = 0
        #expect(throws: CaptureError.timedOut(input: url, seconds: 0.5)) {
            while try source.read(into: frame) { delivered += 1 }
        }
        #expect(delivered > 5, "frames sent before the stall must arrive, got \(delivered)")
    }

    @Test func liveOverrideMarksAFileLive() throws {
        let source = try FFmpegSource(Fixture.clip, options: FFmpegSourceOptions(isLive: true))
        defer { source.close() }
        #expect(source.info.isLive)
        #expect(source.info.summary.hasSuffix("(live)"))
    }
}
