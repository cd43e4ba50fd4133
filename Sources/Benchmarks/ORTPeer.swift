import Foundation

/// Runs Tools/bench_ort.py (ONNX Runtime on the CPU) as a subprocess and reads its JSON lines.
/// Its notes go straight to our stderr; a missing python or onnxruntime is reported, not fatal.
public struct ORTPeer {
    var python: String
    var script: String
    var modelDirectory: String
    /// auto | dynamic | static (how bench_ort.py makes the int8 model).
    var int8Mode: String
    var precisions: [String] = ["fp32", "int8"]

    public init(python: String, script: String, modelDirectory: String, int8Mode: String) {
        self.python = python
        self.script = script
        self.modelDirectory = modelDirectory
        self.int8Mode = int8Mode
    }

    struct Outcome {
        var report: PeerReport
        /// Keyed by network size.
        var results: [BenchSize: [PeerResult]]
    }

    func run(sizes: [BenchSize], threads: [Int], warmup: Int, runs: Int) -> Outcome {
        let fm = FileManager.default
        guard fm.isExecutableFile(atPath: python) else {
            return failed("unavailable", "no python at \(python) (give --python or FACEPIPE_PYTHON; Tools/setup.sh makes .venv)")
        }
        guard fm.fileExists(atPath: script) else { return failed("failed", "\(script) not found") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--model", modelDirectory,
                             "--sizes", sizes.map(\.description).joined(separator: ","),
                             "--threads", threads.map(String.init).joined(separator: ","),
                             "--warmup", String(warmup), "--runs", String(runs),
                             "--precisions", precisions.joined(separator: ","), "--int8", int8Mode]
        let out = Pipe()
        process.standardOutput = out
        do { try process.run() } catch {
            return failed("failed", "could not start \(python): \(error)")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var outcome = parse(String(decoding: data, as: UTF8.self))
        if process.terminationStatus != 0 {
            outcome.report.status = "failed"
            outcome.report.detail = "bench_ort.py exited with status \(process.terminationStatus) (its message is on stderr above)"
        }
        return outcome
    }

    /// Reads the JSON lines; lines that are not JSON objects are ignored (a library may print).
    func parse(_ text: String) -> Outcome {
        var outcome = Outcome(report: PeerReport(status: "failed", detail: "bench_ort.py printed no peer line"), results: [:])
        let decoder = JSONDecoder()
        for line in text.split(separator: "\n") where line.hasPrefix("{") {
            guard let item = try? decoder.decode(PeerLine.self, from: Data(line.utf8)) else { continue }
            switch item.type {
            case "peer":
                outcome.report = PeerReport(status: "ran", onnxruntime: item.onnxruntime, onnxSource: item.onnx_source,
                                            int8Method: item.int8)
            case "unavailable":
                outcome.report = PeerReport(status: "unavailable", detail: item.reason)
            case "result":
                guard let precision = item.precision, let threads = item.threads, let h = item.height, let w = item.width,
                      let median = item.median_ms, let p90 = item.p90_ms, let min = item.min_ms else { continue }
                outcome.results[BenchSize(height: h, width: w), default: []].append(
                    PeerResult(precision: precision, threads: threads, medianMs: median, p90Ms: p90, minMs: min))
            default:
                continue
            }
        }
        return outcome
    }

    private func failed(_ status: String, _ detail: String) -> Outcome {
        Outcome(report: PeerReport(status: status, detail: detail), results: [:])
    }
}

/// One line of bench_ort.py's output (field names as it writes them).
private struct PeerLine: Decodable {
    var type: String
    var onnxruntime: String?
    var onnx_source: String?
    var int8: String?
    var reason: String?
    var precision: String?
    var threads: Int?
    var height: Int?
    var width: Int?
    var median_ms: Double?
    var p90_ms: Double?
    var min_ms: Double?
}
