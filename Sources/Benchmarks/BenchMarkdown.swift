/// A short Markdown summary of a bench run, for pasting into the README's performance section:
/// the setup in one paragraph, ms/frame per size and thread count with facepipe/ORT ratios, and
/// the per-layer conv efficiency at the largest size.
enum BenchMarkdown {
    static let heaviestLayers = 8

    static func render(_ r: BenchReport) -> String {
        var out: [String] = []
        out.append("Measured with `facepipe bench engine`: \(r.warmup) warm-up + \(r.runs) timed runs per case; ms per frame, median (p90).")
        out.append("")
        out.append("- Machine: \(BenchText.machineLine(r.machine))")
        out.append("- int8 multiply-add peak (\(r.peak.isa), register-only loop): \(BenchText.peakLine(r.peak))")
        out.append("- Peer: ONNX Runtime, " + BenchText.peerLine(r.peer))
        for (precision, why) in r.unavailable.sorted(by: { $0.key < $1.key }) {
            out.append("- facepipe \(precision): not available (\(why))")
        }
        out.append("")

        let threads = r.threadCounts
        let columns = columnsPresent(r)
        var header = ["input (network)", "GMAC", "threads"] + columns.map(\.title)
        let ratioPrecisions = ["fp32", "int8"].filter { p in r.sizes.contains { s in threads.contains { s.ratio(p, threads: $0) != nil } } }
        header += ratioPrecisions.map { "\($0) facepipe/ORT" }
        out.append(row(header))
        out.append(row(header.map { _ in "---" }))
        for size in r.sizes {
            for t in threads {
                var cells = ["\(size.requested) (\(size.network))", fmt(Double(size.totalMacs) / 1e9, 2), "\(t)"]
                cells += columns.map { $0.cell(size, t) }
                cells += ratioPrecisions.map { p in size.ratio(p, threads: t).map { "\(fmt($0, 2))x" } ?? "-" }
                out.append(row(cells))
            }
        }

        if let size = r.sizes.first, let t = threads.first {
            let runs = r.precisions(in: size).compactMap { size.run($0, threads: t) }
            if !runs.isEmpty {
                let heaviest = size.layers.indices.filter { size.layers[$0].macs > 0 }
                    .sorted { size.layers[$0].macs > size.layers[$1].macs }.prefix(heaviestLayers)
                out.append("")
                out.append("The \(heaviest.count) heaviest conv layers at \(size.network), \(t) thread\(t == 1 ? "" : "s"), "
                           + "and all layers together: ms, GOPS and share of the int8 peak.")
                out.append("")
                var header = ["layer", "output", "MMAC"]
                for run in runs { header += ["\(run.precision) ms", "GOPS", "% peak"] }
                out.append(row(header))
                out.append(row(header.map { _ in "---" }))
                for i in heaviest {
                    let layer = size.layers[i]
                    var cells = [layer.name, layer.output, fmt(Double(layer.macs) / 1e6, 1)]
                    for run in runs {
                        let time = run.layers.indices.contains(i) ? run.layers[i] : nil
                        cells += [time.map { fmt($0.medianMs, 3) } ?? "-", time?.gops.map { fmt($0, 1) } ?? "-",
                                  time?.peakFraction.map { fmt(100 * $0, 1) + "%" } ?? "-"]
                    }
                    out.append(row(cells))
                }
                var total = ["all \(size.layers.count) layers (conv GOPS)", "", fmt(Double(size.totalMacs) / 1e6, 1)]
                for run in runs {
                    total += [fmt(run.layers.map(\.medianMs).reduce(0, +), 3), fmt(run.convGOPS, 1),
                              run.convPeakFraction.map { fmt(100 * $0, 1) + "%" } ?? "-"]
                }
                out.append(row(total))
            }
        }
        return out.joined(separator: "\n")
    }

    private struct Column {
        var title: String
        var cell: (SizeReport, Int) -> String
    }

    private static func columnsPresent(_ r: BenchReport) -> [Column] {
        var columns: [Column] = []
        for precision in ["fp32", "int8"] {
            if r.sizes.contains(where: { $0.runs.contains { $0.precision == precision } }) {
                columns.append(Column(title: "facepipe \(precision)") { size, t in
                    size.run(precision, threads: t).map { "\(fmt($0.medianMs, 1)) (\(fmt($0.p90Ms, 1)))" } ?? "-"
                })
            } else {
                columns.append(Column(title: "facepipe \(precision)") { _, _ in "n/a" })
            }
            if r.sizes.contains(where: { $0.peer.contains { $0.precision == precision } }) {
                columns.append(Column(title: "ORT \(precision)") { size, t in
                    size.peer(precision, threads: t).map { "\(fmt($0.medianMs, 1)) (\(fmt($0.p90Ms, 1)))" } ?? "-"
                })
            }
        }
        return columns
    }

    private static func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
}
