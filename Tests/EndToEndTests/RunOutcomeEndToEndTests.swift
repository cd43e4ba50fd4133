import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// How runs end (issue 12): signals finish the outputs and give 128 + N, a killed fragmented
/// run stays playable, rotation is honoured, and the options for parts of files and encoders.
@Suite(.serialized) struct RunOutcomeEndToEndTests {
    /// The sample clip twice over (550 frames): long enough that a signal lands mid-run.
    private func longInput(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("long.mp4").path
        try runTool("ffmpeg", ["-v", "error", "-y", "-stream_loop", "1", "-i", RunCommandTests.clip, "-c:v", "libx264",
                               "-preset", "ultrafast", "-c:a", "aac", path])
        return path
    }

    private func partialFile(for output: String, of run: BackgroundRun) -> String { "\(output).\(run.processID).part" }

    @Test(arguments: [(SIGTERM, "SIGTERM"), (SIGQUIT, "SIGQUIT"), (SIGHUP, "SIGHUP")])
    func aSignalFinishesTheOutputsAndExitsWith128PlusItsNumber(signal: Int32, name: String) throws {
        let dir = try TestPaths.scratch("e2e-signal")
        let input = try longInput(in: dir)
        let video = dir.appendingPathComponent("out.mp4").path, events = dir.appendingPathComponent("ev.jsonl").path
        let run = try BackgroundRun(["run", "--input", input, "--output", video, "--events", events])
        #expect(run.waitUntil(seconds: 60) { fileSize(partialFile(for: video, of: run)) > 60_000 }, "the run never got going")
        run.send(signal)
        let r = run.finish()
        #expect(r.status == 128 + signal, "\(r.stderr)")
        #expect(r.stderr.contains("stopped by \(name)"), "\(r.stderr)")
        #expect(!r.stderr.contains("Backtrac") && !r.stderr.contains("crashed"), "\(r.stderr)")
        let out = try ProbedVideo(video)
        #expect(out.frames > 0 && out.frames < 550)
        #expect(out.hasAudio)
        let text = try String(contentsOfFile: events, encoding: .utf8)
        #expect(text.isEmpty || text.hasSuffix("\n"))
        _ = try parseEvents(text)
        #expect(folderListing(dir) == ["ev.jsonl", "long.mp4", "out.mp4"])
    }

    /// A closed terminal or SSH session on a live run: the MP4 still gets its index.
    @Test func sighupOnALiveRunFinishesTheOutputs() throws {
        let dir = try TestPaths.scratch("e2e-sighup-live")
        let port = Int.random(in: 20000...45000)
        let video = dir.appendingPathComponent("live.mp4").path, events = dir.appendingPathComponent("ev.jsonl").path
        let pusher = Process()
        pusher.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        pusher.arguments = ["ffmpeg", "-v", "quiet", "-re", "-i", RunCommandTests.clip, "-an", "-c:v", "libx264",
                            "-preset", "ultrafast", "-tune", "zerolatency", "-f", "mpegts", "tcp://127.0.0.1:\(port)"]
        let run = try BackgroundRun(["run", "--input", "tcp://127.0.0.1:\(port)?listen=1", "--output", video,
                                     "--events", events, "--threads", "1"])
        usleep(1_500_000)  // let facepipe listen before the sender connects
        try pusher.run()
        #expect(run.waitUntil(seconds: 30) { fileSize(partialFile(for: video, of: run)) > 40_000 }, "no frames arrived")
        run.send(SIGHUP)
        let r = run.finish()
        pusher.terminate()
        pusher.waitUntilExit()
        #expect(r.status == 129, "\(r.stderr)")
        #expect(r.stderr.contains("stopped by SIGHUP"), "\(r.stderr)")
        let written = try #require(FrameCounts(stderr: r.stderr), "\(r.stderr)").written
        #expect(written > 0)
        #expect(try ProbedVideo(video).frames == written)
        _ = try parseEvents(try String(contentsOfFile: events, encoding: .utf8))
    }

    @Test func aSecondCtrlCAbortsAndIsStillNonZero() throws {
        let dir = try TestPaths.scratch("e2e-abort")
        let input = try longInput(in: dir)
        let video = dir.appendingPathComponent("out.mp4").path
        // The slow engine keeps frames in flight long enough for the second signal to land among them.
        let run = try BackgroundRun(["run", "--input", input, "--output", video, "--events", "none",
                                     "--engine", "fp32", "--threads", "1"])
        #expect(run.waitUntil(seconds: 60) { fileSize(partialFile(for: video, of: run)) > 60_000 })
        run.send(SIGINT)
        usleep(100_000)  // standard signals do not queue: two sent at once arrive as one
        run.send(SIGINT)
        let r = run.finish()
        #expect(r.status == 130, "\(r.stderr)")
        #expect(r.stderr.contains("aborted"), "\(r.stderr)")
        #expect(try ProbedVideo(video).frames > 0)
    }

    /// --fragmented: after SIGKILL (no chance to finish) the partial file plays up to its last fragment,
    /// and the final name was never touched.
    @Test func aFragmentedVideoSurvivesSIGKILL() throws {
        let dir = try TestPaths.scratch("e2e-sigkill")
        let input = try longInput(in: dir)
        let video = dir.appendingPathComponent("frag.mp4").path
        let run = try BackgroundRun(["run", "--input", input, "--output", video, "--events", "none", "--fragmented"])
        let partial = partialFile(for: video, of: run)
        #expect(run.waitUntil(seconds: 60) { fileSize(partial) > 150_000 }, "the run never got going")
        run.send(SIGKILL)
        let r = run.finish()
        #expect(r.status == 128 + SIGKILL)
        #expect(!FileManager.default.fileExists(atPath: video))
        let salvaged = try ProbedVideo(partial)
        #expect(salvaged.codec == "h264")
        #expect(salvaged.frames >= 30, "only \(salvaged.frames) frames playable")
    }

    /// The same on a live stream, where a killed recorder is the usual way a run ends badly.
    @Test func aFragmentedLiveRecordingSurvivesSIGKILL() throws {
        let dir = try TestPaths.scratch("e2e-sigkill-live")
        let port = Int.random(in: 20000...45000)
        let video = dir.appendingPathComponent("live.mp4").path
        let pusher = Process()
        pusher.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        pusher.arguments = ["ffmpeg", "-v", "quiet", "-re", "-i", RunCommandTests.clip, "-an", "-c:v", "libx264",
                            "-preset", "ultrafast", "-tune", "zerolatency", "-f", "mpegts", "tcp://127.0.0.1:\(port)"]
        let run = try BackgroundRun(["run", "--input", "tcp://127.0.0.1:\(port)?listen=1", "--output", video,
                                     "--events", "none", "--threads", "1", "--fragmented"])
        usleep(1_500_000)  // let facepipe listen before the sender connects
        try pusher.run()
        let partial = partialFile(for: video, of: run)
        #expect(run.waitUntil(seconds: 30) { fileSize(partial) > 100_000 }, "no fragments arrived")
        run.send(SIGKILL)
        let r = run.finish()
        pusher.terminate()
        pusher.waitUntilExit()
        #expect(r.status == 128 + SIGKILL)
        let salvaged = try ProbedVideo(partial)
        #expect(salvaged.codec == "h264" && salvaged.frames >= 15, "\(salvaged.frames) frames playable")
    }

    @Test func mpegTSOutputIsWritten() throws {
        let dir = try TestPaths.scratch("e2e-ts")
        let input = try RunCommandTests.makeInput("in.mp4", ["-c:v", "libx264", "-an"], frames: 30, in: dir)
        let video = dir.appendingPathComponent("out.ts").path
        let r = try FacepipeBinary.run(["run", "--input", input, "--output", video, "--events", "none"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("mpegts container"))
        let out = try ProbedVideo(video)
        #expect(out.codec == "h264" && out.frames == 30)
    }

    /// A phone video: coded sideways (360x640) with a display matrix that shows it as 640x360.
    /// Detection must see it upright: the boxes match those found on the upright original.
    @Test func aRotatedVideoIsDetectedUprightAndWrittenAsItPlays() throws {
        let dir = try TestPaths.scratch("e2e-rotate")
        let upright = try RunCommandTests.makeInput("upright.mp4", ["-c:v", "libx264", "-an"], frames: 30, in: dir)
        let sideways = try RunCommandTests.makeInput("sideways.mp4", ["-vf", "transpose=1", "-c:v", "libx264", "-an"],
                                                     frames: 30, in: dir)
        let tagged = dir.appendingPathComponent("phone.mp4").path
        try runTool("ffmpeg", ["-v", "error", "-y", "-i", sideways, "-c", "copy", "-metadata:s:v", "rotate=90", tagged])
        var boxes: [String: [[Double]]] = [:]
        for (name, path) in [("upright", upright), ("phone", tagged)] {
            let video = dir.appendingPathComponent("\(name)-out.mp4").path, events = dir.appendingPathComponent("\(name).jsonl").path
            let r = try FacepipeBinary.run(["run", "--input", path, "--output", video, "--events", events])
            #expect(r.status == 0, "\(r.stderr)")
            let out = try ProbedVideo(video)
            #expect(out.width == 640 && out.height == 360)
            if name == "phone" {
                #expect(r.stderr.contains("rotation: the input's display matrix turns it 90° counter-clockwise"), "\(r.stderr)")
                let side = try runTool("ffprobe", ["-v", "error", "-show_entries", "stream_side_data", "-of", "json", video])
                #expect(!side.stdout.contains("Display Matrix"), "the output is written upright, without a matrix")
            }
            boxes[name] = try parseEvents(try String(contentsOfFile: events, encoding: .utf8))
                .filter { $0["event"] as? String == "track_start" }
                .compactMap { ($0["box"] as? [NSNumber])?.map(\.doubleValue) }
        }
        let reference = try #require(boxes["upright"]), phone = try #require(boxes["phone"])
        #expect(!reference.isEmpty)
        // The phone file is a separate encode, so pixels (and boxes) differ a little: match by overlap.
        func iou(_ a: [Double], _ b: [Double]) -> Double {
            let w = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
            let h = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
            return w * h / (a[2] * a[3] + b[2] * b[3] - w * h)
        }
        for box in reference {
            #expect(phone.contains { iou($0, box) >= 0.85 }, "no match for \(box) in \(phone)")
        }
    }

    @Test func startAndDurationProcessPartOfAFile() throws {
        let dir = try TestPaths.scratch("e2e-window")
        let input = try RunCommandTests.makeInput("in.mp4", ["-c:v", "libx264", "-an"], frames: 90, in: dir)
        let video = dir.appendingPathComponent("out.mp4").path, events = dir.appendingPathComponent("ev.jsonl").path
        let r = try FacepipeBinary.run(["run", "--input", input, "--output", video, "--events", events,
                                        "--start", "1", "--duration", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let frames = try ProbedVideo(video).frames
        #expect(frames >= 29 && frames <= 31, "\(frames) frames for one second at 29.97 fps")
        // The part plays from its beginning (no lead-in of one empty second), as with ffmpeg's -ss.
        let format = try runTool("ffprobe", ["-v", "error", "-show_entries", "format=start_time,duration", "-of", "json", video])
        let times = (try JSONSerialization.jsonObject(with: Data(format.stdout.utf8)) as? [String: Any])?["format"] as? [String: Any]
        #expect(abs(Double(times?["start_time"] as? String ?? "") ?? 9) < 0.001, "\(format.stdout)")
        #expect(abs((Double(times?["duration"] as? String ?? "") ?? 9) - 1) < 0.05, "\(format.stdout)")
        // Event times stay the input's own.
        let eventTimes = try parseEvents(try String(contentsOfFile: events, encoding: .utf8)).compactMap { $0["t"] as? Double }
        #expect(!eventTimes.isEmpty)
        #expect(eventTimes.allSatisfy { $0 >= 0.999 && $0 < 2.0 }, "\(eventTimes.min() ?? 0)...\(eventTimes.max() ?? 0)")
        let past = try FacepipeBinary.run(["run", "--input", input, "--output", "none", "--events", "-", "--start", "99"])
        #expect(past.status == 1 && past.stderr.contains("past its end"), "\(past.stderr)")
    }

    /// --realtime reads a file at its own frame rate (a second of video takes at least a second), keeps
    /// every frame when lossless, and is refused for a camera, which delivers in real time already.
    @Test func realtimePacesAFileAndIsRefusedForACamera() throws {
        let dir = try TestPaths.scratch("e2e-realtime")
        let input = try RunCommandTests.makeInput("in.mp4", ["-c:v", "libx264", "-an"], frames: 45, in: dir)
        let video = dir.appendingPathComponent("out.mp4").path
        let started = Date()
        let r = try FacepipeBinary.run(["run", "--input", input, "--output", video, "--events", "none", "--realtime"])
        let seconds = Date().timeIntervalSince(started)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(seconds >= 44 / 29.97, "45 frames at 29.97 fps delivered in \(seconds) s")
        #expect(try ProbedVideo(video).frames == 45)
        let camera = try FacepipeBinary.run(["run", "--input", "/dev/video99", "--realtime", "--output", "none", "--events", "-"])
        #expect(camera.status == 64 && camera.stderr.contains("--realtime applies to files and streams"), "\(camera.stderr)")
    }

    @Test func encoderOptionsArePassedThroughAndCheckedUpFront() throws {
        let dir = try TestPaths.scratch("e2e-encoder")
        let input = try RunCommandTests.makeInput("in.mp4", ["-c:v", "libx264", "-an"], frames: 30, in: dir)
        func run(_ name: String, _ options: [String]) throws -> (ToolResult, String) {
            let video = dir.appendingPathComponent(name).path
            return (try FacepipeBinary.run(["run", "--input", input, "--output", video, "--events", "none"] + options), video)
        }
        let (mpeg4, mpeg4Path) = try run("m.mp4", ["--encoder", "mpeg4"])
        #expect(mpeg4.status == 0, "\(mpeg4.stderr)")
        #expect(try ProbedVideo(mpeg4Path).codec == "mpeg4")
        #expect(!mpeg4.stderr.contains("FALLBACK"))
        let (fine, finePath) = try run("fine.mp4", ["--crf", "18"])
        let (coarse, coarsePath) = try run("coarse.mp4", ["--crf", "40", "--preset", "ultrafast"])
        #expect(fine.status == 0 && coarse.status == 0)
        #expect(coarse.stderr.contains("preset ultrafast crf 40"), "\(coarse.stderr)")
        #expect(fileSize(coarsePath) < fileSize(finePath), "crf 40 must be smaller than crf 18")

        let (missing, _) = try run("h.mp4", ["--encoder", "h264_no_such_encoder"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("'h264_no_such_encoder' is not in this FFmpeg build") && missing.stderr.contains("libx264"),
                "\(missing.stderr)")
        let (badPreset, _) = try run("p.mp4", ["--preset", "quickest"])
        #expect(badPreset.status == 1 && badPreset.stderr.contains("ultrafast, superfast"), "\(badPreset.stderr)")
        let (badCRF, _) = try run("c.mp4", ["--crf", "-1"])
        #expect(badCRF.status != 0 && badCRF.stderr.contains("--crf must be in 0...51"), "\(badCRF.stderr)")
        #expect(!folderListing(dir).contains { ["h.mp4", "p.mp4", "c.mp4"].contains($0) || $0.hasSuffix(".part") })
    }

    @Test func theSummarySaysWhatWasFoundAndEventBoxesLieInTheFrame() throws {
        let dir = try TestPaths.scratch("e2e-summary")
        let input = try RunCommandTests.makeInput("in.mp4", ["-c:v", "libx264", "-an"], frames: 90, in: dir)
        let events = dir.appendingPathComponent("ev.jsonl").path
        let r = try FacepipeBinary.run(["run", "--input", input, "--output", "none", "--events", events])
        #expect(r.status == 0, "\(r.stderr)")
        let parsed = try parseEvents(try String(contentsOfFile: events, encoding: .utf8))
        let tracks = parsed.filter { $0["event"] as? String == "track_start" }.count
        let faces = parsed.filter { $0["event"] as? String == "face" }.count
        #expect(tracks > 0)
        #expect(r.stderr.contains("found: \(tracks) face track\(tracks == 1 ? "" : "s"), \(faces) face boxes reported; "
                                  + "\(parsed.count) events written to '\(events)'"), "\(r.stderr)")
        #expect(r.stderr.contains("complete: the input was read to its end"))
        // No video output: no sink timing that means nothing.
        #expect(!r.stderr.split(separator: "\n").contains { $0.contains("sink") && $0.contains("fps alone") }, "\(r.stderr)")
        #expect(r.stderr.contains("no video output"))
        for event in parsed {
            for key in ["box", "best_box"] {
                guard let box = (event[key] as? [NSNumber])?.map(\.doubleValue) else { continue }
                #expect(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 640.05 && box[1] + box[3] <= 360.05, "\(event)")
            }
        }
    }

    @Test func badValuesAreRefusedNamingTheFileAndKey() throws {
        let dir = try TestPaths.scratch("e2e-values")
        let input = try RunCommandTests.makeInput("in.mp4", ["-c:v", "libx264", "-an"], frames: 5, in: dir)
        let engine = dir.appendingPathComponent("engine.yaml").path
        try "engine: int4\nthreads: 2\n".write(toFile: engine, atomically: true, encoding: .utf8)
        let int4 = try FacepipeBinary.run(["run", "--input", input, "--output", "none", "--events", "-", "--engine-config", engine])
        #expect(int4.status != 0)
        #expect(int4.stderr.contains("\(engine): engine: expected one of int8, fp32, found 'int4'"), "\(int4.stderr)")

        let detector = dir.appendingPathComponent("detector.yaml").path
        try "model: Configs/models/ssh-lite\nscore_threshold: -0.3\n".write(toFile: detector, atomically: true, encoding: .utf8)
        let negative = try FacepipeBinary.run(["detect", TestPaths.data("photos/dlib_faces/images/2008_002506.jpg").path, "--detector-config", detector])
        #expect(negative.status != 0)
        #expect(negative.stderr.contains("\(detector): score_threshold: must be in 0...1, found -0.3"), "\(negative.stderr)")

        let score = try FacepipeBinary.run(["run", "--input", input, "--output", "none", "--events", "-", "--score", "-1"])
        #expect(score.status != 0)
        #expect(score.stderr.contains("--score must be in 0...1, got -1.0"), "\(score.stderr)")
    }

    @Test func aModelWithNonFiniteWeightsIsRefusedNamingTheTensor() throws {
        let dir = try TestPaths.scratch("e2e-nan-model")
        let model = dir.appendingPathComponent("model")
        try FileManager.default.copyItem(at: TestPaths.repo("Configs/models/ssh-lite"), to: model)
        // Poison the first float of the first tensor's data with a NaN, straight in the file's bytes.
        let weights = model.appendingPathComponent("weights.safetensors")
        var data = try Data(contentsOf: weights)
        let headerLength = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian })
        let header = try #require(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        let (name, first) = try #require(header.compactMap { key, value -> (String, Int)? in
            guard let offsets = (value as? [String: Any])?["data_offsets"] as? [Int] else { return nil }
            return (key, offsets[0])
        }.min { $0.1 < $1.1 })
        let nan = Float.nan.bitPattern.littleEndian
        withUnsafeBytes(of: nan) { data.replaceSubrange((8 + headerLength + first)..<(8 + headerLength + first + 4), with: $0) }
        try data.write(to: weights)
        let r = try FacepipeBinary.run(["detect", TestPaths.data("photos/dlib_faces/images/2008_002506.jpg").path, "--model", model.path, "--engine", "fp32"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("tensor '\(name)': holds 1 non-finite value"), "\(r.stderr)")
    }
}
