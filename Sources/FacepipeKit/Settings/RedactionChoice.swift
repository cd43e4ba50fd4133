import Overlay

/// How to hide faces: Configs/redaction.yaml with whatever the caller gives (the command line's
/// flags) winning over it. `nil` keeps the file's value.
public struct RedactionChoice: Sendable {
    var config = "Configs/redaction.yaml"
    public var mode: RedactionStyle.Mode?
    public var shape: RedactionStyle.Shape?
    public var margin: Float?
    /// Blur radius or pixelation block, as a fraction of the face size.
    public var strength: Float?
    /// `#RRGGBB`.
    public var color: String?
    public var score: Float?
    /// Draw boxes, IDs and scores on top of the hidden faces too.
    public var overlay = false

    public init(config: String = "Configs/redaction.yaml") {
        self.config = config
    }

    /// Whether the caller asks for redaction (a pipeline file may ask for it too).
    var asksForRedaction: Bool { mode != nil }

    /// The file's settings with the choices applied, checked.
    public func settings() throws -> RedactionSettings {
        var settings = try RedactionSettings.load(fromFile: Resources.resolve(config))
        if let mode { settings.style.mode = mode }
        if let shape { settings.style.shape = shape }
        if let margin { settings.style.margin = margin }
        if let strength {
            settings.style.blurRadius = strength
            settings.style.blockSize = strength
        }
        if let color, let rgb = RGBColor(hex: color) { settings.style.color = rgb }
        if let score { settings.score = score }
        try settings.validate(file: "command line")
        return settings
    }
}
