import Foundation
import Testing
import Pipeline
import TestSupport
@testable import FacepipeKit

/// Pipeline files whose stage chain cannot make the run asked for are refused with the file named.
@Suite struct PipelineAssemblyTests {
    static func assembly(redacting: Bool) throws -> PipelineAssembly {
        let model = DetectorChoice(model: TestPaths.repo("Configs/models/ssh-lite").path, engine: .fp32,
                                   detectorConfig: TestPaths.repo("Configs/detector.yaml").path,
                                   engineConfig: TestPaths.repo("Configs/engine.yaml").path)
        let redaction = redacting ? try RedactionChoice(config: TestPaths.repo("Configs/redaction.yaml").path).settings() : nil
        return try PipelineAssembly(detector: model, trackerConfig: TestPaths.repo("Configs/tracker.yaml").path,
                                    redaction: redaction)
    }

    static func error(_ yaml: String, redacting: Bool = false) throws -> String {
        let description = try PipelineDescription.decode(yaml, file: "p.yaml")
        do {
            let stages = try assembly(redacting: redacting).stages(of: description,
                                                                   keeping: Set(description.stages.map(\.kind)))
            return "accepted: \(stages.map(\.stage.name))"
        } catch {
            return "\(error)"
        }
    }

    @Test func aStageAdmittingCutsMustComeAfterTheSceneStage() throws {
        #expect(try Self.error("name: t\nstages: [{kind: detect}, {kind: scene}, {kind: track}]\noutputs: {events: true}\n")
                == "p.yaml: the 'detect' stage admits camera cuts but comes before the 'scene' stage that marks them; "
                + "put 'scene' first")
        #expect(try Self.error("name: t\nstages: [{kind: scene}, {kind: detect}, {kind: track}]\noutputs: {events: true}\n")
                == "accepted: [\"scene\", \"detect\", \"track\"]")
        // Without a scene stage the track stage finds cuts itself; nothing admits them early.
        #expect(try Self.error("name: t\nstages: [{kind: detect}, {kind: track}]\noutputs: {events: true}\n")
                == "accepted: [\"detect\", \"track\"]")
        #expect(try Self.error("name: t\nstages: [{kind: detect, admit: {cuts: false}}, {kind: scene}]\noutputs: {events: true}\n")
                == "accepted: [\"detect\", \"scene\"]")
    }

    @Test func drawingAndRedactionNeedTheirStages() throws {
        #expect(try Self.error("name: t\nstages: [{kind: detect}, {kind: track}, {kind: overlay}, {kind: redact}]\n"
                               + "outputs: {video: true}\n")
                == "p.yaml: has both an 'overlay' and a 'redact' stage; use one (redact hides faces, and draws boxes too with --overlay)")
        #expect(try Self.error("name: t\nstages: [{kind: detect}, {kind: redact}]\noutputs: {video: true}\n", redacting: true)
                == "p.yaml: redaction needs the 'detect' and 'track' stages (the tracker says where the faces are)")
    }
}
