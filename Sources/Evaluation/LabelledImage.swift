import Foundation
import FacepipeCore

/// One line of a labels.jsonl set (format: ../shared/data/train/README.md, eval/README.md).
public struct LabelledImage: Sendable {
    /// Image path relative to the labels file's folder.
    public var image: String
    public var boxes: [Box]
    /// False for boxes flagged `{"ignore": 1}` (dlib style): out of scoring with their match.
    public var scored: [Bool]
    /// Regions holding visible faces without a box: detections there are neither TP nor FP.
    var ignoreRegions: [Box]
}

public struct LabelsError: Error, CustomStringConvertible {
    public var description: String
}

public enum LabelsFile {
    /// Reads every line; errors name the file and line.
    public static func load(_ path: String) throws -> [LabelledImage] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LabelsError(description: "labels file not found or unreadable: \(path)")
        }
        var out: [LabelledImage] = []
        for (n, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            let where_ = "\(path):\(n + 1)"
            guard let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                  let image = obj["image"] as? String else {
                throw LabelsError(description: "\(where_): expected a JSON object with an \"image\" string")
            }
            let boxes = try parseBoxes(obj["boxes"], where_)
            var scored = [Bool](repeating: true, count: boxes.count)
            if let flags = obj["flags"] {
                guard let list = flags as? [Any], list.count == boxes.count else {
                    throw LabelsError(description: "\(where_): \"flags\" must list one object per box")
                }
                for (k, f) in list.enumerated() {
                    if let d = f as? [String: Any], let v = d["ignore"] as? NSNumber, v.intValue != 0 { scored[k] = false }
                }
            }
            out.append(LabelledImage(image: image, boxes: boxes, scored: scored,
                                     ignoreRegions: try parseBoxes(obj["ignore"], where_)))
        }
        return out
    }

    static func parseBoxes(_ value: Any?, _ where_: String) throws -> [Box] {
        guard let value, !(value is NSNull) else { return [] }
        guard let list = value as? [Any] else { throw LabelsError(description: "\(where_): boxes must be a list") }
        return try list.map { item in
            guard let v = item as? [NSNumber], v.count >= 4 else {
                throw LabelsError(description: "\(where_): each box must be [x, y, w, h]")
            }
            let f = v.prefix(4).map { $0.floatValue }
            guard f.allSatisfy(\.isFinite) else { throw LabelsError(description: "\(where_): a box has a non-finite number") }
            return Box(x: f[0], y: f[1], width: f[2], height: f[3])
        }
    }
}
