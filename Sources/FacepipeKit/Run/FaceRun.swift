import Capture
import FacepipeCore
import Foundation
import Output
import Overlay
import Pipeline
import Tracker

/// `facepipe run`: checks the request and every output before anything is opened, loads the
/// settings and model, opens the input, runs the pipeline into the outputs, finalises them and
/// says on stderr how the run went. The answer is the run's exit status (`RunExit`).
public struct FaceRun {
    let request: RunRequest
    /// Asked about each existing output when neither -y nor -n was given; true replaces it.
    var askToOverwrite: (String) -> Bool

    public init(_ request: RunRequest, askToOverwrite: @escaping (String) -> Bool) {
        self.request = request
        self.askToOverwrite = askToOverwrite
    }

    public func run() throws -> Int32 {
        let r = request
        // A reader of stdout or stderr that goes away (a closed pipe) must not kill the run before
        // its outputs are finalised: writes then fail with EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
        let redaction = CredentialRedaction(urls: [r.input].compactMap { $0 })
        FFmpegLog.route(level: r.logLevel, redaction: redaction)
        let isCamera = r.input.map(V4L2Source.isCameraPath) ?? false
        let descriptionPath = Resources.resolve(r.pipeline ?? (isCamera ? "Pipelines/webcam-live.yaml" : "Pipelines/mp4-annotate.yaml"))
        let description = try PipelineDescription.load(fromFile: descriptionPath)
        guard let location = r.input ?? description.defaults.input else {
            throw BadRequest("no input: give --input (a file, URL or /dev/videoN); \(descriptionPath) has no default")
        }
        let videoPath = Self.output(r.output, fallback: description.outputs.video ? description.defaults.output : nil)
        let eventsPath = Self.output(r.events, fallback: description.outputs.events
                                     ? Self.defaultEvents(description.defaults.events, beside: videoPath) : nil)
        guard videoPath != nil || eventsPath != nil else {
            throw BadRequest("nothing to produce: both the video and the events output are disabled")
        }
        if (r.start != nil || r.duration != nil) && isCamera {
            throw BadRequest("--start and --duration apply to files and streams, not cameras")
        }
        if r.openTimeout != nil && isCamera { throw BadRequest("--open-timeout applies to streams, not cameras") }
        if r.realTime && isCamera { throw BadRequest("--realtime applies to files and streams; a camera delivers in real time already") }
        var encoderSettings = VideoEncoderSettings()
        if let encoder = r.encoder { encoderSettings.encoder = encoder; encoderSettings.allowsFallback = false }
        if let crf = r.crf { encoderSettings.crf = crf }
        if let preset = r.preset { encoderSettings.preset = preset }

        let kinds = Set(description.stages.map(\.kind))
        let redacting = r.redaction.asksForRedaction || kinds.contains("redact")
        if redacting && videoPath != nil && kinds.isDisjoint(with: ["overlay", "redact"]) {
            throw BadRequest("\(descriptionPath) has no overlay or redact stage, so faces cannot be hidden in the video")
        }

        // Nothing the user has may be lost: refuse before anything is opened.
        var replacing = r.overwrite
        try OutputPreflight.check(outputs: [videoPath, eventsPath].compactMap { $0 }, input: location,
                                  policy: r.overwrite ? .always : r.noOverwrite ? .never : .ask) { path in
            let yes = askToOverwrite(path)
            replacing = replacing || yes  // a "y" on the terminal counts as -y for the final move
            return yes
        }
        if let videoPath { try ContainerCheck.check(path: videoPath, settings: encoderSettings) }

        // Settings and model next: a bad file fails before the camera or stream is opened.
        let faceRedaction = redacting ? try r.redaction.settings() : nil
        let assembly = try PipelineAssembly(detector: r.detector, trackerConfig: r.trackerConfig,
                                            redaction: faceRedaction, drawWhenRedacting: r.redaction.overlay)
        let detector = assembly.detector

        let source = try openSource(location, isCamera: isCamera)
        // A source the pipeline left behind (aborted while stuck in `read`) is still in use on its own
        // thread: closing it there unmaps buffers and libv4l2 plugins under that thread. Exit releases it.
        var sourceLeftBehind = false
        defer { if !sourceLeftBehind { source.close() } }
        let mode = RunMode(flag: r.mode, filePolicy: description.policy.policy, source: source.info)
        var info = source.info
        info.isLive = mode.isLive  // what the outputs (encoder tuning, audio copy) read
        if !r.quiet {
            note("facepipe: input \(info.summary); detector \(detector.model.description.name) on \(detector.backend.label)")
            for line in info.notes { note("facepipe: \(line)") }
        }
        if !r.quiet, let faceRedaction, videoPath != nil {
            note("facepipe: redacting faces: \(faceRedaction.summary)" + (r.redaction.overlay ? "; boxes drawn" : ""))
        }

        // Outputs are written under temporary names and moved into place when finalised.
        if info.isLive { encoderSettings.tune = "zerolatency" }
        encoderSettings.startsAtZero = r.start != nil
        // A fragment starts on a keyframe: one a second keeps a killed run's loss to about a second.
        if r.fragmented, info.frameRate.num > 0 { encoderSettings.keyframeInterval = max(1, Int(info.frameRate.value.rounded())) }
        let signals = StopSignals()  // from here on, a signal finishes what was opened
        defer { signals.uninstall() }
        let outputs = try RunOutputs(videoPath: videoPath, eventsPath: eventsPath, source: info, encoder: encoderSettings,
                                     audioSourcePath: info.isLive || r.start != nil ? nil : location, fragmented: r.fragmented)
        var frameSinks: [NamedFrameSink] = []
        var stageKinds = Set(description.stages.map(\.kind))
        if let writer = outputs.video {
            if !r.quiet { note("facepipe: writing \(writer.path): \(writer.encoderDescription)") }
            frameSinks.append(NamedFrameSink("video", writer))
        } else {
            stageKinds.remove("overlay")  // nothing would show the drawing
            stageKinds.remove("redact")
        }
        // Events reach their writer through the pipeline's sink side, like the video.
        let eventWriter = outputs.events
        let eventSinks: [EventSink] = eventWriter.map { [$0] } ?? []

        let stages = try assembly.stages(of: description, keeping: stageKinds)
        let settings = PipelineAssembly.settings(of: description, detectEvery: r.detectEvery, policy: mode.policy)
        let run = try Pipeline(source: source, stages: stages, frameSinks: frameSinks, eventSinks: eventSinks, settings: settings)
        signals.attach(run)
        let result = run.run(progress: r.quiet ? nil : StderrProgressBar.ifTerminal())
        sourceLeftBehind = result.sourceLeftBehind
        let exit = RunExit.of(result, signal: signals.firstSignal, liveInput: info.isLive)

        let (settleNotes, settleError) = outputs.settle(framesWritten: result.stats.framesWritten,
                                                        completed: exit.status == RunExit.completed, replacing: replacing)
        for line in settleNotes { note("facepipe: \(line)") }

        if !r.quiet {
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
        if exit.status != RunExit.completed { return exit.status }
        return settleError != nil ? 1 : 0
    }

    /// The events file when --events is not given: beside the video and named after it
    /// (`out/clip.mp4` -> `out/clip.jsonl`) when the video is a file, so one run's outputs stay
    /// together; else the pipeline's own default (a file in the working folder, or stdout).
    static func defaultEvents(_ pipelineDefault: String?, beside video: String?) -> String? {
        guard let pipelineDefault, pipelineDefault != "-", let video, video != "-",
              let video = OutputPreflight.localPath(video), !isSpecialFile(video) else { return pipelineDefault }
        let name = video[(video.lastIndex(of: "/").map { video.index(after: $0) } ?? video.startIndex)...]
        // The extension is what follows the name's last dot (".hidden" has none).
        let stem = name.lastIndex(of: ".").flatMap { $0 > name.startIndex ? $0 : nil } ?? video.endIndex
        return String(video[..<stem]) + ".jsonl"
    }

    /// A device, FIFO or socket (e.g. /dev/null): nothing can be put beside it.
    private static func isSpecialFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
    }

    private static func output(_ flag: String?, fallback: String?) -> String? {
        let value = flag ?? fallback
        return value == "none" ? nil : value
    }

    private func openSource(_ location: String, isCamera: Bool) throws -> FrameSource {
        if isCamera {
            var camera = V4L2CaptureOptions(width: request.width, height: request.height, fps: request.fps)
            if let seconds = request.readTimeout { camera.timeout = seconds }
            return try V4L2Source(path: location, options: camera)
        }
        var options = FFmpegSourceOptions()
        if let seconds = request.openTimeout { options.openTimeout = seconds }
        if let seconds = request.readTimeout { options.readTimeout = seconds }
        options.start = request.start
        options.duration = request.duration
        options.isLive = RunMode.sourceIsLive(request.mode)
        options.realTime = request.realTime
        return try FFmpegSource(location, options: options)
    }
}
