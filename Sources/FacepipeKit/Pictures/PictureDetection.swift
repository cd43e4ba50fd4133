import Detector
import FacepipeCore
import Foundation
import Output
import Overlay

/// `facepipe detect`: the faces in one picture after another, as a table or JSON, and the
/// boxes drawn on a picture.
public final class PictureDetection {
    let detector: FaceDetector
    let reader: PictureReader
    private let image = RGBImage()

    public init(detector: FaceDetector) {
        self.detector = detector
        reader = PictureReader(maxShort: detector.maxSides.short, maxLong: detector.maxSides.long)
    }

    /// What was found in one picture.
    public struct Found {
        var picture: String
        var width: Int
        var height: Int
        var networkWidth: Int
        var networkHeight: Int
        var milliseconds: Double
        var detections: [Detection]

        public var json: String {
            let boxes = detections.map { String(format: "{\"box\":[%.1f,%.1f,%.1f,%.1f],\"score\":%.4f}",
                                                $0.box.x, $0.box.y, $0.box.width, $0.box.height, $0.score) }
            return "{\"image\":\(Self.jsonString(picture)),\"width\":\(width),\"height\":\(height),\"faces\":[\(boxes.joined(separator: ","))]}"
        }

        public var table: String {
            var lines = ["\(picture): \(detections.count) face\(detections.count == 1 ? "" : "s") (\(width)x\(height), network \(networkWidth)x\(networkHeight), \(String(format: "%.1f", milliseconds)) ms)"]
            for d in detections {
                lines.append(String(format: "  x %7.1f  y %7.1f  w %6.1f  h %6.1f  score %.3f", d.box.x, d.box.y, d.box.width, d.box.height, d.score))
            }
            return lines.joined(separator: "\n")
        }

        private static func jsonString(_ s: String) -> String {
            let data = try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
            return data.map { String(decoding: $0, as: UTF8.self).dropFirst().dropLast() }.map(String.init) ?? "\"\""
        }
    }

    public func detect(_ picture: String) throws -> Found {
        guard try reader.read(picture, into: image) else { throw BadRequest("\(picture): no picture could be decoded") }
        let frame = reader.frame
        var detections: [Detection] = []
        let start = monotonicNanoseconds()
        try detector.detect(image, sourceWidth: frame.width, sourceHeight: frame.height, into: &detections)
        let ms = Double(monotonicNanoseconds() - start) / 1e6
        return Found(picture: picture, width: frame.width, height: frame.height, networkWidth: image.width,
                     networkHeight: image.height, milliseconds: ms, detections: detections)
    }

    /// Draws `found` on the picture last read (it must be the one `found` came from) and writes it as PNG.
    public func drawLast(_ found: Found, to path: String) throws {
        let frame = reader.frame
        frame.faces = found.detections.enumerated().map {
            TrackedFace(id: $0.offset + 1, box: $0.element.box, score: $0.element.score, matched: true)
        }
        FaceOverlay().draw(on: frame)
        try PNGWriter.write(frame, to: path)
    }
}
