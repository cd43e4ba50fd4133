import Engine
import FacepipeCore

/// A planned network the benchmark can time layer by layer. fp32 and int8 both provide it.
protocol TimedNetwork: AnyObject {
    /// Per-layer facts in execution order (the same order as `layerNanoseconds`).
    var benchLayers: [LayerFacts] { get }
    var recordsLayerTimes: Bool { get set }
    var layerNanoseconds: [UInt64] { get }
    /// Fills the float input with deterministic values in -1...1 (a normalised picture's range).
    func fillInput(seed: UInt64)
    func run()
}

extension FP32Network: TimedNetwork {
    var benchLayers: [LayerFacts] {
        layers.map { LayerFacts(name: $0.name, op: $0.op, output: $0.outputShape.description, macs: $0.macs) }
    }

    func fillInput(seed: UInt64) {
        var random = BenchRandom(seed: seed)
        let input = self.input
        for i in input.indices { input[i] = random.unitFloat() }
    }
}

/// SplitMix64: the same input on every run and machine.
struct BenchRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in -1...1.
    mutating func unitFloat() -> Float { Float(Double(next() >> 11) / Double(1 << 53) * 2 - 1) }
}

/// Times one network: warm-up runs, then `runs` timed runs; total and per-layer medians.
enum NetworkTimer {
    struct Timing {
        var totalsMs: [Double]
        /// Per layer, one time per timed run.
        var layerMs: [[Double]]
    }

    static func time(_ network: TimedNetwork, warmup: Int, runs: Int) -> Timing {
        network.fillInput(seed: 1)
        network.recordsLayerTimes = true
        for _ in 0..<warmup { network.run() }
        var totals: [Double] = []
        totals.reserveCapacity(runs)
        var layers = [[Double]](repeating: [], count: network.benchLayers.count)
        for _ in 0..<runs {
            let start = monotonicNanoseconds()
            network.run()
            totals.append(Double(monotonicNanoseconds() - start) / 1e6)
            for (i, ns) in network.layerNanoseconds.enumerated() { layers[i].append(Double(ns) / 1e6) }
        }
        network.recordsLayerTimes = false
        return Timing(totalsMs: totals, layerMs: layers)
    }
}
