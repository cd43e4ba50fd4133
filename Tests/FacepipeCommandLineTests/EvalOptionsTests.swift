import ArgumentParser
import Testing
@testable import FacepipeCommandLine
@testable import FacepipeKit

/// `eval-track` and `eval-redact` command lines, parsed as the commands parse them: what is
/// refused, and the values an accepted line carries into FacepipeKit's choices.
/// (EndToEndTests.EvalCommandLineTests checks the same lines on the built binary: exit status 64.)
@Suite struct EvalOptionsTests {
    @Test func evalTrackCommandLineChecksItsOptions() throws {
        #expect(throws: (any Error).self) { try EvalTrackOptions.parse(["a.mp4", "b.mp4", "--truth", "a.gt.jsonl"]) }
        #expect(throws: (any Error).self) { try EvalTrackOptions.parse(["a.mp4", "--iou", "0"]) }
        #expect(throws: (any Error).self) { try EvalTrackOptions.parse(["a.mp4", "--detect-every", "0"]) }
        #expect(throws: (any Error).self) { try EvalTrackOptions.parse([]) }
        let options = try EvalTrackOptions.parse(["a.mp4", "b.mp4", "--truth", "x.jsonl", "--truth", "y.jsonl",
                                                  "--engine", "fp32", "--detect-every", "2", "--json"])
        #expect(options.rendered.truth == ["x.jsonl", "y.jsonl"] && options.rendered.detectEvery == 2 && options.json)
        #expect(options.rendered.videos == ["a.mp4", "b.mp4"])
        #expect(options.modelOptions.choice.engine == .fp32)
    }

    @Test func evalRedactCommandLineChecksItsOptions() throws {
        #expect(throws: (any Error).self) { try EvalRedactOptions.parse([]) }
        #expect(throws: (any Error).self) { try EvalRedactOptions.parse(["a.mp4", "--detect-every", "0"]) }
        #expect(throws: (any Error).self) { try EvalRedactOptions.parse(["a.mp4", "--redact-color", "red"]) }
        #expect(throws: (any Error).self) { try EvalRedactOptions.parse(["a.mp4", "--redact-margin", "5"]) }
        #expect(throws: (any Error).self) { try EvalRedactOptions.parse(["a.mp4", "--redact-strength", "0"]) }
        #expect(throws: (any Error).self) { try EvalRedactOptions.parse(["a.mp4", "--redact-score", "1.5"]) }
        let options = try EvalRedactOptions.parse(["a.mp4", "--redact-margin", "0.3", "--redact-shape", "rectangle", "--json"])
        #expect(options.redactionOptions.redactMargin == 0.3 && options.redactionOptions.redactShape == .rectangle && options.json)
        let choice = options.redactionOptions.choice
        #expect(choice.margin == 0.3 && choice.shape == .rectangle && choice.mode == nil)
    }

    @Test func evalCommandLinesBecomeTheRequestsFacepipeKitRuns() throws {
        let track = try EvalTrackOptions.parse(["a.mp4", "b.mp4", "--truth", "x.jsonl", "--truth", "y.jsonl", "-q",
                                                "--tracker-config", "t.yaml", "--detect-every", "3", "--pipeline", "p.yaml",
                                                "--engine", "fp32", "--compare-tracker-config", "c.yaml", "--iou", "0.4"]).evaluation
        #expect(track.videos.videos == ["a.mp4", "b.mp4"] && track.videos.truth == ["x.jsonl", "y.jsonl"])
        #expect(track.videos.trackerConfig == "t.yaml" && track.videos.detectEvery == 3 && track.videos.quiet)
        #expect(track.pipeline == "p.yaml" && track.detector.engine == .fp32)
        #expect(track.compareTrackerConfigs == ["c.yaml"] && track.iou == 0.4)
        let defaults = try EvalTrackOptions.parse(["a.mp4"]).evaluation
        #expect(defaults.pipeline == "Pipelines/mp4-annotate.yaml" && defaults.iou == 0.5 && defaults.compareTrackerConfigs.isEmpty)
        #expect(defaults.videos.truth.isEmpty && defaults.videos.detectEvery == nil && !defaults.videos.quiet)

        let redact = try EvalRedactOptions.parse(["a.mp4", "--redact-margin", "0.3", "--pipeline", "r.yaml",
                                                  "--detect-every", "2"]).evaluation
        #expect(redact.videos.videos == ["a.mp4"] && redact.videos.detectEvery == 2)
        #expect(redact.pipeline == "r.yaml" && redact.redaction.margin == 0.3)
        #expect(try EvalRedactOptions.parse(["a.mp4"]).evaluation.pipeline == "Pipelines/redact.yaml")
    }
}
