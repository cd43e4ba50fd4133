import Foundation
import TestSupport

/// Runs the `facepipe` executable built beside the test bundle.
enum FacepipeBinary {
    static let path: String = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test runner may be .../debug/facepipePackageTests.xctest or a helper inside it.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("facepipe").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return TestPaths.repo(".build/debug/facepipe").path
    }()

    /// Runs facepipe from the repository root; `interruptAfter` sends SIGINT after that many seconds.
    static func run(_ arguments: [String], interruptAfter: Double? = nil) throws -> ToolResult {
        try runTool(path, arguments, check: false, directory: TestPaths.repoRoot, interruptAfter: interruptAfter)
    }
}

/// What ffprobe says about a video file.
struct ProbedVideo {
    var codec: String
    var width: Int
    var height: Int
    var frames: Int
    var hasAudio: Bool

    init(_ path: String) throws {
        let r = try runTool("ffprobe", ["-v", "error", "-count_frames", "-show_entries",
                                         "stream=codec_type,codec_name,width,height,nb_read_frames", "-of", "json", path])
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let streams = json?["streams"] as? [[String: Any]] ?? []
        let video = streams.first { $0["codec_type"] as? String == "video" } ?? [:]
        codec = video["codec_name"] as? String ?? ""
        width = video["width"] as? Int ?? 0
        height = video["height"] as? Int ?? 0
        frames = Int(video["nb_read_frames"] as? String ?? "") ?? 0
        hasAudio = streams.contains { $0["codec_type"] as? String == "audio" }
    }
}

/// The summary's "frames: R read, W written, D dropped, V void; ..." line of a run's stderr.
struct FrameCounts: CustomStringConvertible {
    var read: Int, written: Int, dropped: Int, void: Int

    /// nil when stderr has no such line (the run failed before its pipeline ran, or -q).
    init?(stderr: String) {
        guard let line = stderr.split(separator: "\n").first(where: { $0.hasPrefix("frames:") }) else { return nil }
        // "." keeps "29.5 fps" one token, which then is no Int.
        let numbers = line.split(whereSeparator: { !$0.isNumber && $0 != "." }).compactMap { Int($0) }
        guard numbers.count >= 4 else { return nil }
        (read, written, dropped, void) = (numbers[0], numbers[1], numbers[2], numbers[3])
    }

    var description: String { "\(read) read, \(written) written, \(dropped) dropped, \(void) void" }
}

/// Every line must be one complete JSON object of schema v1.
func parseEvents(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map { line in
        guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              obj["v"] as? Int == 1, obj["event"] is String, obj["frame"] is Int, obj["track"] is Int else {
            throw EventLineError(line: String(line))
        }
        return obj
    }
}

struct EventLineError: Error, CustomStringConvertible {
    var line: String
    var description: String { "not a complete schema-v1 event line: \(line)" }
}
