import FacepipeCore

/// Configs/redaction.yaml: how faces are hidden (`style`) and which detections are hidden on
/// their own (`score`, `holdSeconds`, used by the tracker stage's `RedactionRegions`).
/// Every key is required and documented in the file; the command line's flags win.
public struct RedactionSettings: Decodable, Sendable, Equatable {
    public var style: RedactionStyle
    /// Least detection score that is hidden even when no track follows it (recall first).
    public var score: Float
    /// How long such a detection stays hidden after the frame it was found in.
    public var holdSeconds: Double

    /// The values shipped in Configs/redaction.yaml (a test keeps the two equal).
    public static let standard = RedactionSettings(style: .standard, score: 0.05, holdSeconds: 0.2)

    public init(style: RedactionStyle, score: Float, holdSeconds: Double) {
        self.style = style; self.score = score; self.holdSeconds = holdSeconds
    }

    /// "blur, ellipse, margin 0.4, strength 0.2, score >= 0.05", for the run's messages.
    public var summary: String {
        let strength = style.mode == .blur ? "strength \(style.blurRadius)"
            : style.mode == .pixelate ? "strength \(style.blockSize)" : "colour \(style.color)"
        return "\(style.mode.rawValue), \(style.shape.rawValue), margin \(style.margin), \(strength), score >= \(score)"
    }

    public static func load(fromFile path: String) throws -> RedactionSettings {
        let settings = try StrictYAML.decode(RedactionSettings.self, fromFile: path)
        try settings.validate(file: path)
        return settings
    }

    /// Ranges that decoding alone cannot check; errors name the file and the key.
    public func validate(file: String = "<config>") throws {
        func check(_ ok: Bool, _ key: String, _ problem: String) throws {
            if !ok { throw RedactionSettingsError(file: file, key: key, problem: problem) }
        }
        try check(style.margin.isFinite && (0...2).contains(style.margin), "margin", "must be in 0...2, found \(style.margin)")
        try check(style.blurRadius.isFinite && style.blurRadius > 0 && style.blurRadius <= 2, "blur_radius",
                  "must be in (0, 2], found \(style.blurRadius)")
        try check(style.blockSize.isFinite && style.blockSize > 0 && style.blockSize <= 2, "block_size",
                  "must be in (0, 2], found \(style.blockSize)")
        try check((0...1).contains(score), "score", "must be in 0...1, found \(score)")
        try check(holdSeconds.isFinite && holdSeconds >= 0, "hold_seconds", "must be >= 0, found \(holdSeconds)")
    }

    enum CodingKeys: String, CodingKey {
        case mode, shape, margin, color, score
        case blurRadius = "blur_radius", blockSize = "block_size", holdSeconds = "hold_seconds"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func choice<T: RawRepresentable & CaseIterable>(_ key: CodingKeys) throws -> T where T.RawValue == String {
            let text = try c.decode(String.self, forKey: key)
            guard let value = T(rawValue: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c,
                    debugDescription: "expected one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), found '\(text)'")
            }
            return value
        }
        let colorText = try c.decode(String.self, forKey: .color)
        guard let color = RGBColor(hex: colorText) else {
            throw DecodingError.dataCorruptedError(forKey: .color, in: c,
                                                   debugDescription: "expected a colour like \"#202020\", found '\(colorText)'")
        }
        style = RedactionStyle(mode: try choice(.mode), shape: try choice(.shape),
                               margin: try c.decode(Float.self, forKey: .margin),
                               blurRadius: try c.decode(Float.self, forKey: .blurRadius),
                               blockSize: try c.decode(Float.self, forKey: .blockSize), color: color)
        score = try c.decode(Float.self, forKey: .score)
        holdSeconds = try c.decode(Double.self, forKey: .holdSeconds)
    }
}

/// A redaction setting that is well-formed YAML but out of range.
struct RedactionSettingsError: Error, CustomStringConvertible {
    public var file: String
    public var key: String
    public var problem: String
    public var description: String { "\(file): \(key): \(problem)" }
}
