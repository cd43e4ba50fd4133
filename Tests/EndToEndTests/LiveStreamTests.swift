import Foundation
import Testing
import TestSupport

/// A live source on loopback: ffmpeg pushes MPEG-TS over TCP faster than real time, so the
/// detector cannot keep up and the latest-frame policy must drop (and count) frames while the
/// latency stays bounded.
@Suite struct LiveStreamTests {
    @Test func loopbackStreamDropsAndCountsFrames() throws {
        let dir = try TestPaths.scratch("e2e-live")
        let port = Int.random(in: 20000...45000)
        let video = dir.appendingPathComponent("live.mp4").path, events = dir.appendingPathComponent("ev.jsonl").path
        let pusher = Process()
        pusher.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        pusher.arguments = ["ffmpeg", "-v", "error", "-readrate", "4", "-i", TestPaths.data("videos/short_hamilton_clip.mp4").path,
                            "-an", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-f", "mpegts",
                            "tcp://127.0.0.1:\(port)"]
        // Give facepipe a moment to listen before the sender connects.
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.5) { try? pusher.run() }
        let r = try FacepipeBinary.run(["run", "--input", "tcp://127.0.0.1:\(port)?listen=1", "--output", video,
                                        "--events", events, "--threads", "1"])
        pusher.waitUntilExit()
        // The sender went away when its file ended: a live run that ends so is not complete (status 2).
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("the live input ended"), "\(r.stderr)")
        #expect(r.stderr.contains("latest policy"))
        let counts = try #require(FrameCounts(stderr: r.stderr), "\(r.stderr)")
        #expect(counts.read == counts.written + counts.dropped + counts.void)
        #expect(counts.dropped > 0, "pushed at 4x real time, some frames must be dropped: \(counts)")
        #expect(counts.written > 0)
        let out = try ProbedVideo(video)
        #expect(out.frames == counts.written)
        // Latency is bounded: frames are never queued far behind the source.
        let latency = try #require(r.stderr.split(separator: "\n").first { $0.hasPrefix("latency") })
        let p99 = try #require(latency.split(separator: ",").first { $0.contains("p99") }?
            .split(separator: " ").compactMap { Double($0) }.first)
        #expect(p99 < 2000, "p99 latency \(p99) ms")
        _ = try parseEvents(try String(contentsOfFile: events, encoding: .utf8))
    }
}
