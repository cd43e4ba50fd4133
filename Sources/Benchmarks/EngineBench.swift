import Detector
import Engine
import Foundation

/// The engine benchmark's protocol: for each size and thread count, every available precision
/// of facepipe's engine is planned, warmed up and timed layer by layer; then the ONNX Runtime
/// peer times the same model, sizes and threads. One process, one machine: ratios compare.
public enum EngineBench {
    public struct Settings {
        var modelDirectory: String
        var sizes: [BenchSize]
        var threads: [Int]
        var warmup: Int
        var runs: Int
        /// Length of each int8 peak measurement round.
        var peakSeconds: Double
        /// nil: facepipe only.
        var peer: ORTPeer?
        var progress: (String) -> Void = { _ in }

        public init(modelDirectory: String, sizes: [BenchSize], threads: [Int], warmup: Int, runs: Int,
                    peakSeconds: Double, peer: ORTPeer?, progress: @escaping (String) -> Void = { _ in }) {
            self.modelDirectory = modelDirectory
            self.sizes = sizes
            self.threads = threads
            self.warmup = warmup
            self.runs = runs
            self.peakSeconds = peakSeconds
            self.peer = peer
            self.progress = progress
        }
    }

    enum Precision: String, CaseIterable {
        case fp32, int8
    }

    public static func run(_ settings: Settings) throws -> BenchReport {
        let loadBefore = MachineProbe.load()
        let model = try ModelFile.load(directory: settings.modelDirectory)
        let normalizer = InputNormalizer(rule: model.description.input)
        let isa = try KernelISA.selected()
        settings.progress("int8 peak (\(isa)) on \(settings.threads.map(String.init).joined(separator: ", ")) thread(s)")
        let peak = try PeakMeter.measure(isa: isa, threads: settings.threads, seconds: settings.peakSeconds)

        var unavailable: [String: String] = [:]
        // int8 needs the model's calibration (int8.yaml from `facepipe quantize`); without it fp32 still runs.
        var int8: Int8Model?
        do { int8 = try Int8Model.load(directory: settings.modelDirectory, model: model) } catch {
            unavailable["int8"] = "\(error)"
        }
        var sizes: [SizeReport] = []
        for requested in settings.sizes {
            let padded = normalizer.paddedSize(width: requested.width, height: requested.height)
            let network = BenchSize(height: padded.height, width: padded.width)
            let plan = try GraphPlan(model: model, inputWidth: network.width, inputHeight: network.height)
            let layers = model.layers.enumerated().map { i, layer in
                LayerFacts(name: layer.name, op: layer.operation.opName, output: plan.outputShapes[i].description,
                           macs: plan.macs[i])
            }
            var report = SizeReport(requested: requested, network: network, layers: layers, totalMacs: plan.totalMacs,
                                    runs: [], peer: [])
            for threads in settings.threads {
                for precision in Precision.allCases {
                    guard let (net, engine) = try makeNetwork(precision, model: model, int8: int8, size: network,
                                                              threads: threads) else { continue }
                    settings.progress("facepipe \(precision) \(network) (from \(requested)), \(threads) thread(s)")
                    let timing = NetworkTimer.time(net, input: network, warmup: settings.warmup, runs: settings.runs)
                    report.runs.append(summarise(timing, layers: net.benchLayers, precision: precision.rawValue,
                                                 engine: engine, threads: threads, peak: peak))
                }
            }
            sizes.append(report)
        }

        var peerReport = PeerReport(status: "skipped", detail: "--no-peer")
        if let peer = settings.peer {
            settings.progress("ONNX Runtime peer: \(peer.script)")
            var networkSizes: [BenchSize] = []  // two requested sizes may pad to one network size
            for size in sizes where !networkSizes.contains(size.network) { networkSizes.append(size.network) }
            let outcome = peer.run(sizes: networkSizes, threads: Array(Set(settings.threads)).sorted(),
                                   warmup: settings.warmup, runs: settings.runs)
            peerReport = outcome.report
            for i in sizes.indices { sizes[i].peer = outcome.results[sizes[i].network] ?? [] }
        }
        return BenchReport(model: model.description.name, modelPath: settings.modelDirectory,
                           machine: MachineInfo(cpu: MachineProbe.cpuModel(), logicalCPUs: ProcessInfo.processInfo.activeProcessorCount,
                                                loadBefore: loadBefore, loadAfter: MachineProbe.load()),
                           warmup: settings.warmup, runs: settings.runs, peak: peak, unavailable: unavailable,
                           sizes: sizes, peer: peerReport)
    }

    /// The network for one precision, or nil where it cannot be built (the reason is in `unavailable`).
    private static func makeNetwork(_ precision: Precision, model: ModelFile, int8: Int8Model?, size: BenchSize,
                                    threads: Int) throws -> (any Network, String)? {
        switch precision {
        case .fp32:
            return (try FP32Network(model: model, inputWidth: size.width, inputHeight: size.height, threads: threads),
                    "fp32 (OpenBLAS sgemm)")
        case .int8:
            guard let int8 else { return nil }
            // The heads are dequantised to float in every run, as the detector needs them.
            let heads = model.description.detector?.modules.flatMap { [$0.cls, $0.reg] } ?? []
            let net = try Int8Network(model: model, quantized: int8, inputWidth: size.width, inputHeight: size.height,
                                      threads: threads, floatOutputs: heads)
            return (net, "int8 (\(net.isa) kernels)")
        }
    }

    static func summarise(_ timing: NetworkTimer.Timing, layers: [LayerFacts], precision: String, engine: String,
                          threads: Int, peak: PeakReport) -> EngineRun {
        let peakGOPS = peak.gops(threads: threads)
        var convMacs = 0, convMs = 0.0
        let times = zip(layers, timing.layerMs).map { facts, samples -> LayerTime in
            let ms = BenchStatistics.median(samples)
            guard facts.macs > 0 else { return LayerTime(name: facts.name, medianMs: ms) }
            convMacs += facts.macs
            convMs += ms
            let gops = BenchStatistics.gops(macs: facts.macs, ms: ms)
            return LayerTime(name: facts.name, medianMs: ms, gops: gops, peakFraction: peakGOPS.map { gops / $0 })
        }
        let convGOPS = BenchStatistics.gops(macs: convMacs, ms: convMs)
        return EngineRun(precision: precision, engine: engine, threads: threads,
                         medianMs: BenchStatistics.median(timing.totalsMs), p90Ms: BenchStatistics.p90(timing.totalsMs),
                         minMs: timing.totalsMs.min() ?? 0, convGOPS: convGOPS,
                         convPeakFraction: peakGOPS.map { convGOPS / $0 }, layers: times)
    }
}

/// What the report says about the machine (Linux /proc; elsewhere the architecture only).
enum MachineProbe {
    static func cpuModel() -> String {
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("model name") || line.hasPrefix("Model\t") {
                if let value = line.split(separator: ":", maxSplits: 1).last {
                    return value.trimmingCharacters(in: .whitespaces)
                }
            }
        }
        #if arch(arm64)
        return "arm64 CPU"
        #else
        return "x86_64 CPU"
        #endif
    }

    static func load() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
    }
}
