import Foundation

/// The human-readable report `facepipe bench engine` prints on stdout: header (machine, peak,
/// protocol), then per size the ms/frame table with facepipe/ORT ratios and one per-layer
/// table per precision.
enum BenchText {
    static func render(_ r: BenchReport) -> String {
        var out: [String] = []
        out.append("facepipe bench engine: \(r.model) (\(r.modelPath))")
        out.append("machine: \(machineLine(r.machine))")
        out.append("int8 multiply-add peak (\(r.peak.isa), register-only loop): " + peakLine(r.peak))
        out.append("protocol: \(r.warmup) warm-up + \(r.runs) timed runs per case; ms per frame as median (p90)")
        for (precision, why) in r.unavailable.sorted(by: { $0.key < $1.key }) {
            out.append("facepipe \(precision): not available: \(why)")
        }
        out.append("ONNX Runtime peer: " + peerLine(r.peer))
        let threads = r.threadCounts
        for size in r.sizes {
            out.append("")
            out.append("== \(size.requested) -> network \(size.network), \(fmt(Double(size.totalMacs) / 1e9, 3)) GMAC ==")
            out.append(contentsOf: totalsTable(size, threads: threads))
            for precision in r.precisions(in: size) {
                out.append("")
                out.append("per layer, facepipe \(precision) (ms, GOPS, % of the int8 peak at the same thread count):")
                out.append(contentsOf: layerTable(size, precision: precision, threads: threads))
            }
        }
        return out.joined(separator: "\n")
    }

    static func machineLine(_ m: MachineInfo) -> String {
        var line = "\(m.cpu), \(m.logicalCPUs) logical CPU\(m.logicalCPUs == 1 ? "" : "s")"
        if let before = m.loadBefore, let after = m.loadAfter {
            line += "; 1-minute load \(fmt(before, 2)) before, \(fmt(after, 2)) after"
            if max(before, after) > Double(m.logicalCPUs) / 2 { line += " (shared, busy machine: timings include contention)" }
        }
        return line
    }

    static func peakLine(_ p: PeakReport) -> String {
        p.perThreads.map { "\($0.threads) thread\($0.threads == 1 ? "" : "s") \(fmt($0.gops, 1)) GOPS" }
            .joined(separator: ", ")
    }

    static func peerLine(_ p: PeerReport) -> String {
        guard p.status == "ran" else { return "\(p.status)" + (p.detail.map { ": \($0)" } ?? "") }
        return "onnxruntime \(p.onnxruntime ?? "?") on the CPU; ONNX \(p.onnxSource ?? "?"); int8 = \(p.int8Method ?? "not run")"
    }

    private static func totalsTable(_ size: SizeReport, threads: [Int]) -> [String] {
        var rows: [[String]] = [["ms/frame"] + threads.map { "\($0) thread\($0 == 1 ? "" : "s")" }]
        for precision in ["fp32", "int8"] {
            if size.runs.contains(where: { $0.precision == precision }) {
                rows.append(["facepipe \(precision)"] + threads.map { t in
                    size.run(precision, threads: t).map { "\(fmt($0.medianMs, 2)) (\(fmt($0.p90Ms, 2)))" } ?? "-"
                })
            }
            if size.peer.contains(where: { $0.precision == precision }) {
                rows.append(["ORT \(precision)"] + threads.map { t in
                    size.peer(precision, threads: t).map { "\(fmt($0.medianMs, 2)) (\(fmt($0.p90Ms, 2)))" } ?? "-"
                })
            }
        }
        for precision in ["fp32", "int8"] where threads.contains(where: { size.ratio(precision, threads: $0) != nil }) {
            rows.append(["facepipe/ORT \(precision)"] + threads.map { t in
                size.ratio(precision, threads: t).map { "\(fmt($0, 2))x" } ?? "-"
            })
        }
        return aligned(rows, leftColumns: 1)
    }

    private static func layerTable(_ size: SizeReport, precision: String, threads: [Int]) -> [String] {
        let runs = threads.compactMap { size.run(precision, threads: $0) }
        var header = ["layer", "op", "output", "MMAC"]
        for run in runs { header += ["\(run.threads)t ms", "GOPS", "%peak"] }
        var rows = [header]
        for (i, layer) in size.layers.enumerated() {
            var row = [layer.name, layer.op, layer.output, layer.macs > 0 ? fmt(Double(layer.macs) / 1e6, 2) : ""]
            for run in runs {
                let t = run.layers.indices.contains(i) ? run.layers[i] : nil
                row += [t.map { fmt($0.medianMs, 3) } ?? "-", t?.gops.map { fmt($0, 1) } ?? "",
                        t?.peakFraction.map { fmt(100 * $0, 1) + "%" } ?? ""]
            }
            rows.append(row)
        }
        var total = ["all layers (conv GOPS)", "", "", fmt(Double(size.totalMacs) / 1e6, 2)]
        for run in runs {
            total += [fmt(run.layers.map(\.medianMs).reduce(0, +), 3), fmt(run.convGOPS, 1),
                      run.convPeakFraction.map { fmt(100 * $0, 1) + "%" } ?? ""]
        }
        rows.append(total)
        return aligned(rows, leftColumns: 3)
    }

    /// Columns padded to their widest cell; the first `leftColumns` left-aligned, the rest right.
    static func aligned(_ rows: [[String]], leftColumns: Int) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c < leftColumns ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }
}

extension BenchReport {
    var threadCounts: [Int] { Array(Set(sizes.flatMap { $0.runs.map(\.threads) + $0.peer.map(\.threads) })).sorted() }

    func precisions(in size: SizeReport) -> [String] {
        ["fp32", "int8"].filter { p in size.runs.contains { $0.precision == p } }
    }
}

func fmt(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }
