import ArgumentParser
import Capture
import CFFmpeg
import Detector
import FacepipeCore
import Foundation
import Output
import Overlay
import Pipeline

/// `facepipe run`: capture -> detect -> track -> overlay -> annotated video and/or events.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the face pipeline on a file, a stream URL or a camera.",
        discussion: """
            Examples:
              facepipe run --input videos/short_hamilton_clip.mp4 --output out.mp4 --events out.jsonl
              facepipe run --pipeline Pipelines/webcam-live.yaml --input /dev/video0
              facepipe run --pipeline Pipelines/events-stdout.yaml --input clip.mp4 | jq .
              facepipe run --input clip.mp4 --output redacted.mp4 --redact blur
              facepipe run --pipeline Pipelines/redact.yaml --input clip.mp4 --output redacted.mp4
            """)

    @Option(help: "Pipeline description (stages, ring policy, outputs). Default: webcam-live for cameras, mp4-annotate otherwise.")
    var pipeline: String?

    @Option(help: "A video file, a stream URL (rtsp://, tcp://...?listen=1, udp://...) or a camera (/dev/videoN).")
    var input: String?

    @Option(help: "Annotated video to write (.mp4/.mkv/.mov). 'none' disables it.")
    var output: String?

    @Option(help: "Face events as JSON Lines: a file, or '-' for stdout. 'none' disables them.")
    var events: String?

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var redactionOptions: RedactionOptions

    @Option(help: "Tracker settings.")
    var trackerConfig = "Configs/tracker.yaml"

    @Option(help: "Run detection on every Nth frame; the tracker predicts in between.")
    var detectEvery: Int?

    @Flag(help: "Treat the input as live (drop frames instead of waiting) or as a file (process every frame).")
    var mode: SourceMode?

    @Option(help: "Camera: requested width.") var width: Int?
    @Option(help: "Camera: requested height.") var height: Int?
    @Option(help: "Camera: requested frame rate.") var fps: Int?

    @Flag(name: .shortAndLong, help: "Print only errors on stderr (no progress bar, no summary).")
    var quiet = false

    enum SourceMode: String, EnumerableFlag { case live, lossless }

    mutating func run() throws {
        av_log_set_level(quiet ? AV_LOG_FATAL : AV_LOG_ERROR)
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

        // Settings and model first: a bad file fails before the camera or stream is opened.
        let kinds = Set(description.stages.map(\.kind))
        let redacting = redactionOptions.asksForRedaction || kinds.contains("redact")
        if redacting && videoPath != nil && kinds.isDisjoint(with: ["overlay", "redact"]) {
            throw ValidationError("\(descriptionPath) has no overlay or redact stage, so faces cannot be hidden in the video")
        }
        let faceRedaction = redacting ? try redactionOptions.settings() : nil
        let assembly = try PipelineAssembly(modelOptions: modelOptions, trackerConfig: trackerConfig,
                                            redaction: faceRedaction, drawWhenRedacting: redactionOptions.overlay)
        let detector = assembly.detector

        let source = try openSource(location, isCamera: isCamera)
        defer { source.close() }
        let info = source.info
        if !quiet { note("facepipe: input \(info.summary); detector \(detector.model.description.name) on \(detector.backend.label)") }
        if !quiet, let faceRedaction, videoPath != nil {
            note("facepipe: redacting faces: \(faceRedaction.summary)" + (redactionOptions.overlay ? "; boxes drawn" : ""))
        }

        var frameSinks: [NamedFrameSink] = []
        var eventSinks: [EventSink] = []
        var stageKinds = Set(description.stages.map(\.kind))
        if let videoPath {
            var encoder = VideoEncoderSettings()
            if info.isLive { encoder.tune = "zerolatency" }
            try createParentFolder(of: videoPath)
            let writer = try MP4Writer(path: videoPath, source: info, settings: encoder,
                                       audioSourcePath: info.isLive ? nil : location)
            if !quiet { note("facepipe: writing \(videoPath): \(writer.encoderDescription)") }
            frameSinks.append(NamedFrameSink("video", writer))
        } else {
            stageKinds.remove("overlay")  // nothing would show the drawing
            stageKinds.remove("redact")
        }
        var eventWriter: JSONLEventWriter?
        if let eventsPath {
            if eventsPath != "-" { try createParentFolder(of: eventsPath) }
            let writer = eventsPath == "-"
                ? JSONLEventWriter(fileDescriptor: STDOUT_FILENO, name: "stdout", closeOnFinish: false)
                : try JSONLEventWriter(path: eventsPath)
            eventWriter = writer
            eventSinks.append(writer)
        }

        let stages = try assembly.stages(of: description, keeping: stageKinds, events: eventWriter)
        let policy: FramePolicy? = switch mode {
        case .live: .latest
        case .lossless: .lossless
        case nil: nil
        }
        let settings = PipelineAssembly.settings(of: description, detectEvery: detectEvery, policy: policy)
        let run = try Pipeline(source: source, stages: stages, frameSinks: frameSinks, eventSinks: eventSinks, settings: settings)
        let signals = StopSignals(stopping: run)
        defer { signals.uninstall() }
        let result = run.run(progress: quiet ? nil : StderrProgressBar.ifTerminal())
        if !quiet {
            note(result.stats.summary)
            if let redactor = stages.lazy.compactMap({ ($0.stage as? OverlayStage)?.redactor }).first { note(redactor.summary) }
            if source.skippedPackets > 0 { note("capture: \(source.skippedPackets) damaged packets skipped") }
            note("facepipe: \(result.endedBy.rawValue)" + (videoPath.map { "; video: \($0)" } ?? "")
                 + (eventsPath.map { "; events: \($0 == "-" ? "stdout" : $0)" } ?? ""))
        }
        if let error = result.error {
            note("facepipe: error: \(error)")
            throw ExitCode.failure
        }
        if result.sourceLeftBehind { throw ExitCode.failure }
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
        switch mode {
        case .live: options.isLive = true
        case .lossless: options.isLive = false
        case nil: break
        }
        return try FFmpegSource(location, options: options)
    }
}

func createParentFolder(of path: String) throws {
    let parent = (path as NSString).deletingLastPathComponent
    if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
}
