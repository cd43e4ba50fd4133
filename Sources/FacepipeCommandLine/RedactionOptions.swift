import ArgumentParser
import FacepipeKit
import Overlay

extension RedactionStyle.Mode: ExpressibleByArgument {}
extension RedactionStyle.Shape: ExpressibleByArgument {}

/// Redaction flags shared by `run` and `eval-redact`. Defaults come from Configs/redaction.yaml;
/// a flag given on the command line wins.
public struct RedactionOptions: ParsableArguments {
    @Option(help: "Hide every face: blur, pixelate or solid. Boxes are then drawn only with --overlay.")
    var redact: RedactionStyle.Mode?

    @Flag(help: "With --redact (or a redact pipeline): also draw boxes, IDs and scores.")
    var overlay = false

    @Option(help: "Mask shape: ellipse or rectangle. Default: redaction.yaml's.")
    var redactShape: RedactionStyle.Shape?

    @Option(help: "Margin added on each side of the face box, as a fraction of its size. Default: redaction.yaml's.")
    var redactMargin: Float?

    @Option(help: "Blur radius or pixelation block, as a fraction of the face size. Default: redaction.yaml's.")
    var redactStrength: Float?

    @Option(help: "Fill colour of solid masks, #RRGGBB. Default: redaction.yaml's.")
    var redactColor: String?

    @Option(help: "Least detection score hidden even when no track follows it. Default: redaction.yaml's.")
    var redactScore: Float?

    @Option(help: "Redaction settings file.")
    var redactionConfig = "Configs/redaction.yaml"

    public init() {}

    public func validate() throws {
        if let redactColor, RGBColor(hex: redactColor) == nil {
            throw ValidationError("--redact-color must look like #202020, got '\(redactColor)'")
        }
        if let redactMargin, !(0...2).contains(redactMargin) {
            throw ValidationError("--redact-margin must be in 0...2, got \(redactMargin)")
        }
        if let redactStrength, !(redactStrength > 0 && redactStrength <= 2) {
            throw ValidationError("--redact-strength must be in (0, 2], got \(redactStrength)")
        }
        if let redactScore, !(0...1).contains(redactScore) {
            throw ValidationError("--redact-score must be in 0...1, got \(redactScore)")
        }
    }

    /// The file's settings these flags override (read when the settings are asked for).
    public var choice: RedactionChoice {
        var choice = RedactionChoice(config: redactionConfig)
        choice.mode = redact
        choice.shape = redactShape
        choice.margin = redactMargin
        choice.strength = redactStrength
        choice.color = redactColor
        choice.score = redactScore
        choice.overlay = overlay
        return choice
    }
}
