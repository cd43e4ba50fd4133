import Foundation
import Testing
import TestSupport

/// Nothing the user had is lost (issue 12): the `facepipe` binary on real video made by the
/// ffmpeg CLI, with outputs that are the input, outputs that exist, runs that fail early, and
/// containers that cannot hold the video.
@Suite(.serialized) struct OutputSafetyEndToEndTests {
    private func input(in dir: URL, frames: Int = 30) throws -> String {
        try RunCommandTests.makeInput("in.mp4", ["-c:v", "libx264", "-an"], frames: frames, in: dir)
    }

    private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test(arguments: ["same path", "symlink", "hard link", "dir/../dir"])
    func anOutputThatIsTheInputIsRefusedAndTheInputKept(how: String) throws {
        let dir = try TestPaths.scratch("e2e-same")
        let input = try input(in: dir)
        let before = try bytes(input)
        let sub = dir.appendingPathComponent("sub").path
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        let output: String
        switch how {
        case "symlink":
            output = dir.appendingPathComponent("link.mp4").path
            try FileManager.default.createSymbolicLink(atPath: output, withDestinationPath: input)
        case "hard link":
            output = dir.appendingPathComponent("hard.mp4").path
            try FileManager.default.linkItem(atPath: input, toPath: output)
        case "dir/../dir":
            output = "\(sub)/../../\(dir.lastPathComponent)/in.mp4"
        default:
            output = input
        }
        let r = try FacepipeBinary.run(["run", "--input", input, "--output", output, "--events", "none", "-y"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("is the input file"), "\(r.stderr)")
        #expect(try bytes(input) == before)
        #expect(!folderListing(dir).contains { $0.hasSuffix(".part") })
        // The events file is checked the same way.
        let events = try FacepipeBinary.run(["run", "--input", input, "--output", "none", "--events", output, "-y"])
        #expect(events.status == 1 && events.stderr.contains("is the input file"), "\(events.stderr)")
        #expect(try bytes(input) == before)
    }

    @Test func existingOutputsAreNeverReplacedSilently() throws {
        let dir = try TestPaths.scratch("e2e-exists")
        let input = try input(in: dir)
        let video = dir.appendingPathComponent("out.mp4").path, events = dir.appendingPathComponent("ev.jsonl").path
        try Data("the user's earlier video".utf8).write(to: URL(fileURLWithPath: video))
        try Data("the user's earlier events\n".utf8).write(to: URL(fileURLWithPath: events))
        let args = ["run", "--input", input, "--output", video, "--events", events]

        let plain = try FacepipeBinary.run(args)  // no terminal to ask on: refused, like ffmpeg
        #expect(plain.status == 1)
        #expect(plain.stderr.contains("already exists") && plain.stderr.contains("-y/--overwrite"), "\(plain.stderr)")
        let never = try FacepipeBinary.run(args + ["-n"])
        #expect(never.status == 1)
        #expect(never.stderr.contains("-n/--no-overwrite was given"), "\(never.stderr)")
        #expect(try String(contentsOfFile: video, encoding: .utf8) == "the user's earlier video")
        #expect(try String(contentsOfFile: events, encoding: .utf8) == "the user's earlier events\n")

        let replaced = try FacepipeBinary.run(args + ["--overwrite"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try ProbedVideo(video).frames == 30)
        _ = try parseEvents(try String(contentsOfFile: events, encoding: .utf8))
        #expect(folderListing(dir) == ["ev.jsonl", "in.mp4", "out.mp4"])

        let both = try FacepipeBinary.run(args + ["-y", "-n"])
        #expect(both.status != 0 && both.stderr.contains("contradict"), "\(both.stderr)")
    }

    @Test func thePipelineDefaultOutputsInTheWorkingFolderAreKept() throws {
        let dir = try TestPaths.scratch("e2e-defaults")
        let input = try input(in: dir)
        let video = dir.appendingPathComponent("annotated.mp4").path, events = dir.appendingPathComponent("annotated.jsonl").path
        try Data("old video".utf8).write(to: URL(fileURLWithPath: video))
        try Data("old events\n".utf8).write(to: URL(fileURLWithPath: events))
        let r = try runTool(FacepipeBinary.path, ["run", "--input", input], check: false, directory: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("'annotated.mp4' already exists"), "\(r.stderr)")
        #expect(try String(contentsOfFile: video, encoding: .utf8) == "old video")
        #expect(try String(contentsOfFile: events, encoding: .utf8) == "old events\n")
    }

    /// Without --events, the events file goes beside the video, named after it, not into the working folder.
    @Test func theEventsFileFollowsTheVideoWhenNotNamed() throws {
        let dir = try TestPaths.scratch("e2e-beside")
        let input = try input(in: dir)
        let work = dir.appendingPathComponent("work"), out = dir.appendingPathComponent("out")
        for folder in [work, out] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let r = try runTool(FacepipeBinary.path, ["run", "--input", input, "--output", out.appendingPathComponent("clip.v1.mp4").path],
                            check: false, directory: work)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(folderListing(out) == ["clip.v1.jsonl", "clip.v1.mp4"])
        #expect(folderListing(work).isEmpty, "nothing is written to the working folder")
        _ = try parseEvents(try String(contentsOfFile: out.appendingPathComponent("clip.v1.jsonl").path, encoding: .utf8))
        // A relative video path: the events file sits beside it, relative to the same folder.
        let relative = try runTool(FacepipeBinary.path, ["run", "--input", input, "--output", "../out/second.mkv"],
                                   check: false, directory: work)
        #expect(relative.status == 0, "\(relative.stderr)")
        #expect(folderListing(out) == ["clip.v1.jsonl", "clip.v1.mp4", "second.jsonl", "second.mkv"])
        #expect(folderListing(work).isEmpty)
    }

    /// With -y, a run that fails before its first frame still leaves the old files as they were.
    @Test(arguments: ["events in /proc", "not a video", "bad tracker key", "detect-every 0"])
    func aRunThatFailsBeforeItsFirstFrameLeavesExistingFilesUntouched(failure: String) throws {
        let dir = try TestPaths.scratch("e2e-early")
        var input = try input(in: dir)
        let video = dir.appendingPathComponent("annotated.mp4").path
        var events = dir.appendingPathComponent("annotated.jsonl").path
        // A good earlier result.
        let first = try FacepipeBinary.run(["run", "--input", input, "--output", video, "--events", events])
        #expect(first.status == 0, "\(first.stderr)")
        let (videoBefore, eventsBefore) = (try bytes(video), try bytes(events))
        var extra: [String] = []
        switch failure {
        case "events in /proc": events = "/proc/facepipe-test/events.jsonl"
        case "not a video":
            input = dir.appendingPathComponent("notes.mp4").path
            try "not a video".write(toFile: input, atomically: true, encoding: .utf8)
        case "bad tracker key":
            let config = dir.appendingPathComponent("tracker.yaml").path
            let good = try String(contentsOf: TestPaths.repo("Configs/tracker.yaml"), encoding: .utf8)
            try good.replacingOccurrences(of: "min_hits:", with: "min_hitz:").write(toFile: config, atomically: true, encoding: .utf8)
            extra = ["--tracker-config", config]
        default: extra = ["--detect-every", "0"]
        }
        let r = try FacepipeBinary.run(["run", "--input", input, "--output", video, "--events", events, "-y"] + extra)
        #expect(r.status != 0)
        #expect(try bytes(video) == videoBefore)
        #expect(try bytes(dir.appendingPathComponent("annotated.jsonl").path) == eventsBefore)
        #expect(!folderListing(dir).contains { $0.hasSuffix(".part") }, "\(folderListing(dir))")
    }

    @Test(arguments: ["x.gif", "x.webm"])
    func containersThatCannotHoldTheVideoAreRefusedUpFront(name: String) throws {
        let dir = try TestPaths.scratch("e2e-gif")
        let input = try input(in: dir)
        let r = try FacepipeBinary.run(["run", "--input", input, "--output", dir.appendingPathComponent(name).path,
                                        "--events", dir.appendingPathComponent("x.jsonl").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("container cannot hold h264 (libx264) video"), "\(r.stderr)")
        #expect(r.stderr.contains(".mp4, .mkv, .mov, .ts"), "\(r.stderr)")
        // facepipe's own message, no FFmpeg line before it, and no stub left behind.
        #expect(!r.stderr.contains("Invalid argument") && !r.stderr.contains("ffmpeg"), "\(r.stderr)")
        #expect(folderListing(dir) == ["in.mp4"])
    }

    @Test func ffmpegLinesAreQuietByDefaultAndNeverShowAPassword() throws {
        let port = unusedLoopbackPort()
        let url = "tcp://viewer:hunter2secret@127.0.0.1:\(port)/feed"
        let dir = try TestPaths.scratch("e2e-log")
        let args = ["run", "--input", url, "--output", "none", "--events", dir.appendingPathComponent("e.jsonl").path]
        let quiet = try FacepipeBinary.run(args)
        #expect(quiet.status == 1)
        #expect(!quiet.stderr.split(separator: "\n").contains { $0.hasPrefix("ffmpeg") }, "\(quiet.stderr)")
        #expect(quiet.stderr.contains("tcp://127.0.0.1:\(port)/feed") && quiet.stderr.contains("Connection refused"), "\(quiet.stderr)")
        for level in [["-v"], ["--log-level", "debug"]] {
            let loud = try FacepipeBinary.run(args + level)
            #expect(loud.stderr.split(separator: "\n").contains { $0.hasPrefix("ffmpeg (tcp): Connection to tcp://127.0.0.1") },
                    "\(loud.stderr)")
            #expect(!loud.stderr.contains("hunter2secret") && !loud.stderr.contains("viewer:"), "\(loud.stderr)")
        }
    }
}
