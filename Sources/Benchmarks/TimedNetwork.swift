import Engine
import FacepipeCore

/// The bench times either engine through Engine's `Network`.
extension Network {
    /// Per-layer facts in execution order (the same order as `layerNanoseconds`).
    var benchLayers: [LayerFacts] {
        layers.map { LayerFacts(name: $0.name, op: $0.op, output: $0.outputShape.description, macs: $0.macs) }
    }

    /// The same deterministic noise picture for every engine (content does not change the work).
    func fillInput(seed: UInt64, width: Int, height: Int) {
        let picture = RGBImage(width: width, height: height)
        var random = SplitMix64(seed: seed)
        for y in 0..<height {
            let row = picture.pixels + y * picture.stride
            for x in 0..<3 * width { row[x] = UInt8(truncatingIfNeeded: random.next() >> 56) }
        }
        setInput(picture)
    }
}

/// Times one network: warm-up runs, then `runs` timed runs; total and per-layer medians.
enum NetworkTimer {
    struct Timing {
        var totalsMs: [Double]
        /// Per layer, one time per timed run.
        var layerMs: [[Double]]
    }

    static func time(_ network: any Network, input: BenchSize, warmup: Int, runs: Int) -> Timing {
        network.fillInput(seed: 1, width: input.width, height: input.height)
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
