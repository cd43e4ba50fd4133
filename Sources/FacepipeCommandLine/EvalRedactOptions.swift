import ArgumentParser

/// `facepipe eval-redact`'s command line: the rendered videos, the pipeline, detector and
/// redaction settings to run on them, and how to print.
public struct EvalRedactOptions: ParsableArguments {
    @OptionGroup public var rendered: RenderedVideoOptions

    @Option(help: "Pipeline description (stage chain, detect-every); its redact stage and outputs are not used.")
    public var pipeline = "Pipelines/redact.yaml"

    @OptionGroup public var modelOptions: ModelOptions

    @OptionGroup public var redactionOptions: RedactionOptions

    @Flag(help: "Print one JSON document instead of the Markdown table.")
    public var json = false

    public init() {}
}
