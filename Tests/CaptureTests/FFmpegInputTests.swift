@testable import Capture
import Testing

@Suite struct FFmpegInputTests {
    @Test(arguments: [
        ("rtsp://10.0.0.5:554/stream1", true),
        ("RTSP://cam/stream", true),
        ("rtmp://server/live/key", true),
        ("udp://239.0.0.1:1234", true),
        ("tcp://127.0.0.1:9000?listen=1", true),
        ("srt://host:9000", true),
        ("rtp://127.0.0.1:5004", true),
        ("/data/videos/clip.mp4", false),
        ("clip.mkv", false),
        ("file:/data/clip.mp4", false),
        ("file:///data/clip.mp4", false),
        ("take:2.mp4", false),   // a file name with a colon, not a protocol
        ("pipe:0", false),
    ])
    func liveByProtocol(_ location: String, _ live: Bool) {
        #expect(FFmpegInput(location).isLive(containerDuration: nil) == live)
        #expect(FFmpegInput(location).isLive(containerDuration: 12) == live)
    }

    /// HTTP can carry a recording or a live feed: the container's duration tells which.
    @Test func httpIsLiveOnlyWithoutDuration() {
        #expect(FFmpegInput("https://example.org/live.m3u8").isLive(containerDuration: nil))
        #expect(!FFmpegInput("https://example.org/talk.mp4").isLive(containerDuration: 93.5))
    }

    @Test func localPaths() {
        #expect(FFmpegInput("/a/b.mp4").localPath == "/a/b.mp4")
        #expect(FFmpegInput("b.mp4").localPath == "b.mp4")
        #expect(FFmpegInput("file:///a/b.mp4").localPath == "/a/b.mp4")
        #expect(FFmpegInput("file:b.mp4").localPath == "b.mp4")
        #expect(FFmpegInput("take:2.mp4").localPath == "take:2.mp4")
        #expect(FFmpegInput("rtsp://cam/1").localPath == nil)
        #expect(FFmpegInput("-").location == "pipe:0" && FFmpegInput("-").localPath == nil)
        #expect(FFmpegInput("rtsp://cam/1").isNetwork && !FFmpegInput("pipe:0").isNetwork && !FFmpegInput("a.mp4").isNetwork)
    }

    /// Passwords in camera URLs stay out of messages and summaries.
    @Test func displayNameDropsCredentials() {
        #expect(FFmpegInput("rtsp://admin:secret@10.0.0.5:554/stream1").displayName == "rtsp://10.0.0.5:554/stream1")
        #expect(FFmpegInput("rtsp://10.0.0.5/a@b").displayName == "rtsp://10.0.0.5/a@b")
        #expect(FFmpegInput("http://host/x?user=a@b").displayName == "http://host/x?user=a@b")
        #expect(FFmpegInput("/videos/clip.mp4").displayName == "/videos/clip.mp4")
    }
}

@Suite struct FrameClockTests {
    private let none = Int64.min  // AV_NOPTS_VALUE

    @Test func keepsDecoderTimestamps() {
        var clock = FrameClock(period: 3003)
        #expect([0, 3003, 6006, 9009].map { clock.next(bestEffort: $0, duration: 3003) } == [0, 3003, 6006, 9009])
    }

    @Test func synthesizesMissingTimestampsFromDurationOrPeriod() {
        var clock = FrameClock(period: 40)
        #expect(clock.next(bestEffort: none, duration: 0) == 0)
        #expect(clock.next(bestEffort: none, duration: 0) == 40)
        #expect(clock.next(bestEffort: none, duration: 25) == 65)
        #expect(clock.next(bestEffort: 200, duration: 0) == 200)
        #expect(clock.next(bestEffort: none, duration: 0) == 240)
    }

    @Test func neverRepeatsOrGoesBack() {
        var clock = FrameClock(period: 10)
        let out = [100, 100, 90, 130, 120].map { clock.next(bestEffort: Int64($0), duration: 10) }
        #expect(out == [100, 101, 102, 130, 131])
    }
}
