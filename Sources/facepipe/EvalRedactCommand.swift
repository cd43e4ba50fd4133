import ArgumentParser
import Capture
import FacepipeCommandLine
import FacepipeCore
import FacepipeKit
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

    @OptionGroup var options: EvalRedactOptions

    mutating func run() throws {
        FFmpegLog.route(level: .quiet, redaction: CredentialRedaction())  // facepipe's own messages say what failed
        let tests = try options.rendered.tests()
        let description = try PipelineDescription.load(fromFile: Resources.resolve(options.pipeline))
        let settings = try options.redactionOptions.choice.settings()
        let assembly = try PipelineAssembly(detector: options.modelOptions.choice, trackerConfig: options.rendered.trackerConfig, redaction: settings)
        let evaluation = try RedactionEvaluation(assembly: assembly, description: description, detectEvery: options.rendered.detectEvery)
        if !options.rendered.quiet { note("facepipe: detector \(assembly.detector.model.description.name) on \(assembly.detector.backend.label)") }
        let results = try options.rendered.each(tests, scores: \.scores) { try evaluation.evaluate($0, progress: $1, summary: $2) }
        let model = try options.modelOptions.choice.modelName
        let s = settings.style
        let report = RedactionReport(results: results, model: model, engine: try options.modelOptions.choice.resolvedEngine.rawValue,
                                     detectEvery: evaluation.settings.detectEvery,
                                     settings: "\(s.shape.rawValue), margin \(s.margin), redaction score \(settings.score), "
                                         + "hold \(settings.holdSeconds) s, \(options.rendered.trackerConfig)")
        print(options.json ? try report.json() : report.markdown)
    }
}
