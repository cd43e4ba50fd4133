import Foundation
import Testing
import FacepipeCore
import Overlay
import Pipeline
import TestSupport
@testable import FacepipeKit

/// `eval-redact` on the clip EvalTrackTests renders (4 s, 25 fps, 640x360, a masked crowd photo
/// under a moving camera, a cut and an occluding bar; exact truth), with the shipped model.
@Suite struct EvalRedactTests {
    static func evaluation(detectEvery: Int?, engine: String = "fp32") throws -> RedactionEvaluation {
        let model = DetectorChoice(model: TestPaths.repo("Configs/models/ssh-lite").path, engine: EngineKind(rawValue: engine),
                                   detectorConfig: TestPaths.repo("Configs/detector.yaml").path,
                                   engineConfig: TestPaths.repo("Configs/engine.yaml").path)
        let redaction = RedactionChoice(config: TestPaths.repo("Configs/redaction.yaml").path)
        let assembly = try PipelineAssembly(detector: model, trackerConfig: TestPaths.repo("Configs/tracker.yaml").path,
                                            redaction: try redaction.settings())
        let description = try PipelineDescription.load(fromFile: TestPaths.repo("Pipelines/redact.yaml").path)
        return try RedactionEvaluation(assembly: assembly, description: description, detectEvery: detectEvery)
    }

    /// Floors for the shipped model (Configs/models/ssh-lite, fp32) at the redaction defaults
    /// (Configs/redaction.yaml), on this clip (100 frames, 1,602,810 true face pixels). Measured:
    /// detecting every frame, mean 0.02 % of the face area visible (worst frame 1.3 %, one frame where
    /// one face shows more than 20 %: it comes out from behind the sweeping bar) with 11.9 % of the
    /// picture hidden that is not a face; every 3rd frame, mean 0.7 %, worst frame 66 % (a face
    /// coming into view between two detections), 2 such frames, 11.3 % non-face hidden.
    @Test(arguments: [(1, 2, 0.05, 0.002), (3, 5, 0.8, 0.015)])
    func shippedModelHidesTheFacesOfTheRenderedClip(detectEvery: Int, maxSlipFrames: Int, maxWorstShare: Double,
                                                     maxMeanShare: Double) throws {
        let test = try EvalTrackTests.rendered.get()
        let result = try Self.evaluation(detectEvery: detectEvery).evaluate(test)
        let s = result.scores
        print("eval-redact detect every \(detectEvery): \(s); visible face pixels \(s.visibleFacePixels) of \(s.facePixels), "
              + "faces partly visible \(s.facesPartlyVisible)")
        #expect(s.frames == 100 && s.framesWithFaces > 90 && s.faceInstances > 300)
        #expect(s.meanVisibleShare <= maxMeanShare)
        #expect(s.worstVisibleShare <= maxWorstShare)
        #expect(s.framesWithSlip <= maxSlipFrames)
        // Recall first costs background, but a precise detector keeps it small (the first model hid 93 %).
        #expect(s.hiddenNonFaceShare < 0.3 && s.hiddenNonFaceShare > 0)
    }

    /// What eval-redact scores is what the redactor hides: a solid fill of the same regions
    /// changes exactly the pixels the evaluation counts as hidden (luma), for both shapes.
    @Test(arguments: RedactionStyle.Shape.allCases)
    func scoredMasksAreTheRedactorsOwn(shape: RedactionStyle.Shape) throws {
        let style = RedactionStyle(mode: .solid, shape: shape, margin: 0.4, color: RGBColor(r: 255, g: 255, b: 255))
        let regions = [Box(x: 20.3, y: 11.2, width: 30.5, height: 35.1), Box(x: 60.8, y: -9.4, width: 22, height: 24),
                       Box(x: 41, y: 30, width: 25, height: 28)]
        let frame = VideoFrame()
        frame.reshape(width: 97, height: 61)
        for y in 0..<61 { (frame.planes.y + y * frame.strides.y).update(repeating: 16, count: 97) }
        FaceRedactor(style: style).redact(regions, on: frame)
        var hidden: [UInt8] = []
        RedactionEvaluation.paint(regions, style: style, width: 97, height: 61, into: &hidden)
        let filled = (0..<61).flatMap { y in (0..<97).map { frame.planes.y[y * frame.strides.y + $0] == 16 ? UInt8(0) : 1 } }
        #expect(hidden == filled)
        #expect(hidden.contains(1))
    }
}
