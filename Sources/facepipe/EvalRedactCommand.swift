import ArgumentParser
import CFFmpeg
import Foundation
import Pipeline

/// `facepipe eval-redact clip.mp4 ...`: how much of each true face redaction leaves visible, on
/// videos rendered with exact ground truth by Tools/make_track_video.py (as `eval-track`).
struct EvalRedactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-redact",
        abstract: "Score redaction (face area left visible, non-face area hidden) on rendered test videos.",
        discussion: """
            Runs detect and track with redaction on, lays the redactor's masks (margin, shape) over each
            frame and counts, against the exact truth: the share of true face area left visible per frame
            (mean and worst frame), frames in which a face is more than 20 % visible, and the hidden area
            that is not a face. Prints a Markdown table (README-ready) or --json.
              facepipe eval-redact /tmp/t/a.mp4      # reads /tmp/t/a.gt.jsonl
            Tools/redact_benchmark.py renders the benchmark set and runs this for each engine and detect-every.
            """)

    @Argument(help: "Rendered videos; each one's ground truth is <video without extension>.gt.jsonl unless --truth says.")
    var videos: [String]

    @Option(help: "Ground-truth file, once per video, in the same order.")
    var truth: [String] = []

    @Option(help: "Pipeline description (stage chain, detect-every); its redact stage and outputs are not used.")
    var pipeline = "Pipelines/redact.yaml"

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var redactionOptions: RedactionOptions

    @Option(help: "Tracker settings.")
    var trackerConfig = "Configs/tracker.yaml"

    @Option(help: "Run detection on every Nth frame; the tracker predicts in between (default: the pipeline file's).")
    var detectEvery: Int?

    @Flag(help: "Print one JSON document instead of the Markdown table.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print no progress or pipeline summaries on stderr.")
    var quiet = false

    func validate() throws {
        guard !videos.isEmpty else { throw ValidationError("give at least one rendered video") }
        guard truth.isEmpty || truth.count == videos.count else {
            throw ValidationError("--truth was given \(truth.count) times for \(videos.count) videos: give it once per video or not at all")
        }
        if let detectEvery, detectEvery < 1 { throw ValidationError("--detect-every must be at least 1, got \(detectEvery)") }
    }

    mutating func run() throws {
        av_log_set_level(quiet ? AV_LOG_FATAL : AV_LOG_ERROR)
        let tests = try videos.enumerated().map { n, video in
            try TrackTestVideo(video: video, truthFile: truth.isEmpty ? nil : truth[n])
        }
        let description = try PipelineDescription.load(fromFile: Resources.resolve(pipeline))
        let settings = try redactionOptions.settings()
        let assembly = try PipelineAssembly(modelOptions: modelOptions, trackerConfig: trackerConfig, redaction: settings)
        let evaluation = try RedactionEvaluation(assembly: assembly, description: description, detectEvery: detectEvery)
        if !quiet { note("facepipe: detector \(assembly.detector.model.description.name) on \(assembly.detector.backend.label)") }
        var results: [RedactionVideoResult] = []
        for test in tests {
            if !quiet { note("facepipe: \(test.video) (\(test.truth.frames.count) frames, truth \(test.truthFile))") }
            let result = try evaluation.evaluate(test, progress: quiet ? nil : StderrProgressBar.ifTerminal(),
                                                 summary: quiet ? nil : { note($0.summary) })
            if !quiet { note("  \(result.scores)") }
            results.append(result)
        }
        let model = try modelOptions.model ?? modelOptions.fileSettings().0.model
        let s = settings.style
        let report = RedactionReport(results: results, model: model, engine: try modelOptions.resolvedEngine.rawValue,
                                     detectEvery: evaluation.settings.detectEvery,
                                     settings: "\(s.shape.rawValue), margin \(s.margin), redaction score \(settings.score), "
                                         + "hold \(settings.holdSeconds) s, \(trackerConfig)")
        print(json ? try report.json() : report.markdown)
    }
}
