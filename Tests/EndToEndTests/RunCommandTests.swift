import Foundation
import Testing
import TestSupport

/// `facepipe run` end to end on real encoded video made by the ffmpeg CLI from the sample clip.
@Suite(.serialized) struct RunCommandTests {
    static let clip = TestPaths.data("videos/short_hamilton_clip.mp4").path

    /// Makes a test input from the first `frames` frames of the sample clip.
    static func makeInput(_ name: String, _ encode: [String], frames: Int = 45, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try runTool("ffmpeg", ["-v", "error", "-y", "-i", clip, "-frames:v", "\(frames)"] + encode + [path])
        return path
    }

    @Test(arguments: [
        ("h264.mp4", ["-c:v", "libx264", "-c:a", "aac"], true),
        ("mpeg4.avi", ["-c:v", "mpeg4", "-an"], false),
        ("mjpeg.mkv", ["-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-an"], false),
        ("odd.mkv", ["-vf", "scale=321:241", "-c:v", "ffv1", "-an"], false),
    ])
    func processesEveryFrameOfAFile(name: String, encode: [String], audio: Bool) throws {
        let dir = try TestPaths.scratch("e2e")
        let input = try Self.makeInput(name, encode, in: dir)
        let source = try ProbedVideo(input)
        let video = dir.appendingPathComponent("out.mp4").path, events = dir.appendingPathComponent("ev.jsonl").path
        let r = try FacepipeBinary.run(["run", "--input", input, "--output", video, "--events", events])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty, "stdout must stay clean when events go to a file")
        let out = try ProbedVideo(video)
        #expect(out.codec == "h264")
        #expect(out.frames == source.frames)
        // 4:2:0 H.264 needs even sizes: odd sources are padded by one pixel.
        #expect(out.width == source.width + source.width % 2 && out.height == source.height + source.height % 2)
        #expect(out.hasAudio == audio)
        _ = try parseEvents(try String(contentsOfFile: events, encoding: .utf8))
        #expect(r.stderr.contains("frames: \(source.frames) read, \(source.frames) written, 0 dropped"))
    }

    /// No track spans a camera cut. The sample clip's first 240 frames, as coded, cut at frames 20,
    /// 82 and 211 (found by eye): stage, close-up, stage, audience. Every track's first and last
    /// frames lie in one shot, and the performer's track ends at the cut to the audience.
    @Test func noTrackSpansACameraCut() throws {
        let dir = try TestPaths.scratch("e2e-cuts")
        let input = try Self.makeInput("cuts.mp4", ["-fps_mode", "passthrough", "-c:v", "libx264", "-an"], frames: 240, in: dir)
        let events = dir.appendingPathComponent("ev.jsonl").path
        let r = try FacepipeBinary.run(["run", "--input", input, "--output", "none", "--events", events])
        #expect(r.status == 0, "\(r.stderr)")
        let ends = try parseEvents(try String(contentsOfFile: events, encoding: .utf8))
            .filter { $0["event"] as? String == "track_end" }
        let shots = [0..<20, 20..<82, 82..<211, 211..<240]
        for end in ends {
            let first = end["first_frame"] as? Int ?? -1, last = end["last_frame"] as? Int ?? -1
            #expect(shots.contains { $0.contains(first) && $0.contains(last) }, "\(end)")
        }
        #expect(ends.contains { $0["reason"] as? String == "scene_cut" && $0["frame"] as? Int == 211 }, "\(ends)")
        #expect(ends.contains { ($0["first_frame"] as? Int ?? 0) >= 211 }, "the audience's faces get tracks of their own")
    }

    @Test func truncatedFileStillGivesAPlayableVideo() throws {
        let dir = try TestPaths.scratch("e2e-trunc")
        let full = try Self.makeInput("full.ts", ["-c:v", "libx264", "-an"], frames: 90, in: dir)
        let data = try Data(contentsOf: URL(fileURLWithPath: full))
        let cut = dir.appendingPathComponent("cut.ts").path
        try data.prefix(data.count * 6 / 10).write(to: URL(fileURLWithPath: cut))
        let video = dir.appendingPathComponent("out.mp4").path, events = dir.appendingPathComponent("ev.jsonl").path
        let r = try FacepipeBinary.run(["run", "--input", cut, "--output", video, "--events", events])
        #expect(r.status == 0, "\(r.stderr)")
        let out = try ProbedVideo(video)
        #expect(out.frames > 10 && out.frames < 90)
        _ = try parseEvents(try String(contentsOfFile: events, encoding: .utf8))
    }

    @Test func interruptLeavesAPlayableVideoAndCompleteEvents() throws {
        let dir = try TestPaths.scratch("e2e-sigint")
        // Long enough that the interrupt lands mid-run.
        let input = dir.appendingPathComponent("long.mp4").path
        try runTool("ffmpeg", ["-v", "error", "-y", "-stream_loop", "3", "-i", Self.clip, "-c:v", "libx264",
                               "-preset", "ultrafast", "-c:a", "aac", input])
        let total = try ProbedVideo(input).frames
        let video = dir.appendingPathComponent("out.mp4").path, events = dir.appendingPathComponent("ev.jsonl").path
        let r = try FacepipeBinary.run(["run", "--input", input, "--output", video, "--events", events], interruptAfter: 3)
        // A partial run is not a complete one: 128 + SIGINT, as a shell reports Ctrl-C.
        #expect(r.status == 130, "\(r.stderr)")
        #expect(r.stderr.contains("stopped by SIGINT (Ctrl-C)"))
        let out = try ProbedVideo(video)
        #expect(out.frames > 0 && out.frames < total)
        #expect(out.hasAudio)
        let text = try String(contentsOfFile: events, encoding: .utf8)
        #expect(text.isEmpty || text.hasSuffix("\n"))
        _ = try parseEvents(text)
    }

    @Test func eventsOnStdoutAreTheOnlyStdout() throws {
        let dir = try TestPaths.scratch("e2e-stdout")
        let input = try Self.makeInput("in.mp4", ["-c:v", "libx264", "-an"], frames: 60, in: dir)
        let r = try FacepipeBinary.run(["run", "--pipeline", "Pipelines/events-stdout.yaml", "--input", input])
        #expect(r.status == 0, "\(r.stderr)")
        _ = try parseEvents(r.stdout)
        #expect(r.stderr.contains("detect every 2"))
    }

    @Test func badInputsFailClearly() throws {
        let dir = try TestPaths.scratch("e2e-bad")
        let missing = try FacepipeBinary.run(["run", "--input", "/nonexistent/clip.mp4", "--output", dir.appendingPathComponent("o.mp4").path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent/clip.mp4"))

        let text = dir.appendingPathComponent("notes.mp4").path
        try "not a video".write(toFile: text, atomically: true, encoding: .utf8)
        let notVideo = try FacepipeBinary.run(["run", "--input", text, "--output", dir.appendingPathComponent("o.mp4").path])
        #expect(notVideo.status != 0)
        #expect(notVideo.stderr.contains("notes.mp4"))

        let config = dir.appendingPathComponent("tracker.yaml").path
        let good = try String(contentsOf: TestPaths.repo("Configs/tracker.yaml"), encoding: .utf8)
        try good.replacingOccurrences(of: "min_hits:", with: "min_hitz:").write(toFile: config, atomically: true, encoding: .utf8)
        let badKey = try FacepipeBinary.run(["run", "--input", Self.clip, "--output", dir.appendingPathComponent("o.mp4").path,
                                             "--tracker-config", config])
        #expect(badKey.status != 0)
        #expect(badKey.stderr.contains("unknown key 'min_hitz'"))

        let noModel = try FacepipeBinary.run(["detect", Self.clip, "--model", dir.path])
        #expect(noModel.status != 0)
        #expect(noModel.stderr.contains(dir.path))
    }
}
