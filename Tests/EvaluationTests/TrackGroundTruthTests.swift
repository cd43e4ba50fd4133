import Foundation
import Testing
import FacepipeCore
@testable import Evaluation

@Suite struct TrackGroundTruthTests {
    let header = #"{"format": "facepipe-track-gt", "version": 1, "video": "v.mp4", "width": 64, "height": 48, "fps": 25, "frames": 2}"#
    let frame0 = #"{"frame": 0, "time": 0.0, "faces": [{"id": 3, "box": [1, 2, 10, 12], "occluded": false}]}"#
    let frame1 = #"{"frame": 1, "time": 0.04, "faces": [{"id": 3, "box": [2, 2, 10, 12], "occluded": true}]}"#

    func parse(_ lines: [String]) -> Result<TrackGroundTruth, Error> {
        Result { try TrackGroundTruth.parse(Data(lines.joined(separator: "\n").utf8), file: "g.jsonl") }
    }
    func message(_ lines: [String]) -> String {
        if case .failure(let error) = parse(lines) { return "\(error)" }
        return "accepted"
    }

    @Test func readsFramesAndFaces() throws {
        let truth = try parse([header, frame0, frame1, ""]).get()
        #expect(truth.width == 64 && truth.height == 48 && truth.fps == 25 && truth.video == "v.mp4")
        #expect(truth.frames.count == 2)
        #expect(truth.faces(atFrame: 0) == [GroundTruthFace(id: 3, box: Box(x: 1, y: 2, width: 10, height: 12))])
        #expect(truth.faces(atFrame: 1)[0].ignored)
        #expect(truth.faces(atFrame: 2).isEmpty && truth.frames[1].time == 0.04)
    }

    @Test func problemsAreNamedWithTheLine() {
        #expect(message([header, frame0]) == "g.jsonl:2: the header promises 2 frames, the file has 1 (truncated?)")
        #expect(message([header, frame1, frame0]) == "g.jsonl:2: frame 1 out of order (expected 0)")
        #expect(message([header, frame0, #"{"frame": 1, "time": 0.04, "faces": [{"id": 3, "box": [2, 2], "#])
                == "g.jsonl:3: not valid JSON")
        #expect(message([header, frame0, #"{"frame": 1, "faces": []}"#]) == "g.jsonl:3: missing key 'time'")
        #expect(message([header, frame0, #"{"frame": 1, "time": 0.04, "faces": [{"id": 3, "box": [2, 2], "occluded": false}]}"#])
                == "g.jsonl:3: face 3: box must be [x, y, w, h] with w, h >= 0")
        #expect(message([header.replacingOccurrences(of: "facepipe-track-gt", with: "other")])
                == "g.jsonl:1: format is 'other', expected 'facepipe-track-gt'")
        #expect(message([""]) == "g.jsonl:1: empty file, expected a header line")
        do {
            _ = try TrackGroundTruth.load(fromFile: "/nonexistent/g.jsonl")
            Issue.record("a missing file was accepted")
        } catch {
            #expect("\(error)" == "/nonexistent/g.jsonl: cannot read the file (missing or unreadable)")
        }
    }

    @Test func scoresPerFrameOutputWithMissingFramesAsEmpty() throws {
        let truth = try parse([header, frame0, frame1]).get()
        let perfect = [0: [TrackedFace(id: 9, box: Box(x: 1, y: 2, width: 10, height: 12), score: 1, matched: true)]]
        let s = truth.score(perfect)
        // Frame 1's face is occluded (ignored), so one box counts and it is found.
        #expect(s.groundTruthBoxes == 1 && s.matches == 1 && s.mota == 1 && s.idf1 == 1 && s.frames == 2)
        let none = truth.score([:])
        #expect(none.misses == 1 && none.mota == 0)
    }
}
