import Evaluation
import Foundation

/// How `eval-redact` prints its results: a Markdown table (per video, then all of them) that
/// goes into the README as is, or one JSON document for scripts (Tools/redact_benchmark.py).
public struct RedactionReport {
    var results: [RedactionVideoResult]
    var model: String
    var engine: String
    var detectEvery: Int
    var settings: String

    public init(results: [RedactionVideoResult], model: String, engine: String, detectEvery: Int, settings: String) {
        self.results = results
        self.model = model
        self.engine = engine
        self.detectEvery = detectEvery
        self.settings = settings
    }

    var overall: RedactionScores { .total(results.map(\.scores)) }

    static let header = "| video | frames with faces | face instances | visible face area, mean % | worst frame % "
        + "| frames with a face > 20 % visible | faces > 20 % visible | faces partly visible | hidden non-face, % of frame "
        + "| hidden non-face / face area |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"

    static func row(_ name: String, _ s: RedactionScores) -> String {
        func pct(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", 100 * x) }
        return "| \(name) | \(s.framesWithFaces) | \(s.faceInstances) | \(pct(s.meanVisibleShare)) | "
            + "\(pct(s.worstVisibleShare, 1)) | \(s.framesWithSlip) | \(s.facesSlipped) | \(s.facesPartlyVisible) | "
            + "\(pct(s.hiddenNonFaceShare, 1)) | \(String(format: "%.2f", s.hiddenNonFacePerFaceArea)) |"
    }

    public var markdown: String {
        var lines = ["**\(engine), detect every \(detectEvery)** (\(model); \(settings))", "", Self.header]
        for r in results { lines.append(Self.row((r.video as NSString).lastPathComponent, r.scores)) }
        if results.count > 1 { lines.append(Self.row("**all**", overall)) }
        return lines.joined(separator: "\n")
    }

    struct Document: Encodable {
        var format = "facepipe-redact-eval"
        var version = 1
        var model: String
        var engine: String
        var detectEvery: Int
        var settings: String
        var videos: [Video]
        var overall: Scores
        enum CodingKeys: String, CodingKey {
            case format, version, model, engine, settings, videos, overall, detectEvery = "detect_every"
        }
    }

    struct Video: Encodable {
        var video: String
        var framesPerSecond: Double
        var scores: Scores
        enum CodingKeys: String, CodingKey { case video, scores, framesPerSecond = "frames_per_second" }
    }

    /// `RedactionScores` under stable snake_case names.
    struct Scores: Encodable {
        let s: RedactionScores
        enum CodingKeys: String, CodingKey {
            case frames, framesWithFaces = "frames_with_faces", faceInstances = "face_instances"
            case meanVisible = "mean_visible_share", worstVisible = "worst_visible_share", worstFrame = "worst_frame"
            case framesWithSlip = "frames_with_face_over_20pct", facesSlipped = "faces_over_20pct"
            case facesPartlyVisible = "faces_partly_visible", facePixels = "face_pixels"
            case visibleFacePixels = "visible_face_pixels", hiddenNonFacePixels = "hidden_non_face_pixels"
            case hiddenNonFaceShare = "hidden_non_face_share", hiddenPerFace = "hidden_non_face_per_face_area"
            case slipFrames = "frames_with_face_over_20pct_listed"
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(s.frames, forKey: .frames)
            try c.encode(s.framesWithFaces, forKey: .framesWithFaces)
            try c.encode(s.faceInstances, forKey: .faceInstances)
            try c.encode(s.meanVisibleShare, forKey: .meanVisible)
            try c.encode(s.worstVisibleShare, forKey: .worstVisible)
            try c.encode(s.worstFrame, forKey: .worstFrame)
            try c.encode(s.framesWithSlip, forKey: .framesWithSlip)
            try c.encode(s.facesSlipped, forKey: .facesSlipped)
            try c.encode(s.facesPartlyVisible, forKey: .facesPartlyVisible)
            try c.encode(s.facePixels, forKey: .facePixels)
            try c.encode(s.visibleFacePixels, forKey: .visibleFacePixels)
            try c.encode(s.hiddenNonFacePixels, forKey: .hiddenNonFacePixels)
            try c.encode(s.hiddenNonFaceShare, forKey: .hiddenNonFaceShare)
            try c.encode(s.hiddenNonFacePerFaceArea, forKey: .hiddenPerFace)
            try c.encode(s.slipFrames, forKey: .slipFrames)
        }
    }

    public func json() throws -> String {
        let document = Document(model: model, engine: engine, detectEvery: detectEvery, settings: settings,
                                videos: results.map { Video(video: $0.video, framesPerSecond: $0.framesPerSecond, scores: Scores(s: $0.scores)) },
                                overall: Scores(s: overall))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }
}
