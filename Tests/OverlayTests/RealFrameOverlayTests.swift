import Foundation
import Testing
import FacepipeCore
import TestSupport
@testable import Overlay

/// The overlay on a real decoded picture, checked after the round trip through ffmpeg's
/// own YUV -> RGB conversion: the outline must read as the palette's RGB colour.
@Suite struct RealFrameOverlayTests {
    @Test func boxOnARealFrameShowsThePaletteColourInRGB() throws {
        let clip = TestPaths.data("videos/short_hamilton_clip.mp4").path
        let dir = try TestPaths.scratch("overlay")
        defer { try? FileManager.default.removeItem(at: dir) }
        let raw = dir.appendingPathComponent("frame.yuv")
        try runTool("ffmpeg", ["-v", "error", "-i", clip, "-vf", "select=eq(n\\,40)", "-frames:v", "1",
                               "-f", "rawvideo", "-pix_fmt", "yuv420p", raw.path])
        let bytes = try [UInt8](Data(contentsOf: raw))
        let (w, h) = (640, 360)
        #expect(bytes.count == w * h * 3 / 2)
        let frame = VideoFrame()
        frame.reshape(width: w, height: h)
        for r in 0..<h { for c in 0..<w { frame.planes.y[r * frame.strides.y + c] = bytes[r * w + c] } }
        for r in 0..<h / 2 {
            for c in 0..<w / 2 {
                frame.planes.u[r * frame.strides.u + c] = bytes[w * h + r * w / 2 + c]
                frame.planes.v[r * frame.strides.v + c] = bytes[w * h + w * h / 4 + r * w / 2 + c]
            }
        }
        let box = Box(x: 200, y: 100, width: 120, height: 140)
        FaceOverlay(thickness: 4, fontScale: 2).draw([TrackedFace(id: 1, box: box, score: 0.87, matched: true)], on: frame)

        var out = [UInt8](repeating: 0, count: bytes.count)
        for r in 0..<h { for c in 0..<w { out[r * w + c] = frame.planes.y[r * frame.strides.y + c] } }
        for r in 0..<h / 2 {
            for c in 0..<w / 2 {
                out[w * h + r * w / 2 + c] = frame.planes.u[r * frame.strides.u + c]
                out[w * h + w * h / 4 + r * w / 2 + c] = frame.planes.v[r * frame.strides.v + c]
            }
        }
        // Pixels away from the drawing are the decoded ones, byte for byte.
        #expect(out[300 * w + 500] == bytes[300 * w + 500] && out[10 * w + 10] == bytes[10 * w + 10])
        let drawn = dir.appendingPathComponent("drawn.yuv"), rgb = dir.appendingPathComponent("drawn.rgb")
        try Data(out).write(to: drawn)
        try runTool("ffmpeg", ["-v", "error", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "\(w)x\(h)", "-i", drawn.path,
                               "-f", "rawvideo", "-pix_fmt", "rgb24", rgb.path])
        let pixels = try [UInt8](Data(contentsOf: rgb))
        func rgbAt(_ x: Int, _ y: Int) -> (Int, Int, Int) {
            let i = 3 * (y * w + x)
            return (Int(pixels[i]), Int(pixels[i + 1]), Int(pixels[i + 2]))
        }
        // Middle of the left edge (x 200-203) and of the bottom edge: palette 1 is RGB (60, 180, 75).
        for (x, y) in [(201, 170), (202, 171), (260, 238), (318, 200)] {
            let (r, g, b) = rgbAt(x, y)
            #expect(abs(r - 60) <= 6 && abs(g - 180) <= 6 && abs(b - 75) <= 6, "(\(x), \(y)) = \(r), \(g), \(b)")
        }
    }
}
