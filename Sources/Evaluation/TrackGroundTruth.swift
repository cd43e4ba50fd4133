import Foundation
import FacepipeCore

/// Per-frame ground truth of a tracking test video, as written by Tools/make_track_video.py
/// (`<video>.gt.jsonl`): a header line, then one line per frame:
///
///     {"format": "facepipe-track-gt", "version": 1, "video": "clip.mp4", "width": 640, "height": 360,
///      "fps": 25, "frames": 100, ...}
///     {"frame": 0, "time": 0.0, "camera": [x, y, w, h], "faces": [{"id": 3, "box": [x, y, w, h],
///      "visible": 1.0, "occluded": false}, ...]}
///
/// Boxes are in output-video pixels; `occluded` faces are scored as ignored.
public struct TrackGroundTruth: Sendable {
    public static let format = "facepipe-track-gt"
    public static let version = 1

    public struct Frame: Sendable {
        public var frame: Int
        public var time: Double
        public var faces: [GroundTruthFace]
        /// Columns [x0, x1) the renderer blacked out in this frame (its occluding bar), if any.
        public var bar: Range<Int>? = nil
    }

    public var video: String
    public var width: Int
    public var height: Int
    public var fps: Double
    /// Indexed by frame number, every frame present.
    public var frames: [Frame]

    /// The faces of frame `index` (none past the end).
    public func faces(atFrame index: Int) -> [GroundTruthFace] {
        frames.indices.contains(index) ? frames[index].faces : []
    }

    public static func load(fromFile path: String) throws -> TrackGroundTruth {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrackGroundTruthError(file: path, line: 0, problem: "cannot read the file (missing or unreadable)")
        }
        return try parse(data, file: path)
    }

    public static func parse(_ data: Data, file: String = "<ground truth>") throws -> TrackGroundTruth {
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let decoder = JSONDecoder()
        func fail(_ line: Int, _ problem: String) -> TrackGroundTruthError {
            TrackGroundTruthError(file: file, line: line, problem: problem)
        }
        func decode<T: Decodable>(_ type: T.Type, _ index: Int) throws -> T {
            do { return try decoder.decode(type, from: Data(lines[index])) } catch let error as DecodingError {
                throw fail(index + 1, describe(error))
            } catch {
                throw fail(index + 1, "not valid JSON")
            }
        }
        guard let first = lines.first, !first.isEmpty else { throw fail(1, "empty file, expected a header line") }
        let header = try decode(HeaderLine.self, 0)
        guard header.format == format else { throw fail(1, "format is '\(header.format)', expected '\(format)'") }
        guard header.version == version else { throw fail(1, "version \(header.version) is not supported (expected \(version))") }
        guard header.width > 0, header.height > 0, header.fps > 0, header.frames >= 0 else {
            throw fail(1, "width, height and fps must be positive and frames >= 0")
        }
        var frames: [Frame] = []
        frames.reserveCapacity(header.frames)
        for index in 1..<lines.count where !lines[index].isEmpty {
            let line = try decode(FrameLine.self, index)
            guard line.frame == frames.count else {
                throw fail(index + 1, "frame \(line.frame) out of order (expected \(frames.count))")
            }
            var faces: [GroundTruthFace] = []
            for face in line.faces {
                guard face.box.count == 4, face.box[2] >= 0, face.box[3] >= 0 else {
                    throw fail(index + 1, "face \(face.id): box must be [x, y, w, h] with w, h >= 0")
                }
                faces.append(GroundTruthFace(id: face.id, box: Box(x: face.box[0], y: face.box[1], width: face.box[2],
                                                                  height: face.box[3]), ignored: face.occluded))
            }
            var bar: Range<Int>?
            if let columns = line.bar {
                guard columns.count == 2, columns[0] <= columns[1] else { throw fail(index + 1, "bar must be [x0, x1] with x0 <= x1") }
                bar = columns[0]..<columns[1]
            }
            frames.append(Frame(frame: line.frame, time: line.time, faces: faces, bar: bar))
        }
        guard frames.count == header.frames else {
            throw fail(lines.count, "the header promises \(header.frames) frames, the file has \(frames.count) (truncated?)")
        }
        return TrackGroundTruth(video: header.video, width: header.width, height: header.height, fps: header.fps, frames: frames)
    }

    private struct HeaderLine: Decodable {
        var format: String
        var version: Int
        var video: String
        var width: Int
        var height: Int
        var fps: Double
        var frames: Int
    }

    private struct FrameLine: Decodable {
        var frame: Int
        var time: Double
        var faces: [FaceEntry]
        var bar: [Int]?
    }

    private struct FaceEntry: Decodable {
        var id: Int
        var box: [Float]
        var occluded: Bool
    }
}

private func describe(_ error: DecodingError) -> String {
    switch error {
    case .keyNotFound(let key, let context):
        return "missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
        return "bad value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
    case .dataCorrupted:
        return "not valid JSON"
    @unknown default:
        return "cannot decode"
    }
}

/// A ground-truth file that is missing, malformed or truncated.
public struct TrackGroundTruthError: Error, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var problem: String
    public var description: String { line > 0 ? "\(file):\(line): \(problem)" : "\(file): \(problem)" }
}

extension TrackGroundTruth {
    /// Scores a tracker's output against this ground truth: `facesByFrame[i]` holds the faces
    /// reported for frame i; frames without an entry (dropped, never reached) count as empty.
    public func score(_ facesByFrame: [Int: [TrackedFace]], iouThreshold: Float = 0.5) -> TrackingScores {
        var metrics = TrackingMetrics(iouThreshold: iouThreshold)
        for frame in frames {
            metrics.add(groundTruth: frame.faces, predictions: facesByFrame[frame.frame] ?? [])
        }
        return metrics.result()
    }
}
