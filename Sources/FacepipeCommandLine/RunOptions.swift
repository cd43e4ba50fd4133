import ArgumentParser
import Capture
import FacepipeKit

extension FFmpegLog.Level: ExpressibleByArgument {}
extension RunRequest.SourceMode: EnumerableFlag {}

/// `facepipe run`'s command line, checked, and the `RunRequest` it asks FacepipeKit for.
public struct RunOptions: ParsableArguments {
    @Option(help: "Pipeline description (stages, ring policy, outputs). Default: webcam-live for cameras, mp4-annotate otherwise.")
    var pipeline: String?

    @Option(help: "A video file, a stream URL (rtsp://, tcp://...?listen=1, udp://...) or a camera (/dev/videoN).")
    var input: String?

    @Option(help: "Annotated video to write (.mp4/.mkv/.mov/.ts). 'none' disables it. An existing file is kept unless -y.")
    var output: String?

    @Option(help: "Face events as JSON Lines: a file, or '-' for stdout. 'none' disables them. Not given: the pipeline's default; an events file then goes beside the video, named after it (out/x.mp4 -> out/x.jsonl).")
    var events: String?

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var redactionOptions: RedactionOptions

    @Option(help: "Tracker settings.")
    var trackerConfig = "Configs/tracker.yaml"

    @Option(parsing: .unconditional, help: "Run detection on every Nth frame (1...1000) and at camera cuts; the tracker predicts in between.")
    var detectEvery: Int?

    @Flag(help: "Treat the input as live (drop frames instead of waiting) or as a file (process every frame).")
    var mode: RunRequest.SourceMode?
    @Flag(name: .customLong("realtime"),
          help: "Deliver a file's frames at its own frame rate, as a camera would (ffmpeg's -re); with --live, frames the pipeline cannot keep up with are dropped.")
    var realTime = false

    @Option(parsing: .unconditional, help: "Camera: requested width.") var width: Int?
    @Option(parsing: .unconditional, help: "Camera: requested height.") var height: Int?
    @Option(parsing: .unconditional, help: "Camera: requested frame rate.") var fps: Int?

    @Option(parsing: .unconditional, help: "Streams: seconds to wait for the input to open (a listening input: for its sender), default 10.")
    var openTimeout: Double?
    @Option(parsing: .unconditional,
            help: "Cameras and streams: seconds without a frame (camera, default 2) or data (stream, default 10) before the run stops with an error.")
    var readTimeout: Double?

    @Option(parsing: .unconditional, help: "Files: start at this time (seconds) of the input.")
    var start: Double?
    @Option(parsing: .unconditional, help: "Files: process this many seconds of the input.")
    var duration: Double?

    @Flag(name: [.customShort("y"), .customLong("overwrite")], help: "Replace output files that already exist (ffmpeg's -y).")
    var overwrite = false
    @Flag(name: [.customShort("n"), .customLong("no-overwrite")], help: "Never replace an existing output file: stop instead (ffmpeg's -n).")
    var noOverwrite = false

    @Option(name: [.customLong("encoder"), .customLong("codec")],
            help: "FFmpeg video encoder, e.g. libx264 (default), h264_vaapi, h264_v4l2m2m, libx265, mpeg4.")
    var encoder: String?
    @Option(parsing: .unconditional, help: "libx264/libx265 constant rate factor 0...51 (default 23; lower is better).")
    var crf: Int?
    @Option(help: "libx264 preset, ultrafast ... placebo (default veryfast).")
    var preset: String?
    @Flag(help: "Fragmented MP4/MOV: the video stays playable up to its last fragment (about 1 s) even if the run is killed.")
    var fragmented = false

    @Option(help: "FFmpeg's own log lines to show: quiet, fatal, error, warning, info, verbose, debug (default quiet; warning with -v).")
    var logLevel: FFmpegLog.Level?
    @Flag(name: .shortAndLong, help: "Show FFmpeg's warnings and errors too (as --log-level warning).")
    var verbose = false
    @Flag(name: .shortAndLong, help: "Print only errors on stderr (no progress bar, no summary).")
    var quiet = false

    public init() {}

    public func validate() throws {
        if overwrite && noOverwrite { throw ValidationError("-y/--overwrite and -n/--no-overwrite contradict each other; give one") }
        if let detectEvery, !(1...1000).contains(detectEvery) {
            throw ValidationError("--detect-every must be in 1...1000, got \(detectEvery)")
        }
        if let crf, !(0...51).contains(crf) { throw ValidationError("--crf must be in 0...51, got \(crf)") }
        if let start, !(start >= 0 && start.isFinite) { throw ValidationError("--start must be a time >= 0 in seconds, got \(start)") }
        if let duration, !(duration > 0 && duration.isFinite) {
            throw ValidationError("--duration must be a time > 0 in seconds, got \(duration)")
        }
        for (name, value) in [("--open-timeout", openTimeout), ("--read-timeout", readTimeout)] {
            if let value, !(value > 0 && value <= 600) { throw ValidationError("\(name) must be in (0, 600] seconds, got \(value)") }
        }
        for (name, value) in [("--width", width), ("--height", height), ("--fps", fps)] {
            if let value, value <= 0 { throw ValidationError("\(name) must be > 0, got \(value)") }
        }
        if verbose && quiet { throw ValidationError("-v/--verbose and -q/--quiet contradict each other; give one") }
    }

    /// What the flags ask `FaceRun` for; what they leave out stays with the pipeline file,
    /// the settings files or the input.
    public var request: RunRequest {
        var request = RunRequest()
        request.pipeline = pipeline
        request.input = input
        request.output = output
        request.events = events
        request.detector = modelOptions.choice
        request.redaction = redactionOptions.choice
        request.trackerConfig = trackerConfig
        request.detectEvery = detectEvery
        request.mode = mode
        (request.width, request.height, request.fps) = (width, height, fps)
        (request.start, request.duration, request.realTime) = (start, duration, realTime)
        (request.openTimeout, request.readTimeout) = (openTimeout, readTimeout)
        (request.overwrite, request.noOverwrite) = (overwrite, noOverwrite)
        (request.encoder, request.crf, request.preset, request.fragmented) = (encoder, crf, preset, fragmented)
        request.logLevel = logLevel ?? (verbose ? .warning : .quiet)
        request.quiet = quiet
        return request
    }
}
