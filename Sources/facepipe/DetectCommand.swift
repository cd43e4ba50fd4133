import ArgumentParser
import Capture
import CFFmpeg
import Detector
import FacepipeCore
import Foundation
import Output
import Overlay
import Resize

/// `facepipe detect photo.jpg`: faces in one picture, printed or drawn.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect", abstract: "Detect faces in pictures (any format FFmpeg reads: JPEG, PNG, BMP...).")

    @Argument(help: "Pictures to read.")
    var pictures: [String]

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Print one JSON object per picture instead of a table.")
    var json = false

    @Option(help: "Write the (first) picture with the boxes drawn, as PNG.")
    var draw: String?

    mutating func run() throws {
        FFmpegLog.route(level: .quiet, redaction: CredentialRedaction())  // facepipe's own messages say what failed
        let detector = try modelOptions.makeDetector()
        let resizer = FrameResizer(maxShort: detector.maxSides.short, maxLong: detector.maxSides.long)
        let frame = VideoFrame(), image = RGBImage()
        for (n, picture) in pictures.enumerated() {
            let source = try FFmpegSource(picture)
            defer { source.close() }
            guard try source.read(into: frame) else { throw ValidationError("\(picture): no picture could be decoded") }
            try resizer.resize(frame, into: image)
            var detections: [Detection] = []
            let start = monotonicNanoseconds()
            try detector.detect(image, sourceWidth: frame.width, sourceHeight: frame.height, into: &detections)
            let ms = Double(monotonicNanoseconds() - start) / 1e6
            if json {
                let boxes = detections.map { String(format: "{\"box\":[%.1f,%.1f,%.1f,%.1f],\"score\":%.4f}",
                                                    $0.box.x, $0.box.y, $0.box.width, $0.box.height, $0.score) }
                print("{\"image\":\(jsonString(picture)),\"width\":\(frame.width),\"height\":\(frame.height),\"faces\":[\(boxes.joined(separator: ","))]}")
            } else {
                print("\(picture): \(detections.count) face\(detections.count == 1 ? "" : "s") (\(frame.width)x\(frame.height), network \(image.width)x\(image.height), \(String(format: "%.1f", ms)) ms)")
                for d in detections {
                    print(String(format: "  x %7.1f  y %7.1f  w %6.1f  h %6.1f  score %.3f", d.box.x, d.box.y, d.box.width, d.box.height, d.score))
                }
            }
            if n == 0, let draw {
                frame.faces = detections.enumerated().map { TrackedFace(id: $0.offset + 1, box: $0.element.box, score: $0.element.score, matched: true) }
                FaceOverlay().draw(on: frame)
                try PNGWriter.write(frame, to: draw)
            }
        }
    }
}

func jsonString(_ s: String) -> String {
    let data = try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
    return data.map { String(decoding: $0, as: UTF8.self).dropFirst().dropLast() }.map(String.init) ?? "\"\""
}
