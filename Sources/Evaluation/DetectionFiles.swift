import Foundation
import FacepipeCore

/// Writes detections the way the Python evaluator reads them, so a Swift run can be
/// re-scored independently: a WIDER submission folder (one .txt per image) and JSONL.
public enum DetectionFiles {
    /// `<folder>/<image path without extension>.txt`: image name, count, then `x y w h score` lines.
    public static func writeWider(folder: String, image: String, detections: [Detection]) throws {
        let stem = (image as NSString).deletingPathExtension
        let path = (folder as NSString).appendingPathComponent(stem + ".txt")
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        var text = "\((stem as NSString).lastPathComponent)\n\(detections.count)\n"
        for d in detections {
            text += String(format: "%.2f %.2f %.2f %.2f %.5f\n", d.box.x, d.box.y, d.box.width, d.box.height, d.score)
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw LabelsError(description: "cannot write \(path)")
        }
    }

    /// One JSON line: {"image": ..., "boxes": [[x, y, w, h, score], ...]}.
    public static func jsonLine(image: String, detections: [Detection]) -> String {
        let boxes = detections.map { d in
            String(format: "[%.2f,%.2f,%.2f,%.2f,%.5f]", d.box.x, d.box.y, d.box.width, d.box.height, d.score)
        }.joined(separator: ",")
        let escaped = image.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "{\"image\":\"\(escaped)\",\"boxes\":[\(boxes)]}"
    }
}
