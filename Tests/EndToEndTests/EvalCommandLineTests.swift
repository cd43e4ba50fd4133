import Foundation
import Testing
import TestSupport

/// `eval-track` and `eval-redact` check their options (exit status 64, a bad command line) and
/// take the ones they accept past parsing: the run then fails on the missing videos, naming them.
@Suite struct EvalCommandLineTests {
    static let badCommandLine: Int32 = 64

    @Test func evalTrackChecksItsOptions() throws {
        for arguments in [["a.mp4", "b.mp4", "--truth", "a.gt.jsonl"], ["a.mp4", "--iou", "0"],
                          ["a.mp4", "--detect-every", "0"], []] {
            let r = try FacepipeBinary.run(["eval-track"] + arguments)
            #expect(r.status == Self.badCommandLine, "\(arguments): \(r.stderr)")
        }
        // Accepted: each --truth goes with its video, in order (the first video's truth is read
        // first and named when missing), and the other options parse.
        let dir = try TestPaths.scratch("eval-track-options")
        let a = dir.appendingPathComponent("a.mp4").path, b = dir.appendingPathComponent("b.mp4").path
        for video in [a, b] { _ = FileManager.default.createFile(atPath: video, contents: Data()) }
        let x = dir.appendingPathComponent("x.jsonl").path, y = dir.appendingPathComponent("y.jsonl").path
        let r = try FacepipeBinary.run(["eval-track", a, b, "--truth", x, "--truth", y,
                                        "--engine", "fp32", "--detect-every", "2", "--json"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains(x) && !r.stderr.contains(y), "\(r.stderr)")
    }

    @Test func evalRedactChecksItsOptions() throws {
        for arguments in [[], ["a.mp4", "--detect-every", "0"], ["a.mp4", "--redact-color", "red"],
                          ["a.mp4", "--redact-margin", "5"], ["a.mp4", "--redact-strength", "0"],
                          ["a.mp4", "--redact-score", "1.5"]] {
            let r = try FacepipeBinary.run(["eval-redact"] + arguments)
            #expect(r.status == Self.badCommandLine, "\(arguments): \(r.stderr)")
        }
        let r = try FacepipeBinary.run(["eval-redact", "a.mp4", "--redact-margin", "0.3", "--redact-shape", "rectangle", "--json"])
        #expect(r.status == 1 && r.stderr.contains("a.mp4: no such video file"), "\(r.stderr)")
    }
}
