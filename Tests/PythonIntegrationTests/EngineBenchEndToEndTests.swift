import Engine
import Foundation
import Testing
import TestSupport
@testable import Benchmarks
import FacepipeKit

/// The bench code path end to end with tiny settings, on a random edge model exported by
/// Tools/export.py: checks the report's structure, never its timings.
@Suite struct EngineBenchEndToEndTests {
    static let python = ProcessInfo.processInfo.environment["FACEPIPE_PYTHON"]
        ?? TestPaths.repo(".venv/bin/python").path

    /// model.yaml + weights.safetensors + model.onnx of a random edge backbone.
    static func randomModel() throws -> String {
        let folder = try TestPaths.scratch("bench-model").appendingPathComponent("edge").path
        try runTool(python, [TestPaths.repo("Tools/export.py").path, "--random",
                             TestPaths.repo("Configs/backbones/edge.yaml").path, "--out", folder, "--onnx"])
        return folder
    }

    @Test func tinyRunReportsEveryLayerWithThePlansWork() throws {
        let folder = try Self.randomModel()
        // Before calibration int8 is reported missing, with the way to make it; fp32 still runs.
        let fp32Only = try EngineBench.run(EngineBench.Settings(
            modelDirectory: folder, sizes: [BenchSize(height: 64, width: 96)], threads: [1], warmup: 0, runs: 1,
            peakSeconds: 0.005, peer: nil))
        #expect(fp32Only.unavailable["int8"]?.contains("facepipe quantize") == true, "\(fp32Only.unavailable)")
        #expect(fp32Only.sizes.first?.runs.map(\.precision) == ["fp32"])
        #expect(fp32Only.peer.status == "skipped")
        #expect(BenchText.render(fp32Only).contains("facepipe int8: not available"))

        // As `facepipe quantize --model <folder> --calib .../caltech_webfaces -n 2 --compare 0 --engine-threads 1`.
        try ModelQuantization(model: folder, calibration: [TestPaths.data("train/caltech_webfaces").path], count: 2,
                              method: .minmax, percentile: 99.999, threads: 1, compare: 0)
            .run(report: { print($0) }, progress: note)

        let settings = EngineBench.Settings(
            modelDirectory: folder, sizes: [BenchSize(height: 64, width: 96)], threads: [1], warmup: 0, runs: 1,
            peakSeconds: 0.005,
            peer: ORTPeer(python: Self.python, script: TestPaths.repo("Tools/bench_ort.py").path,
                          modelDirectory: folder, int8Mode: "auto"))
        let report = try EngineBench.run(settings)

        let model = try ModelFile.load(directory: folder)
        let plan = try GraphPlan(model: model, inputWidth: 96, inputHeight: 64)
        #expect(report.peak.isa == (try KernelISA.selected()).rawValue)
        #expect(report.peak.perThreads.map(\.threads) == [1])
        #expect(report.peak.perThreads.allSatisfy { $0.gops > 0 })
        #expect(report.machine.logicalCPUs >= 1 && !report.machine.cpu.isEmpty)

        try #require(report.sizes.count == 1)
        let size = report.sizes[0]
        #expect(size.network == BenchSize(height: 64, width: 96))
        #expect(size.layers.map(\.name) == model.layers.map(\.name))
        #expect(size.layers.map(\.macs) == plan.macs)
        #expect(size.totalMacs == plan.totalMacs)

        let fp32 = try #require(size.run("fp32", threads: 1))
        #expect(size.run("int8", threads: 1) != nil, "\(report.unavailable)")
        #expect(report.unavailable.isEmpty)
        for run in size.runs {
            #expect(run.layers.map(\.name) == model.layers.map(\.name))
            #expect(run.layers.allSatisfy { $0.medianMs > 0 })
            #expect(run.medianMs > 0 && run.p90Ms >= run.medianMs && run.minMs <= run.medianMs)
            let convMacs = zip(run.layers, size.layers).filter { $0.0.gops != nil }.map { $0.1.macs }.reduce(0, +)
            #expect(convMacs == plan.totalMacs)
            #expect(run.layers.filter { $0.gops != nil }.allSatisfy { $0.gops! > 0 && $0.peakFraction! > 0 })
            #expect(run.convGOPS > 0)
        }

        #expect(report.peer.status == "ran", "\(report.peer.detail ?? "")")
        for precision in ["fp32", "int8"] {
            let peer = try #require(size.peer(precision, threads: 1))
            #expect(peer.medianMs > 0)
        }
        #expect(size.ratio("fp32", threads: 1).map { $0 > 0 } == true)
        #expect(size.ratio("int8", threads: 1).map { $0 > 0 } == true)

        // Every printer shows every layer and the comparison; JSON reads back.
        let text = BenchText.render(report)
        for layer in model.layers { #expect(text.contains(layer.name)) }
        #expect(text.contains("facepipe/ORT fp32") && text.contains("facepipe/ORT int8"))
        #expect(text.contains("per layer, facepipe int8"))
        let markdown = BenchMarkdown.render(report)
        #expect(markdown.contains("| 64x96 (64x96) |"))
        #expect(markdown.contains("fp32 facepipe/ORT"))
        let json = try JSONEncoder().encode(report)
        let back = try JSONDecoder().decode(BenchReport.self, from: json)
        #expect(back.sizes[0].runs.count == size.runs.count)
        #expect(back.sizes[0].layers == size.layers)
        #expect(fp32.precision == "fp32")
    }
}
