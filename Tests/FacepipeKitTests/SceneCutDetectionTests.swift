import Foundation
import Testing
import Capture
import FacepipeCore
import Pipeline
import TestSupport
@testable import FacepipeKit

/// The shipped pipelines' scene stage ahead of the detector: on a real clip with the detector on
/// every 3rd frame, the first frame of each new shot is detected where it falls (not up to two
/// frames later, when a redacted video would show the new faces), and the interval counts on from it.
@Suite struct SceneCutDetectionTests {
    /// The demo clip's cuts, found by eye (SceneChangeMeterTests); none falls on a multiple of 3.
    static let cuts: Set<Int> = [20, 82, 211]

    /// The frames the detector worked on, running `kinds` of mp4-annotate.yaml over the demo clip.
    static func detectedFrames(keeping kinds: Set<String>, detectEvery: Int) throws -> (detected: [Int], frames: Int) {
        let model = DetectorChoice(model: TestPaths.repo("Configs/models/ssh-lite").path, engine: .fp32,
                                   detectorConfig: TestPaths.repo("Configs/detector.yaml").path,
                                   engineConfig: TestPaths.repo("Configs/engine.yaml").path)
        let assembly = try PipelineAssembly(detector: model, trackerConfig: TestPaths.repo("Configs/tracker.yaml").path)
        let description = try PipelineDescription.load(fromFile: TestPaths.repo("Pipelines/mp4-annotate.yaml").path)
        var options = FFmpegSourceOptions()
        options.isLive = false
        let source = try FFmpegSource(TestPaths.data("videos/short_hamilton_clip.mp4").path, options: options)
        defer { source.close() }
        let recorder = TrackedFaceRecorder(expectedFrames: 275)
        let run = try Pipeline(source: source, stages: try assembly.stages(of: description, keeping: kinds),
                               frameSinks: [NamedFrameSink("recorder", recorder)],
                               settings: PipelineAssembly.settings(of: description, detectEvery: detectEvery, policy: .lossless))
        let result = run.run()
        if let error = result.error { throw error }
        return (recorder.frames.filter(\.value.detected).keys.sorted(), recorder.framesWritten)
    }

    @Test func eachCutIsDetectedWhereItFalls() throws {
        let (detected, frames) = try Self.detectedFrames(keeping: ["scene", "detect", "track"], detectEvery: 3)
        #expect(frames == 275)
        var expected: [Int] = [], next = 0
        for index in 0..<frames where index >= next || Self.cuts.contains(index) {
            expected.append(index)
            next = index + 3
        }
        #expect(detected == expected)
        // Without the scene stage the detector keeps its rhythm and meets each cut up to 2 frames late.
        let (rhythm, _) = try Self.detectedFrames(keeping: ["detect", "track"], detectEvery: 3)
        #expect(rhythm == Array(stride(from: 0, to: frames, by: 3)))
    }
}
