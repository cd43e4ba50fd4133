import Testing
import TestSupport
@testable import Benchmarks

/// The bench's pieces that need no Python: the ONNX Runtime peer's failure path and line parser,
/// the statistics. The bench end to end (Tools/export.py, Tools/bench_ort.py) is in PythonIntegrationTests.
@Suite struct EngineBenchTests {
    @Test func missingPythonLeavesThePeerOutWithAReason() {
        let peer = ORTPeer(python: "/nonexistent/python", script: TestPaths.repo("Tools/bench_ort.py").path,
                           modelDirectory: "unused", int8Mode: "auto")
        let outcome = peer.run(sizes: [BenchSize(height: 64, width: 96)], threads: [1], warmup: 0, runs: 1)
        #expect(outcome.report.status == "unavailable")
        #expect(outcome.report.detail?.contains("/nonexistent/python") == true)
        #expect(outcome.results.isEmpty)
    }

    @Test func peerLinesAreParsedAndNoiseIgnored() {
        let peer = ORTPeer(python: "", script: "", modelDirectory: "", int8Mode: "auto")
        let unavailable = peer.parse(#"{"type": "unavailable", "reason": "onnxruntime is not installed"}"#)
        #expect(unavailable.report.status == "unavailable")
        #expect(unavailable.report.detail == "onnxruntime is not installed")
        let ran = peer.parse("""
            some library banner
            {"type": "peer", "onnxruntime": "1.2.3", "onnx_source": "shipped", "int8": "dynamic"}
            {"type": "result", "precision": "fp32", "height": 64, "width": 96, "threads": 2, "median_ms": 1.5, "p90_ms": 2.0, "min_ms": 1.0}
            """)
        #expect(ran.report.status == "ran" && ran.report.onnxruntime == "1.2.3")
        let results = ran.results[BenchSize(height: 64, width: 96)] ?? []
        #expect(results.count == 1 && results.first?.threads == 2 && results.first?.medianMs == 1.5)
    }

    @Test func medianAndP90FollowTheirDefinitions() {
        #expect(BenchStatistics.median([3, 1, 2]) == 2)
        #expect(BenchStatistics.median([4, 1, 3, 2]) == 2.5)
        #expect(BenchStatistics.p90(Array(1...10).map(Double.init)) == 9)
        #expect(BenchStatistics.p90([5]) == 5)
        #expect(BenchStatistics.gops(macs: 1_000_000, ms: 1) == 2)
    }
}
