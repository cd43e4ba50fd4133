import Foundation
import Testing
import FacepipeCore
import TestSupport
@testable import Tracker

/// Every frame of a real clip, decoded by the ffmpeg CLI as coded (no frames duplicated or
/// dropped) to raw I420 at the clip's own size, read back one frame at a time.
final class DecodedClip {
    let width: Int, height: Int
    private let folder: URL
    private let handle: FileHandle
    private var frameBytes: Int { width * height + 2 * ((width + 1) / 2) * ((height + 1) / 2) }

    init(_ video: URL, width: Int, height: Int) throws {
        self.width = width
        self.height = height
        folder = try TestPaths.scratch("decoded-clip")
        let raw = folder.appendingPathComponent("frames.yuv")
        try runTool("ffmpeg", ["-v", "error", "-nostdin", "-i", video.path, "-fps_mode", "passthrough",
                               "-f", "rawvideo", "-pix_fmt", "yuv420p", "-y", raw.path])
        handle = try FileHandle(forReadingFrom: raw)
    }

    deinit {
        try? handle.close()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Fills `frame` with the next picture; false at the end of the clip.
    func next(into frame: VideoFrame) throws -> Bool {
        guard let data = try handle.read(upToCount: frameBytes), data.count == frameBytes else { return false }
        frame.reshape(width: width, height: height)
        let cw = (width + 1) / 2, ch = (height + 1) / 2
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            let base = bytes.bindMemory(to: UInt8.self).baseAddress!
            var offset = 0
            for (plane, stride, rows, cols) in [(frame.planes.y, frame.strides.y, height, width),
                                                (frame.planes.u, frame.strides.u, ch, cw),
                                                (frame.planes.v, frame.strides.v, ch, cw)] {
                for r in 0..<rows { (plane + r * stride).update(from: base + offset + r * cols, count: cols) }
                offset += rows * cols
            }
        }
        return true
    }

    /// The meter's change for every frame of the clip.
    static func changes(_ video: URL, width: Int, height: Int) throws -> [Float] {
        let clip = try DecodedClip(video, width: width, height: height)
        let frame = VideoFrame()
        var meter = SceneChangeMeter()
        var changes: [Float] = []
        while try clip.next(into: frame) { changes.append(meter.measure(frame)) }
        return changes
    }
}

/// The cut measure on real clips whose cuts were found by eye (the frames on both sides looked at).
@Suite struct SceneChangeMeterTests {
    let threshold = TrackerConfig.standard.sceneCut

    /// The demo clip: a stage, a close-up that moves fast, the stage again, the audience.
    @Test func theDemoClipsThreeCutsAndNothingElse() throws {
        let changes = try DecodedClip.changes(TestPaths.data("videos/short_hamilton_clip.mp4"), width: 640, height: 360)
        #expect(changes.count == 275)
        #expect(changes[0] == 0, "the first frame has nothing to differ from")
        let cuts = changes.indices.filter { changes[$0] >= threshold }
        #expect(cuts == [20, 82, 211], "\(cuts.map { ($0, changes[$0]) })")
        // Fast head turns in the close-up stay well below the threshold.
        let withinShots = changes.indices.filter { !cuts.contains($0) }.map { changes[$0] }.max() ?? 1
        #expect(withinShots < 0.06, "\(withinShots)")
    }

    /// A montage of 20 interviews on alike white backgrounds (cuts between alike colours), then a title
    /// card fading in and out; frame 620 is a step in that fade and may count either way.
    @Test func everyCutOfAnInterviewMontageAndNoneWithinAShot() throws {
        let changes = try DecodedClip.changes(TestPaths.data("videos/mtcnn_wider_face_test_video.mp4"), width: 854, height: 480)
        #expect(changes.count == 650)
        let byEye = [31, 61, 85, 110, 141, 160, 183, 205, 236, 271, 313, 335, 358, 381, 406, 446, 473, 505, 570]
        let found = changes.indices.filter { changes[$0] >= threshold }
        #expect(Set(byEye).isSubset(of: found), "missed: \(Set(byEye).subtracting(found).sorted().map { ($0, changes[$0]) })")
        #expect(Set(found).subtracting(byEye).isSubset(of: [620]), "\(found.filter { !byEye.contains($0) })")
    }

    @Test func aNewPictureSizeIsACutAndResetForgetsThePreviousFrame() {
        let frame = VideoFrame()
        var meter = SceneChangeMeter()
        frame.reshape(width: 64, height: 48)
        for plane in [(frame.planes.y, frame.strides.y * 48), (frame.planes.u, frame.strides.u * 24),
                      (frame.planes.v, frame.strides.v * 24)] {
            plane.0.update(repeating: 128, count: plane.1)
        }
        #expect(meter.measure(frame) == 0)
        #expect(meter.measure(frame) == 0, "the same picture again")
        frame.reshape(width: 48, height: 64)
        #expect(meter.measure(frame) == 1)
        meter.reset()
        #expect(meter.measure(frame) == 0)
    }
}
