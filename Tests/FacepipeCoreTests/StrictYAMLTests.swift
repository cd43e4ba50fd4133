import Testing
@testable import FacepipeCore

private struct Thresholds: Decodable, Equatable {
    var high: Double
    var low: Double
    enum CodingKeys: String, CodingKey { case high, low }
}

private struct Settings: Decodable, Equatable {
    var name: String
    var frames: Int
    var thresholds: Thresholds
    var scales: [Int]
    var note: String?
    enum CodingKeys: String, CodingKey { case name, frames, thresholds, scales, note }
}

@Suite struct StrictYAMLTests {
    @Test func decodesNestedSettings() throws {
        let s = try StrictYAML.decode(Settings.self, from: """
            name: edge
            frames: 30
            thresholds: {high: 0.6, low: 0.1}
            scales: [1, 2]
            """)
        #expect(s == Settings(name: "edge", frames: 30, thresholds: Thresholds(high: 0.6, low: 0.1), scales: [1, 2], note: nil))
    }

    @Test func unknownKeyIsNamedWithItsPath() {
        do {
            _ = try StrictYAML.decode(Settings.self, from: """
                name: edge
                frames: 30
                thresholds: {high: 0.6, lwo: 0.1}
                scales: [1]
                """, file: "t.yaml")
            Issue.record("an unknown key was accepted")
        } catch {
            #expect("\(error)" == "t.yaml: thresholds.lwo: unknown key 'lwo'")
        }
    }

    @Test func badValueIsNamedWithItsPath() {
        do {
            _ = try StrictYAML.decode(Settings.self, from: "name: a\nframes: lots\nthresholds: {high: 1, low: 0}\nscales: []\n", file: "t.yaml")
            Issue.record("a non-number was accepted")
        } catch {
            #expect("\(error)" == "t.yaml: frames: expected a whole number, found 'lots'")
        }
        do {
            _ = try StrictYAML.decode(Settings.self, from: "name: a\nframes: 1\nthresholds: {high: 1, low: 0}\nscales: [1, x]\n", file: "t.yaml")
            Issue.record("a bad list item was accepted")
        } catch {
            #expect("\(error)" == "t.yaml: scales[1]: expected a whole number, found 'x'")
        }
    }

    @Test func missingKeyIsNamed() {
        do {
            _ = try StrictYAML.decode(Settings.self, from: "name: a\nthresholds: {high: 1, low: 0}\nscales: []\n", file: "t.yaml")
            Issue.record("a missing key was accepted")
        } catch {
            #expect("\(error)".contains("missing required key 'frames'"))
        }
    }

    @Test func missingFileIsNamed() {
        #expect(throws: StrictYAML.ConfigError.self) {
            _ = try StrictYAML.decode(Settings.self, fromFile: "/nonexistent/x.yaml")
        }
    }
}

@Suite struct BoxTests {
    @Test func iouOfOverlappingBoxes() {
        let a = Box(x: 0, y: 0, width: 10, height: 10)
        let b = Box(x: 5, y: 0, width: 10, height: 10)
        #expect(abs(a.iou(b) - 50.0 / 150.0) < 1e-6)
        #expect(a.iou(Box(x: 20, y: 20, width: 1, height: 1)) == 0)
        #expect(a.iou(a) == 1)
    }

    @Test func clippingKeepsInside() {
        let c = Box(x: -5, y: 2, width: 20, height: 20).clipped(width: 10, height: 12)
        #expect(c == Box(x: 0, y: 2, width: 10, height: 10))
    }

    @Test func frameReshapeKeepsChromaSizes() {
        let f = VideoFrame()
        f.reshape(width: 5, height: 3)
        #expect(f.chromaWidth == 3 && f.chromaHeight == 2)
        #expect(f.strides.y >= 5 && f.strides.u >= 3)
        f.planes.y[0] = 7
        let g = VideoFrame()
        g.copy(from: f)
        #expect(g.planes.y[0] == 7 && g.width == 5)
    }
}
