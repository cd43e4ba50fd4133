import ArgumentParser
import Capture
import CFFmpeg
import Detector
import FacepipeCore
import Foundation
import Output
import Overlay
import Pipeline
import Tracker

/// `facepipe run`: capture -> detect -> track -> overlay -> annotated video and/or events.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the face pipeline on a file, a stream URL or a camera.",
        discussion: """
            Examples:
              facepipe run --input videos/short_hamilton_clip.mp4 --output out.mp4 --events out.jsonl --overwrite
              facepipe run --pipeline Pipelines/webcam-live.yaml --input /dev/video0
              facepipe run --pipeline Pipelines/events-stdout.yaml --input clip.mp4 | jq .
              facepipe run --input clip.mp4 --output redacted.mp4 --redact blur
              facepipe run --pipeline Pipelines/redact.yaml --input clip.mp4 --output redacted.mp4
            """)

    @Option(help: "Pipeline description (stages, ring policy, outputs). Default: webcam-live for cameras, mp4-annotate otherwise.")
    var pipeline: String?

    @Option(help: "A video file, a stream URL (rtsp://, tcp://...?listen=1, udp://...) or a camera (/dev/videoN).")
    var input: String?

    @Option(help: "Annotated video to write (.mp4/.mkv/.mov/.ts). 'none' disables it. An existing file is kept unless -y.")
    var output: String?

    @Option(help: "Face events as JSON Lines: a file, or '-' for stdout. 'none' disables them.")
    var events: String?

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var redactionOptions: RedactionOptions

    @Option(help: "Tracker settings.")
    var trackerConfig = "Configs/tracker.yaml"

    @Option(parsing: .unconditional, help: "Run detection on every Nth frame (1...1000); the tracker predicts in between.")
    var detectEvery: Int?

    @Flag(help: "Treat the input as live (drop frames instead of waiting) or as a file (process every frame).")
    var mode: SourceMode?

    @Option(parsing: .unconditional, help: "Camera: requested width.") var width: Int?
    @Option(parsing: .unconditional, help: "Camera: requested height.") var height: Int?
    @Option(parsing: .unconditional, help: "Camera: requested frame rate.") var fps: Int?

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

    enum SourceMode: String, EnumerableFlag { case live, lossless }

    func validate() throws {
        if overwrite && noOverwrite { throw ValidationError("-y/--overwrite and -n/--no-overwrite contradict each other; give one") }
        if let detectEvery, !(1...1000).contains(detectEvery) {
            throw ValidationError("--detect-every must be in 1...1000, got \(detectEvery)")
        }
        if let crf, !(0...51).contains(crf) { throw ValidationError("--crf must be in 0...51, got \(crf)") }
        if let start, !(start >= 0 && start.isFinite) { throw ValidationError("--start must be a time >= 0 in seconds, got \(start)") }
        if let duration, !(duration > 0 && duration.isFinite) {
            throw ValidationError("--duration must be a time > 0 in seconds, got \(duration)")
        }
        for (name, value) in [("--width", width), ("--height", height), ("--fps", fps)] {
            if let value, value <= 0 { throw ValidationError("\(name) must be > 0, got \(value)") }
        }
        if verbose && quiet { throw ValidationError("-v/--verbose and -q/--quiet contradict each other; give one") }
    }

    mutating func run() throws {
        // A reader of stdout or stderr that goes away (a closed pipe) must not kill the run before
        // its outputs are finalised: writes then fail with EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
        let redaction = CredentialRedaction(urls: [input].compactMap { $0 })
        FFmpegLog.route(level: logLevel ?? (verbose ? .warning : .quiet), redaction: redaction)
        let isCamera = input.map(V4L2Source.isCameraPath) ?? false
        let descriptionPath = Resources.resolve(pipeline ?? (isCamera ? "Pipelines/webcam-live.yaml" : "Pipelines/mp4-annotate.yaml"))
        let description = try PipelineDescription.load(fromFile: descriptionPath)
        guard let location = input ?? description.defaults.input else {
            throw ValidationError("no input: give --input (a file, URL or /dev/videoN); \(descriptionPath) has no default")
        }
        let videoPath = resolvedOutput(output, fallback: description.outputs.video ? description.defaults.output : nil)
        let eventsPath = resolvedOutput(events, fallback: description.outputs.events ? description.defaults.events : nil)
        guard videoPath != nil || eventsPath != nil else {
            throw ValidationError("nothing to produce: both the video and the events output are disabled")
        }
        if (start != nil || duration != nil) && isCamera {
            throw ValidationError("--start and --duration apply to files and streams, not cameras")
        }
        var encoderSettings = VideoEncoderSettings()
        if let encoder { encoderSettings.encoder = encoder; encoderSettings.allowsFallback = false }
        if let crf { encoderSettings.crf = crf }
        if let preset { encoderSettings.preset = preset }

        let kinds = Set(description.stages.map(\.kind))
        let redacting = redactionOptions.asksForRedaction || kinds.contains("redact")
        if redacting && videoPath != nil && kinds.isDisjoint(with: ["overlay", "redact"]) {
            throw ValidationError("\(descriptionPath) has no overlay or redact stage, so faces cannot be hidden in the video")
        }

        // Nothing the user has may be lost: refuse before anything is opened.
        var replacing = overwrite
        try OutputPreflight.check(outputs: [videoPath, eventsPath].compactMap { $0 }, input: location,
                                  policy: overwrite ? .always : noOverwrite ? .never : .ask) { path in
            let yes = askToOverwrite(path)
            replacing = replacing || yes  // a "y" on the terminal counts as -y for the final move
            return yes
        }
        if let videoPath { try ContainerCheck.check(path: videoPath, settings: encoderSettings) }

        // Settings and model next: a bad file fails before the camera or stream is opened.
        let faceRedaction = redacting ? try redactionOptions.settings() : nil
        let assembly = try PipelineAssembly(modelOptions: modelOptions, trackerConfig: trackerConfig,
                                            redaction: faceRedaction, drawWhenRedacting: redactionOptions.overlay)
        let detector = assembly.detector

        let source = try openSource(location, isCamera: isCamera)
        defer { source.close() }
        let info = source.info
        if !quiet {
            note("facepipe: input \(info.summary); detector \(detector.model.description.name) on \(detector.backend.label)")
            for line in info.notes { note("facepipe: \(line)") }
        }
        if !quiet, let faceRedaction, videoPath != nil {
            note("facepipe: redacting faces: \(faceRedaction.summary)" + (redactionOptions.overlay ? "; boxes drawn" : ""))
        }

        // Outputs are written under temporary names and moved into place when finalised.
        if info.isLive { encoderSettings.tune = "zerolatency" }
        encoderSettings.startsAtZero = start != nil
        // A fragment starts on a keyframe: one a second keeps a killed run's loss to about a second.
        if fragmented, info.frameRate.num > 0 { encoderSettings.keyframeInterval = max(1, Int(info.frameRate.value.rounded())) }
        let signals = StopSignals()  // from here on, a signal finishes what was opened
        defer { signals.uninstall() }
        let outputs = try RunOutputs(videoPath: videoPath, eventsPath: eventsPath, source: info, encoder: encoderSettings,
                                     audioSourcePath: info.isLive || start != nil ? nil : location, fragmented: fragmented)
        var frameSinks: [NamedFrameSink] = []
        var stageKinds = Set(description.stages.map(\.kind))
        if let writer = outputs.video {
            if !quiet { note("facepipe: writing \(writer.path): \(writer.encoderDescription)") }
            frameSinks.append(NamedFrameSink("video", writer))
        } else {
            stageKinds.remove("overlay")  // nothing would show the drawing
            stageKinds.remove("redact")
        }
        let eventWriter = outputs.events
        let eventSinks: [EventSink] = eventWriter.map { [$0] } ?? []

        let stages = try assembly.stages(of: description, keeping: stageKinds, events: eventWriter)
        let policy: FramePolicy? = switch mode {
        case .live: .latest
        case .lossless: .lossless
        case nil: nil
        }
        let settings = PipelineAssembly.settings(of: description, detectEvery: detectEvery, policy: policy)
        let run = try Pipeline(source: source, stages: stages, frameSinks: frameSinks, eventSinks: eventSinks, settings: settings)
        signals.attach(run)
        let result = run.run(progress: quiet ? nil : StderrProgressBar.ifTerminal())
        let exit = RunExit.of(result, signal: signals.firstSignal, liveInput: info.isLive)

        let (settleNotes, settleError) = outputs.settle(framesWritten: result.stats.framesWritten,
                                                        completed: exit.status == RunExit.completed, replacing: replacing)
        for line in settleNotes { note("facepipe: \(line)") }

        if !quiet {
            note(result.stats.summary)
            if let redactor = stages.lazy.compactMap({ ($0.stage as? OverlayStage)?.redactor }).first { note(redactor.summary) }
            if source.skippedPackets > 0 { note("capture: \(source.skippedPackets) damaged packets skipped") }
            let tracker = stages.lazy.compactMap { $0.stage as? TrackerStage }.first
            note((tracker?.findings ?? "found: (no tracking stage in this pipeline)")
                 + (eventWriter.map { "; \($0.eventsEmitted) events written to \($0.destination)" } ?? ""))
            note("facepipe: \(exit.reason)" + (videoPath.map { "; video: \($0)" } ?? "")
                 + (eventsPath.map { "; events: \($0 == "-" ? "stdout" : $0)" } ?? ""))
        }
        if let error = result.error {
            // One line, facepipe's words first; FFmpeg's own last error only as the detail behind them.
            note("facepipe: error: \(redaction.redact("\(error)"))" + (FFmpegLog.lastError.map { " (\($0))" } ?? ""))
        }
        if exit.status != RunExit.completed { throw ExitCode(exit.status) }
        if settleError != nil { throw ExitCode.failure }
    }

    /// ffmpeg's question when an output exists and neither -y nor -n was given; no terminal, no.
    private func askToOverwrite(_ path: String) -> Bool {
        guard isatty(STDIN_FILENO) != 0, isatty(STDERR_FILENO) != 0 else { return false }
        Stderr.write("File '\(path)' already exists. Overwrite? [y/N] ")
        guard let answer = readLine() else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }

    private func resolvedOutput(_ flag: String?, fallback: String?) -> String? {
        let value = flag ?? fallback
        return value == "none" ? nil : value
    }

    private func openSource(_ location: String, isCamera: Bool) throws -> FrameSource {
        if isCamera {
            return try V4L2Source(path: location, options: V4L2CaptureOptions(width: width, height: height, fps: fps))
        }
        var options = FFmpegSourceOptions()
        options.start = start
        options.duration = duration
        switch mode {
        case .live: options.isLive = true
        case .lossless: options.isLive = false
        case nil: break
        }
        return try FFmpegSource(location, options: options)
    }
}

extension FFmpegLog.Level: ExpressibleByArgument {}
