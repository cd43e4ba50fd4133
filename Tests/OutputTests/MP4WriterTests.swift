@testable import FacepipeCore
import Foundation
@testable import Output
import TestSupport
import Testing

@Suite struct MP4WriterTests {
    /// Writes `indices` of `clip` through a writer and finishes it.
    private func write(_ clip: RawClip, to writer: MP4Writer, indices: [Int]? = nil) throws {
        let frame = VideoFrame()
        for i in indices ?? Array(0..<clip.count) {
            clip.fill(frame, with: i)
            try writer.write(frame)
        }
        try writer.finish()
    }

    @Test func writesH264WithTheSourceSizeAndTimestamps() throws {
        let folder = try TestPaths.scratch("mp4-h264")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 30, into: folder)
        let output = folder.appendingPathComponent("annotated.mp4")
        let writer = try MP4Writer(path: output.path, source: clip.sourceInfo())
        #expect(writer.encoderDescription.contains("libx264"))
        #expect(!writer.usedFallbackEncoder)
        try write(clip, to: writer)
        #expect(writer.framesWritten == 30)

        let probed = try ProbedVideo(output)
        #expect(probed.codec == "h264")
        #expect(probed.width == clip.width && probed.height == clip.height)
        #expect(probed.decodedFrames == 30)
        #expect(probed.frameTimes.count == 30)
        for i in 0..<min(30, probed.frameTimes.count) {
            #expect(abs(probed.frameTimes[i] - clip.seconds(i)) < 1e-6, "frame \(i)")
        }
        // 30 frames at the clip's 29.97 fps, the last one included.
        #expect(abs(probed.duration - 30 / clip.frameRate.value) < 0.002)
        #expect(probed.audioCodec == nil)
        #expect(try lumaDifference(of: output, against: clip, in: folder) < 3)
    }

    @Test func copiesTheSourceAudioWithoutReencoding() throws {
        let folder = try TestPaths.scratch("mp4-audio")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 30, into: folder)
        let output = folder.appendingPathComponent("with-audio.mp4")
        let writer = try MP4Writer(path: output.path, source: clip.sourceInfo(), audioSourcePath: RawClip.hamilton.path)
        #expect(writer.copiesAudio)
        #expect(writer.encoderDescription.contains("aac 44100 Hz"))
        try write(clip, to: writer)

        let probed = try ProbedVideo(output)
        #expect(probed.decodedFrames == 30)
        #expect(probed.audioCodec == "aac")
        // The same packets as the source's, byte for byte in size and time, up to the end of the last frame.
        let source = try ProbedVideo.audioPackets(of: RawClip.hamilton)
        let videoEnd = clip.seconds(29) + 1 / clip.frameRate.value
        let expected = source.filter { $0.time < videoEnd }
        #expect(probed.audioPackets.count == expected.count)
        for (written, original) in zip(probed.audioPackets, expected) {
            #expect(written.size == original.size && abs(written.time - original.time) < 1e-4)
        }
        #expect(expected.count > 30)
    }

    @Test func oddSizesArePaddedByOnePixelAndSaySo() throws {
        let folder = try TestPaths.scratch("mp4-odd")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 10, size: (639, 359), into: folder)
        let output = folder.appendingPathComponent("odd.mp4")
        let writer = try MP4Writer(path: output.path, source: clip.sourceInfo())
        #expect(writer.encoderDescription.contains("639x359 is padded to 640x360"))
        try write(clip, to: writer)

        let probed = try ProbedVideo(output)
        #expect(probed.width == 640 && probed.height == 360)
        #expect(probed.decodedFrames == 10)
        #expect(try lumaDifference(of: output, against: clip, encoded: (640, 360), in: folder) < 3)
    }

    @Test func fallsBackToMPEG4InAnotherContainerAndSaysSo() throws {
        let folder = try TestPaths.scratch("mp4-fallback")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 20, into: folder)
        let output = folder.appendingPathComponent("fallback.mkv")
        let settings = VideoEncoderSettings(encoder: "no_such_h264_encoder")
        let writer = try MP4Writer(path: output.path, source: clip.sourceInfo(), settings: settings,
                                   audioSourcePath: RawClip.hamilton.path)
        #expect(writer.usedFallbackEncoder)
        #expect(writer.encoderDescription.contains("FALLBACK"))
        #expect(writer.encoderDescription.contains("matroska"))
        try write(clip, to: writer)

        let probed = try ProbedVideo(output)
        #expect(probed.codec == "mpeg4")
        #expect(probed.decodedFrames == 20)
        #expect(probed.audioCodec == "aac")
        // Matroska keeps milliseconds.
        for i in 0..<min(20, probed.frameTimes.count) { #expect(abs(probed.frameTimes[i] - clip.seconds(i)) < 0.001) }
        #expect(try lumaDifference(of: output, against: clip, in: folder) < 4)
    }

    @Test func liveSourcesUseZeroLatencyKeepGapsAndSkipAudio() throws {
        let folder = try TestPaths.scratch("mp4-live")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 20, into: folder)
        let output = folder.appendingPathComponent("live.mp4")
        let writer = try MP4Writer(path: output.path, source: clip.sourceInfo(live: true),
                                   audioSourcePath: RawClip.hamilton.path)
        #expect(writer.encoderDescription.contains("tune zerolatency"))
        #expect(writer.encoderDescription.contains("audio not copied: the source is live"))
        #expect(!writer.copiesAudio)
        // A live pipeline drops frames: the gaps must stay in the timestamps.
        let kept = [0, 1, 2, 5, 6, 9, 10, 11, 15, 19]
        try write(clip, to: writer, indices: kept)

        let probed = try ProbedVideo(output)
        #expect(probed.decodedFrames == kept.count)
        #expect(probed.hasBFrames == 0)
        #expect(probed.audioCodec == nil)
        for (n, i) in kept.enumerated() where n < probed.frameTimes.count {
            #expect(abs(probed.frameTimes[n] - clip.seconds(i)) < 1e-6)
        }
    }

    @Test func aSourceWithoutAudioIsSaidSo() throws {
        let folder = try TestPaths.scratch("mp4-silent")
        let silent = folder.appendingPathComponent("silent.mp4")
        try runTool("ffmpeg", ["-v", "error", "-i", RawClip.hamilton.path, "-t", "1", "-an", "-c:v", "copy", silent.path])
        let clip = try RawClip.decode(silent, frames: 5, into: folder)
        let output = folder.appendingPathComponent("out.mp4")
        let writer = try MP4Writer(path: output.path, source: clip.sourceInfo(), audioSourcePath: silent.path)
        #expect(writer.encoderDescription.contains("has no audio stream"))
        try write(clip, to: writer)
        #expect(try ProbedVideo(output).decodedFrames == 5)
    }

    @Test func unwritablePlacesGiveClearErrors() throws {
        let folder = try TestPaths.scratch("mp4-errors")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 2, into: folder)
        let missing = folder.appendingPathComponent("no/such/folder/out.mp4").path
        let opening = #expect(throws: OutputError.self) { try MP4Writer(path: missing, source: clip.sourceInfo()) }
        #expect(opening?.description == "cannot open output '\(missing)': No such file or directory")

        let unknown = folder.appendingPathComponent("out.notacontainer").path
        let guessing = #expect(throws: OutputError.self) { try MP4Writer(path: unknown, source: clip.sourceInfo()) }
        #expect(guessing?.description.contains("cannot tell the container format of output '\(unknown)'") == true)

        let badPreset = VideoEncoderSettings(preset: "warp-speed")
        let rejected = #expect(throws: OutputError.self) {
            try MP4Writer(path: folder.appendingPathComponent("p.mp4").path, source: clip.sourceInfo(), settings: badPreset)
        }
        // Checked before the encoder is opened, listing what libx264 takes.
        #expect(rejected?.description.contains("preset 'warp-speed' is not one of libx264's: ultrafast, superfast") == true)
    }

    @Test(arguments: ["mp4", "mkv", "ts"])
    func aFullDiskIsNamedWithThePathAndTheOSReason(container: String) throws {
        let folder = try TestPaths.scratch("mp4-full")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 30, into: folder)
        // The muxer picks the container from the link's name and writes through it into /dev/full.
        let full = folder.appendingPathComponent("full.\(container)")
        try FileManager.default.createSymbolicLink(atPath: full.path, withDestinationPath: "/dev/full")
        var errors: [String] = []
        do {
            // Lossless frames overflow FFmpeg's 32 KiB write buffer at once, so the failure comes mid-stream.
            let writer = try MP4Writer(path: full.path, source: clip.sourceInfo(), settings: VideoEncoderSettings(crf: 0))
            let frame = VideoFrame()
            for i in 0..<clip.count {
                clip.fill(frame, with: i)
                do { try writer.write(frame) } catch let error as OutputError { errors.append("write \(i): \(error)"); break }
            }
            do { try writer.finish() } catch let error as OutputError { errors.append("finish: \(error)") }
            try writer.finish()  // a second finish is a no-op, even after a failure
        } catch let error as OutputError {
            errors.append("open: \(error)")
        }
        switch container {
        case "mp4": #expect(errors.count == 1 && errors[0].hasPrefix("open:"))  // its header is flushed at once
        case "mkv": #expect(errors.count == 1 && errors[0].hasPrefix("finish:"))  // clusters are held in memory
        default:  // the failing write, then the finishing that is still attempted
            #expect(errors.count == 2 && errors[0].hasPrefix("write") && errors[1].hasPrefix("finish:"))
        }
        for error in errors {
            #expect(error.contains(full.path))
            #expect(error.contains("No space left on device"))
        }
    }

    @Test func finishTwiceIsSafeAndKeepsWhatWasWritten() throws {
        let folder = try TestPaths.scratch("mp4-finish")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 8, into: folder)
        let output = folder.appendingPathComponent("stopped.mp4")
        let writer = try MP4Writer(path: output.path, source: clip.sourceInfo())
        let frame = VideoFrame()
        for i in 0..<8 { clip.fill(frame, with: i); try writer.write(frame) }
        // A frame of another size is refused without harming the file.
        let other = VideoFrame()
        other.reshape(width: 320, height: 180)
        let refused = #expect(throws: OutputError.self) { try writer.write(other) }
        #expect(refused?.description.contains("from 640x360 to 320x180") == true)

        try writer.finish()
        try writer.finish()
        let late = #expect(throws: OutputError.self) { try writer.write(frame) }
        #expect(late?.description.contains("already finished") == true)
        #expect(try ProbedVideo(output).decodedFrames == 8)
    }

    @Test func aWriterDroppedWithoutFinishStillLeavesAPlayableFile() throws {
        let folder = try TestPaths.scratch("mp4-dropped")
        let clip = try RawClip.decode(RawClip.hamilton, frames: 6, into: folder)
        let output = folder.appendingPathComponent("dropped.mp4")
        do {
            let writer = try MP4Writer(path: output.path, source: clip.sourceInfo())
            let frame = VideoFrame()
            for i in 0..<clip.count { clip.fill(frame, with: i); try writer.write(frame) }
        }
        #expect(try ProbedVideo(output).decodedFrames == 6)
    }
}
