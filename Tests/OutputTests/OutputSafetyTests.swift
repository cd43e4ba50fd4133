#if canImport(Glibc)
import Glibc
#endif
@testable import FacepipeCore
import Foundation
@testable import Output
import TestSupport
import Testing

/// Nothing the user had is lost: the checks before a run and the staged (temporary-name) files.
@Suite struct OutputPreflightTests {
    private func folderWithInput() throws -> (URL, String) {
        let folder = try TestPaths.scratch("preflight")
        let input = folder.appendingPathComponent("clip.mp4").path
        try Data("the user's video".utf8).write(to: URL(fileURLWithPath: input))
        return (folder, input)
    }

    @Test func anOutputThatResolvesToTheInputIsRefused() throws {
        let (folder, input) = try folderWithInput()
        let sub = folder.appendingPathComponent("sub").path
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        let symlink = folder.appendingPathComponent("link.mp4").path
        try FileManager.default.createSymbolicLink(atPath: symlink, withDestinationPath: input)
        let hardLink = folder.appendingPathComponent("hard.mp4").path
        try FileManager.default.linkItem(atPath: input, toPath: hardLink)
        let dotted = "\(sub)/../clip.mp4"
        for output in [input, symlink, hardLink, dotted, "file:" + input] {
            #expect(throws: OutputError.self, "\(output)") {
                try OutputPreflight.check(outputs: [output], input: input, policy: .always) { _ in true }
            }
        }
        // Also when the input is named through the link and the output is the plain path.
        #expect(throws: OutputError.self) {
            try OutputPreflight.check(outputs: [input], input: symlink, policy: .always) { _ in true }
        }
        do {
            try OutputPreflight.check(outputs: [symlink], input: input, policy: .always) { _ in true }
        } catch {
            #expect("\(error)".contains("is the input file"), "\(error)")
        }
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "the user's video")
    }

    @Test func anotherFileAndNetworkInputsPass() throws {
        let (folder, input) = try folderWithInput()
        let fresh = folder.appendingPathComponent("annotated.mp4").path
        try OutputPreflight.check(outputs: [fresh, "-"], input: input, policy: .never) { _ in false }
        try OutputPreflight.check(outputs: [fresh], input: "rtsp://user:pw@camera/stream", policy: .never) { _ in false }
    }

    @Test func twoOutputsThatAreOneFileAreRefused() throws {
        let (folder, input) = try folderWithInput()
        let a = folder.appendingPathComponent("out.mp4").path
        #expect(throws: OutputError.self) {
            try OutputPreflight.check(outputs: [a, "\(folder.path)/./out.mp4"], input: input, policy: .always) { _ in true }
        }
    }

    @Test func existingOutputsFollowTheOverwritePolicy() throws {
        let (folder, input) = try folderWithInput()
        let existing = folder.appendingPathComponent("annotated.mp4").path
        try Data("an earlier result".utf8).write(to: URL(fileURLWithPath: existing))
        var asked: [String] = []
        #expect(throws: OutputError.self) {
            try OutputPreflight.check(outputs: [existing], input: input, policy: .ask) { asked.append($0); return false }
        }
        #expect(asked == [existing])
        try OutputPreflight.check(outputs: [existing], input: input, policy: .ask) { _ in true }
        try OutputPreflight.check(outputs: [existing], input: input, policy: .always) { _ in false }
        do {
            try OutputPreflight.check(outputs: [existing], input: input, policy: .never) { _ in true }
            Issue.record("-n must refuse an existing output")
        } catch {
            #expect("\(error)".contains("already exists and -n/--no-overwrite was given"), "\(error)")
        }
        #expect(throws: OutputError.self) {
            try OutputPreflight.check(outputs: [folder.path], input: input, policy: .always) { _ in true }
        }
    }
}

@Suite struct StagedFileTests {
    @Test func theFinalNameIsTouchedOnlyByTheCommit() throws {
        let folder = try TestPaths.scratch("staged")
        let final = folder.appendingPathComponent("events.jsonl").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: final))
        let staged = StagedFile(finalPath: final, processID: 4242)
        #expect(staged.partialPath == final + ".4242.part")
        try Data("new".utf8).write(to: URL(fileURLWithPath: staged.partialPath))

        // Without permission to replace, a file under the final name is never replaced.
        #expect(throws: OutputError.self) { try staged.commit(replacing: false) }
        #expect(try String(contentsOfFile: final, encoding: .utf8) == "old")
        #expect(FileManager.default.fileExists(atPath: staged.partialPath))

        try staged.commit(replacing: true)
        #expect(try String(contentsOfFile: final, encoding: .utf8) == "new")
        #expect(!FileManager.default.fileExists(atPath: staged.partialPath))
    }

    @Test func settlingKeepsDiscardsOrLeavesThePartialFile() throws {
        let folder = try TestPaths.scratch("settle")
        let final = folder.appendingPathComponent("out.mp4").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: final))
        let staged = StagedFile(finalPath: final)

        // Nothing worth keeping: the partial goes, the old file stays.
        try Data("empty run".utf8).write(to: URL(fileURLWithPath: staged.partialPath))
        let discarded = try staged.settle(finalised: true, keep: false, replacing: true)
        #expect(discarded?.contains("not written") == true)
        #expect(!FileManager.default.fileExists(atPath: staged.partialPath))
        #expect(try String(contentsOfFile: final, encoding: .utf8) == "old")

        // Not finalised (the writer failed): kept under its temporary name for salvage.
        try Data("half".utf8).write(to: URL(fileURLWithPath: staged.partialPath))
        let left = try staged.settle(finalised: false, keep: true, replacing: true)
        #expect(left?.contains(staged.partialPath) == true)
        #expect(try String(contentsOfFile: final, encoding: .utf8) == "old")

        // Finalised and worth keeping: moved into place, nothing to say.
        #expect(try staged.settle(finalised: true, keep: true, replacing: true) == nil)
        #expect(try String(contentsOfFile: final, encoding: .utf8) == "half")

        #expect(StagedFile.shouldCommit(framesWritten: 0, completed: false) == false)
        #expect(StagedFile.shouldCommit(framesWritten: 0, completed: true))
        #expect(StagedFile.shouldCommit(framesWritten: 1, completed: false))
    }
}

@Suite struct ContainerCheckTests {
    @Test(arguments: ["x.gif", "x.webm"])
    func containersThatCannotHoldTheVideoAreRefusedWithTheReason(name: String) throws {
        let folder = try TestPaths.scratch("container")
        let path = folder.appendingPathComponent(name).path
        do {
            try ContainerCheck.check(path: path, settings: VideoEncoderSettings())
            Issue.record("\(name) must be refused")
        } catch {
            let text = "\(error)"
            #expect(text.contains("cannot hold h264 (libx264) video"), "\(text)")
            #expect(text.contains(".mp4") && text.contains(".mkv") && text.contains(".ts"), "\(text)")
        }
        // Refused before anything was created.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test(arguments: ["x.mp4", "x.mkv", "x.mov", "x.ts"])
    func usualContainersPass(name: String) throws {
        try ContainerCheck.check(path: "/nonexistent/\(name)", settings: VideoEncoderSettings())
    }

    @Test func aNamedEncoderThatIsMissingIsAnErrorNotAFallback() throws {
        var settings = VideoEncoderSettings(encoder: "h264_no_such_encoder")
        settings.allowsFallback = false
        do {
            try ContainerCheck.check(path: "/nonexistent/x.mp4", settings: settings)
            Issue.record("a missing encoder must be refused")
        } catch {
            #expect("\(error)".contains("'h264_no_such_encoder' is not in this FFmpeg build"), "\(error)")
            #expect("\(error)".contains("libx264"), "the message lists the encoders there are: \(error)")
        }
    }
}

@Suite struct FragmentedMP4Tests {
    /// Fragments reach the disk as they are cut: before `finish()`, the file already plays
    /// up to its last fragment (what a SIGKILL or a power cut would leave).
    @Test func fragmentsArePlayableBeforeTheWriterFinishes() throws {
        let folder = try TestPaths.scratch("fragmented")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 60, into: folder)
        let output = folder.appendingPathComponent("frag.mp4")
        var settings = VideoEncoderSettings()
        settings.keyframeInterval = 10
        let writer = try MP4Writer(path: output.path, source: clip.sourceInfo(), settings: settings, fragmented: true)
        let frame = VideoFrame()
        for i in 0..<60 {
            clip.fill(frame, with: i)
            try writer.write(frame)
        }
        let early = try ProbedVideo(output)
        #expect(early.decodedFrames >= 20 && early.decodedFrames < 60, "decoded \(early.decodedFrames) before finish")
        try writer.finish()
        #expect(try ProbedVideo(output).decodedFrames == 60)
    }

    @Test func fragmentedNeedsAnMP4OrMOVOutput() throws {
        let folder = try TestPaths.scratch("fragmented-mkv")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 2, into: folder)
        #expect(throws: OutputError.self) {
            try MP4Writer(path: folder.appendingPathComponent("x.mkv").path, source: clip.sourceInfo(), fragmented: true)
        }
    }
}

@Suite struct RunOutputsTests {
    @Test func droppedWithoutSettlingItLeavesWhatWasThere() throws {
        let folder = try TestPaths.scratch("run-outputs-drop")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 2, into: folder)
        let video = folder.appendingPathComponent("out.mp4").path, events = folder.appendingPathComponent("ev.jsonl").path
        try Data("old video".utf8).write(to: URL(fileURLWithPath: video))
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        do {
            let outputs = try RunOutputs(videoPath: video, eventsPath: events, source: clip.sourceInfo(),
                                         encoder: VideoEncoderSettings(), audioSourcePath: nil, fragmented: false)
            #expect(outputs.video != nil && outputs.events != nil)
            // The partial files exist while the run is being set up...
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".part") }.count == 2)
        }
        // ...and are gone once it is abandoned; the old video is untouched and no events file appeared.
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == before)
        #expect(try String(contentsOfFile: video, encoding: .utf8) == "old video")
    }

    @Test func settledAfterFramesTheFinishedFilesLandUnderTheirNames() throws {
        let folder = try TestPaths.scratch("run-outputs-settle")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 10, into: folder)
        let video = folder.appendingPathComponent("out.mp4").path, events = folder.appendingPathComponent("ev.jsonl").path
        try Data("old video".utf8).write(to: URL(fileURLWithPath: video))
        let outputs = try RunOutputs(videoPath: video, eventsPath: events, source: clip.sourceInfo(),
                                     encoder: VideoEncoderSettings(), audioSourcePath: nil, fragmented: false)
        let frame = VideoFrame()
        for i in 0..<10 {
            clip.fill(frame, with: i)
            try outputs.video?.write(frame)
        }
        try outputs.events?.emit(FaceEvent(kind: .trackStart, time: 0.1, frame: 3, track: 1,
                                           box: Box(x: 1, y: 2, width: 3, height: 4), score: 0.9))
        try outputs.video?.finish()
        try outputs.events?.finish()
        let (notes, error) = outputs.settle(framesWritten: 10, completed: false, replacing: true)
        #expect(notes.isEmpty && error == nil)
        #expect(try ProbedVideo(URL(fileURLWithPath: video)).decodedFrames == 10)
        #expect(try String(contentsOfFile: events, encoding: .utf8).hasPrefix("{\"v\":1,\"event\":\"track_start\""))
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: folder.path)).contains { $0.hasSuffix(".part") })
    }
}

@Suite struct OutputTargetsTests {
    @Test func devicesAreWrittenInPlaceAndSymlinksKept() throws {
        let folder = try TestPaths.scratch("run-outputs-targets")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 3, into: folder)
        // /dev/null: nothing to lose, so no question, and no staging (a rename would replace the device node).
        try OutputPreflight.check(outputs: ["/dev/null"], input: nil, policy: .never) { _ in false }
        let outputs = try RunOutputs(videoPath: nil, eventsPath: "/dev/null", source: clip.sourceInfo(),
                                     encoder: VideoEncoderSettings(), audioSourcePath: nil, fragmented: false)
        try outputs.events?.finish()
        _ = outputs.settle(framesWritten: 0, completed: true, replacing: true)
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)

        // A symlinked output: the link stays, the file it points to is replaced.
        let target = folder.appendingPathComponent("target.jsonl").path
        let link = folder.appendingPathComponent("link.jsonl").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let events = try RunOutputs(videoPath: nil, eventsPath: link, source: clip.sourceInfo(),
                                    encoder: VideoEncoderSettings(), audioSourcePath: nil, fragmented: false)
        try events.events?.finish()
        #expect(events.settle(framesWritten: 0, completed: true, replacing: true).error == nil)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8).isEmpty)
    }
}
