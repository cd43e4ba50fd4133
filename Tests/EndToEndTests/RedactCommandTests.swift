import Foundation
import Testing
import TestSupport

/// `facepipe run --redact` end to end on the sample clip (real faces, AAC audio).
@Suite(.serialized) struct RedactCommandTests {
    static let clip = TestPaths.data("videos/short_hamilton_clip.mp4").path

    /// Video frame times (seconds) as ffprobe reads them from the container.
    static func frameTimes(_ path: String) throws -> [Double] {
        let r = try runTool("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time",
                                         "-of", "csv=p=0", path])
        return r.stdout.split(separator: "\n").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }.sorted()
    }

    /// The audio stream: codec and duration.
    static func audio(_ path: String) throws -> (codec: String, duration: Double)? {
        let r = try runTool("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=codec_name,duration",
                                         "-of", "csv=p=0", path])
        let fields = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
        guard fields.count == 2, let duration = Double(fields[1]) else { return nil }
        return (String(fields[0]), duration)
    }

    /// One decoded frame as planar yuv420p bytes.
    static func frame(_ path: String, index: Int, width: Int, height: Int) throws -> [UInt8] {
        let dir = try TestPaths.scratch("redact-frame")
        let raw = dir.appendingPathComponent("f.yuv").path
        try runTool("ffmpeg", ["-v", "error", "-y", "-i", path, "-vf", "select=eq(n\\,\(index))", "-frames:v", "1",
                               "-pix_fmt", "yuv420p", "-f", "rawvideo", raw])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: raw)))
    }

    @Test(arguments: [["--redact", "blur"], ["--redact", "pixelate", "--detect-every", "3"], ["--redact", "solid", "--overlay"]])
    func redactedVideoKeepsEveryFrameItsTimestampsAndTheAudio(flags: [String]) throws {
        let dir = try TestPaths.scratch("e2e-redact")
        let input = dir.appendingPathComponent("in.mp4").path
        try runTool("ffmpeg", ["-v", "error", "-y", "-i", Self.clip, "-frames:v", "60", "-c:v", "libx264", "-c:a", "aac", input])
        let video = dir.appendingPathComponent("out.mp4").path, events = dir.appendingPathComponent("ev.jsonl").path
        let r = try FacepipeBinary.run(["run", "--input", input, "--output", video, "--events", events] + flags)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("redacting faces: \(flags[1])"))
        #expect(r.stderr.contains("over 60 frames;") && r.stderr.contains("frames with nothing hidden"))
        let inTimes = try Self.frameTimes(input), outTimes = try Self.frameTimes(video)
        #expect(inTimes.count == 60 && outTimes.count == inTimes.count)
        #expect(zip(inTimes, outTimes).allSatisfy { abs($0 - $1) < 0.001 }, "\(inTimes.prefix(5)) vs \(outTimes.prefix(5))")
        let inAudio = try #require(try Self.audio(input)), outAudio = try #require(try Self.audio(video))
        #expect(outAudio.codec == inAudio.codec)
        #expect(abs(outAudio.duration - inAudio.duration) < 0.1)
        // Events are still written beside the video.
        _ = try parseEvents(try String(contentsOfFile: events, encoding: .utf8))
    }

    /// Pipelines/redact.yaml fills the faces; boxes are drawn on top only with --overlay.
    @Test func redactPipelineHidesFacesAndDrawsBoxesOnlyWhenAsked() throws {
        let dir = try TestPaths.scratch("e2e-redact-pipe")
        let input = dir.appendingPathComponent("in.mp4").path
        try runTool("ffmpeg", ["-v", "error", "-y", "-ss", "4.5", "-i", Self.clip, "-frames:v", "20", "-c:v", "libx264",
                               "-crf", "12", "-an", input])
        func run(_ name: String, _ extra: [String]) throws -> [UInt8] {
            let out = dir.appendingPathComponent(name).path
            let r = try FacepipeBinary.run(["run", "--pipeline", "Pipelines/redact.yaml", "--input", input, "--output", out,
                                            "--events", "none", "--redact", "solid", "--redact-color", "#00FF00"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return try Self.frame(out, index: 10, width: 640, height: 360)
        }
        let plain = try run("plain.mp4", []), boxed = try run("boxed.mp4", ["--overlay"])
        // #00FF00 in BT.601 limited range: U 128 - .291 x 255 = 54, V 128 - .368 x 255 = 34.
        let chroma = 320 * 180, u = plain[(640 * 360)...].prefix(chroma), v = plain[(640 * 360 + chroma)...]
        let green = zip(u, v).filter { abs(Int($0) - 54) <= 6 && abs(Int($1) - 34) <= 6 }.count
        #expect(green > chroma / 20, "the face region must be filled (\(green) of \(chroma) chroma samples green)")
        #expect(plain != boxed, "--overlay draws boxes on top")
    }

    /// A live stream pushed at 4x real time: frames are dropped before detection and many of those
    /// written were passed over by the detector, yet masks are on nearly every written frame (the
    /// tracker's predictions and held detections fill the frames the detector skipped).
    @Test func liveStreamIsRedactedOnFramesTheDetectorSkipped() throws {
        let dir = try TestPaths.scratch("e2e-redact-live")
        let port = Int.random(in: 20000...45000)
        let video = dir.appendingPathComponent("live.mp4").path
        let pusher = Process()
        pusher.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        pusher.arguments = ["ffmpeg", "-v", "error", "-readrate", "4", "-i", Self.clip, "-an", "-c:v", "libx264",
                            "-preset", "ultrafast", "-tune", "zerolatency", "-f", "mpegts", "tcp://127.0.0.1:\(port)"]
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.5) { try? pusher.run() }
        let r = try FacepipeBinary.run(["run", "--pipeline", "Pipelines/redact.yaml", "--input", "tcp://127.0.0.1:\(port)?listen=1",
                                        "--output", video, "--events", "none", "--threads", "1",
                                        "--redact", "solid", "--redact-color", "#00FF00"])
        pusher.waitUntilExit()
        // The sender goes away when its file ends; where runs report that as partial, the status is 2.
        #expect(r.status == 0 || (r.status == 2 && r.stderr.contains("live input ended")), "\(r.stderr)")
        #expect(r.stderr.contains("latest policy"))
        let frames = try #require(r.stderr.split(separator: "\n").first { $0.hasPrefix("frames:") })
        let detection = try #require(r.stderr.split(separator: "\n").first { $0.hasPrefix("detection:") })
        #expect(frames.contains(" dropped") && !frames.contains(" 0 dropped"), "\(frames)")
        #expect(!detection.contains(" 0 passed over"), "\(detection)")
        // Every written frame, shrunk to 160x90: some chroma must be the mask's green.
        let raw = dir.appendingPathComponent("all.yuv").path
        try runTool("ffmpeg", ["-v", "error", "-y", "-i", video, "-vf", "scale=160:90", "-pix_fmt", "yuv420p", "-f", "rawvideo", raw])
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: raw)))
        let size = 160 * 90 * 3 / 2, chroma = 80 * 45
        let count = bytes.count / size
        let masked = (0..<count).filter { f in
            let u = bytes[(f * size + 160 * 90)...].prefix(chroma), v = bytes[(f * size + 160 * 90 + chroma)...].prefix(chroma)
            return zip(u, v).contains { abs(Int($0) - 54) <= 8 && abs(Int($1) - 34) <= 8 }
        }.count
        #expect(count > 20 && masked * 100 >= count * 95, "\(masked) of \(count) written frames carry a mask")
    }

    /// Events on stdout beside the redacted video: stdout holds only event lines.
    @Test func eventsGoToStdoutBesideTheRedactedVideo() throws {
        let dir = try TestPaths.scratch("e2e-redact-stdout")
        let input = dir.appendingPathComponent("in.mp4").path
        try runTool("ffmpeg", ["-v", "error", "-y", "-i", Self.clip, "-frames:v", "40", "-c:v", "libx264", "-an", input])
        let video = dir.appendingPathComponent("out.mp4").path
        let r = try FacepipeBinary.run(["run", "--pipeline", "Pipelines/redact.yaml", "--input", input, "--output", video,
                                        "--events", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let events = try parseEvents(r.stdout)
        #expect(events.contains { $0["event"] as? String == "track_start" })
        #expect(try ProbedVideo(video).frames == 40)
    }

    @Test func redactionNeedsAStageThatCanHide() throws {
        let dir = try TestPaths.scratch("e2e-redact-bad")
        let r = try FacepipeBinary.run(["run", "--pipeline", "Pipelines/events-stdout.yaml", "--input", Self.clip,
                                        "--output", dir.appendingPathComponent("o.mp4").path, "--redact", "blur"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("no overlay or redact stage"))
        let color = try FacepipeBinary.run(["run", "--input", Self.clip, "--output", dir.appendingPathComponent("o.mp4").path,
                                            "--redact", "solid", "--redact-color", "green"])
        #expect(color.status != 0 && color.stderr.contains("--redact-color"))
    }
}
