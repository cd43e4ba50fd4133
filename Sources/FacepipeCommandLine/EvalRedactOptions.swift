import ArgumentParser
import FacepipeKit

/// `facepipe eval-redact`'s command line: the rendered videos, the pipeline, detector and
/// redaction settings to run on them, and how to print; the `RedactionEvaluationRequest` it asks
/// FacepipeKit for.
public struct EvalRedactOptions: ParsableArguments {
    @OptionGroup public var rendered: RenderedVideoOptions

    @Option(help: "Pipeline description (stage chain, detect-every); its redact stage and outputs are not used.")
    public var pipeline = "Pipelines/redact.yaml"

    @OptionGroup public var modelOptions: ModelOptions

    @OptionGroup var redactionOptions: RedactionOptions

    @Flag(help: "Print one JSON document instead of the Markdown table.")
    public var json = false

    public init() {}

    /// The evaluation these flags ask for; the settings files and videos are read when it runs.
    public var evaluation: RedactionEvaluationRequest {
        var request = RedactionEvaluationRequest(videos: rendered.videoSet)
        request.pipeline = pipeline
        request.detector = modelOptions.choice
        request.redaction = redactionOptions.choice
        return request
    }
}
