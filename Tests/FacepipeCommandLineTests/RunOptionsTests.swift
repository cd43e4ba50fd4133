import ArgumentParser
import Testing
@testable import FacepipeCommandLine
@testable import FacepipeKit

/// `facepipe run`'s flags as the `RunRequest` FacepipeKit is given: what a flag sets, and what
/// is left to the pipeline file, the settings files or the input when it is not given.
@Suite struct RunOptionsTests {
    @Test func flagsBecomeTheRequest() throws {
        let request = try RunOptions.parse(["--input", "a.mp4", "--output", "none", "--detect-every", "2", "--lossless",
                                            "--engine", "int8", "--score", "0.4", "--redact", "pixelate", "-y", "-v"]).request
        #expect(request.input == "a.mp4" && request.output == "none" && request.events == nil && request.pipeline == nil)
        #expect(request.detectEvery == 2 && request.mode == .lossless && request.overwrite && !request.noOverwrite)
        #expect(request.detector.engine == .int8 && request.detector.score == 0.4 && request.detector.threads == nil)
        #expect(request.redaction.mode == .pixelate && request.redaction.asksForRedaction)
        #expect(request.logLevel == .warning)  // -v is --log-level warning
        let timed = try RunOptions.parse(["--open-timeout", "30", "--read-timeout", "0.5"]).request
        #expect(timed.openTimeout == 30 && timed.readTimeout == 0.5)
        let paced = try RunOptions.parse(["--realtime", "--live"]).request
        #expect(paced.realTime && paced.mode == .live)

        let plain = try RunOptions.parse([]).request
        #expect(plain.mode == nil && plain.detectEvery == nil && !plain.redaction.asksForRedaction && plain.logLevel == .quiet)
        #expect(plain.openTimeout == nil && plain.readTimeout == nil && !plain.realTime)
    }

    @Test func contradictionsAndRangesAreRefused() {
        for arguments in [["-y", "-n"], ["-v", "-q"], ["--detect-every", "0"], ["--crf", "52"], ["--start", "-1"],
                          ["--duration", "0"], ["--width", "0"], ["--score", "-1"], ["--threads", "65"], ["--live", "--lossless"],
                          ["--open-timeout", "0"], ["--read-timeout", "-1"], ["--read-timeout", "601"]] {
            #expect(throws: (any Error).self, "\(arguments)") { try RunOptions.parse(arguments) }
        }
    }
}
