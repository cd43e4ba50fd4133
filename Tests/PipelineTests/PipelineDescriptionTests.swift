import Testing
import FacepipeCore
import TestSupport
@testable import Pipeline

@Suite struct PipelineDescriptionTests {
    static func load(_ name: String) throws -> PipelineDescription {
        try PipelineDescription.load(fromFile: TestPaths.repo("Pipelines/\(name).yaml").path)
    }

    @Test func webcamLiveIsLatestWithVideoAndEvents() throws {
        let d = try Self.load("webcam-live")
        #expect(d.name == "webcam-live")
        #expect(d.policy == .latest)
        #expect(d.settings == PipelineSettings(policy: .latest, detectEvery: 1, poolFrames: 10, sinkRing: 4))
        #expect(d.stages.map(\.kind) == ["scene", "detect", "track", "overlay"])
        // The file declares what its detect stage admits; the others take their kind's default.
        #expect(d.stages.map(\.admission) == [nil, .detection, nil, nil])
        #expect(d.outputs.video && d.outputs.events)
        #expect(d.defaults.input == "/dev/video0" && d.defaults.events == "-")
    }

    @Test func mp4AnnotateLetsTheSourceDecideAndNeedsAnInput() throws {
        let d = try Self.load("mp4-annotate")
        #expect(d.settings.policy == nil, "auto: lossless for files, latest for live streams")
        #expect(d.defaults.input == nil)
        #expect(d.defaults.output == "annotated.mp4")
        #expect(d.stages.map(\.ring) == [4, 4, 4, 4])
    }

    @Test func eventsStdoutHasNoVideoAndDetectsEveryOtherFrame() throws {
        let d = try Self.load("events-stdout")
        #expect(d.settings.policy == nil, "auto: the source decides")
        #expect(d.detectEvery == 2)
        #expect(!d.outputs.video && d.outputs.events)
        #expect(d.defaults.events == "-")
        #expect(d.stages.map(\.kind) == ["scene", "detect", "track"])
    }

    @Test func redactDetectsEveryFrameAndHidesInItsLastStage() throws {
        let d = try Self.load("redact")
        #expect(d.settings.policy == nil && d.detectEvery == 1)
        #expect(d.stages.map(\.kind) == ["scene", "detect", "track", "redact"])
        #expect(d.outputs.video && d.outputs.events && d.defaults.input == nil)
        #expect(d.defaults.output == "redacted.mp4" && d.defaults.events == "redacted.jsonl")
    }

    /// A registry like FacepipeKit's: the detect kind marks frames detected.
    static func registry(_ names: [String]) -> StageRegistry {
        StageRegistry(names.map { name in
            .init(name, admission: name == "detect" ? .detection : .everyFrame, marksDetected: name == "detect") {
                RecordingStage($0.kind)
            }
        })
    }

    @Test func makeStagesBuildsTheChainAndMarksTheDetector() throws {
        let d = try Self.load("webcam-live")
        let stages = try d.makeStages(with: Self.registry(["scene", "detect", "track", "overlay"]))
        #expect(stages.map(\.stage.name) == ["scene", "detect", "track", "overlay"])
        #expect(stages.map(\.marksDetected) == [false, true, false, false])
        #expect(stages.map(\.admission) == [.everyFrame, .detection, .everyFrame, .everyFrame])
        #expect(stages.map(\.inputRing) == [4, 4, 4, 2])
        do {
            _ = try d.makeStages(with: Self.registry(["scene", "detect", "track"]))
            Issue.record("an unknown stage kind was accepted")
        } catch {
            #expect("\(error)".hasSuffix(
                "webcam-live.yaml: stages[3].kind: unknown stage kind 'overlay' (known: scene, detect, track)"))
        }
    }

    static let valid = """
        name: t
        stages:
          - kind: detect
        outputs: {events: true}
        """

    /// `admit:` overrides what the kind admits; without it the kind's own applies.
    @Test func declaredAdmissionWinsOverTheKinds() throws {
        let d = try PipelineDescription.decode("""
            name: t
            stages:
              - kind: detect
                admit: {every: 3}
              - kind: track
                admit: {every: detect_every, newest: live}
              - kind: overlay
                admit: {cuts: true}
            outputs: {video: true}
            """, file: "t.yaml")
        let stages = try d.makeStages(with: Self.registry(["detect", "track", "overlay"]))
        #expect(stages.map(\.admission) == [Admission(every: .frames(3)), Admission(every: .detectEvery, newest: .live),
                                             Admission(cuts: true)])
        #expect(stages.map(\.marksDetected) == [true, false, false])
    }

    @Test func minimalFileTakesDefaults() throws {
        let d = try PipelineDescription.decode(Self.valid, file: "t.yaml")
        #expect(d.policy == .auto && d.detectEvery == 1 && d.poolFrames == nil)
        #expect(d.stages.first?.ring == 4 && d.outputs.ring == 8 && !d.outputs.video)
        #expect(d.defaults.input == nil)
    }

    @Test(arguments: [
        ("name: t\nstages: [{kind: detect}]\noutputs: {events: true}\npolicy: fast\n",
         "t.yaml: policy: expected one of auto, lossless, latest, found 'fast'"),
        ("name: t\nstages: [{kind: detect}]\noutputs: {events: true}\ndetect_evry: 2\n",
         "t.yaml: detect_evry: unknown key 'detect_evry'"),
        ("name: t\nstages: [{kind: detect}]\noutputs: {events: true}\ndetect_every: 0\n",
         "t.yaml: detect_every: must be in 1...1000, found 0"),
        ("name: t\nstages: [{kind: detect}, {kind: track, ring: 0}]\noutputs: {events: true}\n",
         "t.yaml: stages[1].ring: must be in 1...1024, found 0"),
        ("name: t\nstages: [{kind: detect}, {kind: detect}]\noutputs: {events: true}\n",
         "t.yaml: stages: stage kind 'detect' appears twice"),
        ("name: t\nstages: []\noutputs: {events: true}\n",
         "t.yaml: stages: needs at least one stage"),
        ("name: t\nstages: [{kind: Detect}]\noutputs: {events: true}\n",
         "t.yaml: stages[0].kind: expected a lowercase name like 'detect', found 'Detect'"),
        ("name: t\nstages: [{kind: detect}]\noutputs: {}\n",
         "t.yaml: outputs: enable at least one of 'video' and 'events'"),
        ("name: t\nstages: [{kind: detect}]\noutputs: {events: maybe}\n",
         "t.yaml: outputs.events: expected true or false, found 'maybe'"),
        ("name: t\nstages: [{kind: detect}]\n",
         "t.yaml: missing required key 'outputs'"),
        ("name: t\nstages: [{kind: detect, admit: {every: often}}]\noutputs: {events: true}\n",
         "t.yaml: stages[0].admit.every: expected a whole number 1...1000 or detect_every, found 'often'"),
        ("name: t\nstages: [{kind: detect, admit: {every: 0}}]\noutputs: {events: true}\n",
         "t.yaml: stages[0].admit.every: must be in 1...1000, found 0"),
        ("name: t\nstages: [{kind: detect, admit: {newest: always}}]\noutputs: {events: true}\n",
         "t.yaml: stages[0].admit.newest: expected one of never, live, found 'always'"),
        ("name: t\nstages: [{kind: detect, admit: {newst: live}}]\noutputs: {events: true}\n",
         "t.yaml: stages[0].admit.newst: unknown key 'newst'"),
        ("name: t\nstages: [{kind: detect, admit: {cuts: often}}]\noutputs: {events: true}\n",
         "t.yaml: stages[0].admit.cuts: expected true or false, found 'often'"),
    ])
    func badFilesNameTheKey(text: String, message: String) {
        do {
            _ = try PipelineDescription.decode(text, file: "t.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)" == message)
        }
    }
}
