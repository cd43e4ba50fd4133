import CFFmpeg
import FFmpegSupport
import FacepipeCore
import Foundation

/// Writes the annotated frames as a video file in the container named by the path's extension
/// (.mp4, .mkv, .mov, ...): H.264 through libx264 when FFmpeg has it, else MPEG-4 Part 2.
/// Keeps the source's size (odd sizes padded by one pixel), frame rate and timestamps, and can
/// copy the source file's audio alongside. `finish()` must run on every exit path so the file
/// is playable; it is also attempted on deinit.
public final class MP4Writer: FrameSink {
    public let path: String
    /// Encoder, settings, size, fallback and audio, in one line for the run's log (stderr).
    public let encoderDescription: String
    /// True when H.264 was not available and MPEG-4 Part 2 was written instead.
    let usedFallbackEncoder: Bool
    let copiesAudio: Bool
    public private(set) var framesWritten = 0
    /// True once `finish()` has written the trailer and closed the file without an error.
    public private(set) var finalised = false

    private let width: Int
    private let height: Int
    private let muxer: Muxer
    private let encoder: VideoEncoder
    private let videoStream: UnsafeMutablePointer<AVStream>
    private let audio: AudioPassthrough?
    private var failure: OutputError?
    private var finished = false

    /// - Parameters:
    ///   - source: the capture's stream description: size, frame rate and the time base of the frames' pts.
    ///   - audioSourcePath: the source file to copy audio from; ignored for live sources and URLs
    ///     (their audio cannot be re-read from the start), as `encoderDescription` then says.
    ///   - partialPath: the file actually written (a `StagedFile`'s temporary name); nil: `path` itself.
    ///     The container is always chosen from `path`'s extension.
    ///   - fragmented: fragmented MP4/MOV that stays playable up to the last fragment if the run is killed.
    public init(path: String, source: SourceInfo, settings: VideoEncoderSettings = VideoEncoderSettings(),
                audioSourcePath: String? = nil, partialPath: String? = nil, fragmented: Bool = false) throws {
        try settings.validate()
        guard source.width > 0, source.height > 0 else {
            throw OutputError.cannotOpen(path: path, reason: "the source size \(source.width)x\(source.height) is not a picture size")
        }
        self.path = path
        width = source.width
        height = source.height
        muxer = try Muxer(path: path, fileName: partialPath, fragmented: fragmented)
        encoder = try VideoEncoder(source: source, settings: settings, globalHeader: muxer.needsGlobalHeader)
        usedFallbackEncoder = encoder.usedFallback

        videoStream = try muxer.addStream()
        let described = avcodec_parameters_from_context(videoStream.pointee.codecpar, encoder.codecContext)
        guard described >= 0 else { throw OutputError.cannotOpen(path: path, reason: ffmpegErrorText(described)) }
        videoStream.pointee.time_base = encoder.timeBase
        if let rate = encoder.frameRate {
            // Without avg_frame_rate the MP4 muxer cannot give the last sample a duration and drops it.
            videoStream.pointee.avg_frame_rate = rate
            videoStream.pointee.r_frame_rate = rate
        }

        var audioNote: String
        switch Self.audioSource(audioSourcePath, live: source.isLive) {
        case .copy(let file):
            let (copier, note) = try AudioPassthrough.make(sourcePath: file, muxer: muxer)
            audio = copier
            audioNote = note
        case .skip(let note):
            audio = nil
            audioNote = note
        }
        copiesAudio = audio != nil
        try muxer.open()
        encoderDescription = "\(encoder.description); \(muxer.formatName) container; \(audioNote)"
    }

    deinit { try? finish() }

    public func write(_ frame: VideoFrame) throws {
        if finished { throw OutputError.alreadyFinished(path: path) }
        if let failure { throw failure }
        guard frame.width == width, frame.height == height else {
            throw OutputError.frameSizeChanged(path: path, expected: "\(width)x\(height)", got: "\(frame.width)x\(frame.height)")
        }
        do {
            try encoder.encode(frame) { packet in try writeVideo(packet) }
            try audio?.copy(before: encoder.endPts, in: encoder.timeBase, to: muxer)
            framesWritten += 1
        } catch let error as OutputError {
            failure = error
            throw error
        }
    }

    /// Drains the encoder, copies the audio up to the end of the last frame, writes the trailer and
    /// closes the file. Runs its steps even after a write error so as much as possible is kept; the
    /// first error is thrown. A second call does nothing.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        var firstError: Error?
        do { try encoder.flush { packet in try writeVideo(packet) } } catch { firstError = firstError ?? error }
        if encoder.endPts != Int64.min {
            do { try audio?.copy(before: encoder.endPts, in: encoder.timeBase, to: muxer) } catch { firstError = firstError ?? error }
        }
        do { try muxer.close() } catch { firstError = firstError ?? error }
        encoder.release()
        audio?.release()
        finalised = firstError == nil && failure == nil
        if let firstError {
            if case .writeFailed(let path, let reason) = firstError as? OutputError {
                throw OutputError.finaliseFailed(path: path, reason: reason)
            }
            throw firstError
        }
    }

    /// Frames whose timestamps did not increase and were moved one tick later.
    var nudgedTimestamps: Int { encoder.nudgedTimestamps }
    /// Why audio copying stopped before the end (a damaged source), if it did.
    var audioProblem: String? { audio?.problem }

    private func writeVideo(_ packet: UnsafeMutablePointer<AVPacket>) throws {
        av_packet_rescale_ts(packet, encoder.timeBase, videoStream.pointee.time_base)
        packet.pointee.stream_index = videoStream.pointee.index
        try muxer.write(packet)
    }

    private enum AudioSource { case copy(String), skip(String) }

    private static func audioSource(_ path: String?, live: Bool) -> AudioSource {
        guard let path else { return .skip("no audio (not asked for)") }
        if live { return .skip("audio not copied: the source is live (audio is copied from files only)") }
        var file = path
        if file.hasPrefix("file:") { file = String(file.dropFirst("file:".count)) }
        guard FileManager.default.fileExists(atPath: file) else {
            return .skip("audio not copied: '\(path)' is not a local file (audio is copied from files only)")
        }
        return .copy(file)
    }
}
