import COpenBLAS

/// Convolution as GEMM: `out[Cout, OH*OW] = W[Cout, Cin/g*k*k] x cols[Cin/g*k*k, OH*OW]`
/// per group, with OpenBLAS sgemm (single-threaded; see `FP32Network`). The output columns
/// (pixels) are cut into blocks sized so one block's im2col matrix stays in L2; each task
/// builds its own block's columns in per-worker scratch and multiplies it, so tasks share
/// nothing. 1x1 stride-1 unpadded convs read the input directly: it already is the matrix.
/// When there are too few pixel blocks to keep every thread busy (deep, small layers), the
/// output channels are split as well, at the cost of rebuilding a block's columns per split.
final class ConvFP32: Operator, ParallelWork {
    let p: ConvParameters
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let inShape: TensorShape
    let outShape: TensorShape
    let weights: TensorStorage
    let bias: TensorStorage

    let reduction: Int          // K = Cin/g * k * k
    let channelsPerGroup: Int   // Cout / g
    let readsInputDirectly: Bool
    let blockColumns: Int
    let columnBlocks: Int
    let channelSplits: Int
    let tasks: Int
    /// Per-worker im2col area: `blockColumns * reduction` floats each.
    let scratch: UnsafeMutablePointer<Float>?
    let scratchPerWorker: Int

    /// Floats of im2col one worker needs for a layer (0 when it reads its input directly).
    static func scratchFloats(_ p: ConvParameters, outShape: TensorShape, threads: Int) -> Int {
        let (cols, _, _) = blocking(p, outShape: outShape, threads: threads)
        return isDirect(p) ? 0 : cols * p.inChannels / p.groups * p.kernel * p.kernel
    }

    static func isDirect(_ p: ConvParameters) -> Bool { p.kernel == 1 && p.stride == 1 && p.pad == 0 }

    /// Column block size, number of blocks and output-channel splits for a layer.
    static func blocking(_ p: ConvParameters, outShape: TensorShape, threads: Int) -> (Int, Int, Int) {
        let pixels = outShape.planeSize
        let k = p.inChannels / p.groups * p.kernel * p.kernel
        // About 256 KiB of columns per block: fits L2 on the x86 and ARM cores we target.
        var cols = min(pixels, max(16, 65_536 / k))
        let wanted = threads == 1 ? 1 : threads * 2
        if threads > 1, (pixels + cols - 1) / cols < wanted {
            cols = min(pixels, max(16, (pixels + wanted - 1) / wanted))
        }
        let blocks = (pixels + cols - 1) / cols
        let perGroup = p.outChannels / p.groups
        var splits = 1
        if blocks < wanted {
            splits = max(1, min((wanted + blocks - 1) / blocks, perGroup / 16))
        }
        return (cols, blocks, splits)
    }

    init(_ p: ConvParameters, input: UnsafePointer<Float>, inShape: TensorShape,
         output: UnsafeMutablePointer<Float>, outShape: TensorShape,
         weight: [Float], bias: [Float], threads: Int,
         scratch: UnsafeMutablePointer<Float>?, scratchPerWorker: Int) {
        self.p = p
        self.input = input; self.inShape = inShape
        self.output = output; self.outShape = outShape
        self.weights = TensorStorage(copying: weight)
        self.bias = TensorStorage(copying: bias)
        reduction = p.inChannels / p.groups * p.kernel * p.kernel
        channelsPerGroup = p.outChannels / p.groups
        readsInputDirectly = Self.isDirect(p)
        (blockColumns, columnBlocks, channelSplits) = Self.blocking(p, outShape: outShape, threads: threads)
        tasks = columnBlocks * channelSplits
        self.scratch = scratch
        self.scratchPerWorker = scratchPerWorker
    }

    func run(pool: WorkerPool) { pool.run(self, tasks: tasks) }

    func perform(task: Int, worker: Int) {
        let block = task % columnBlocks
        let split = task / columnBlocks
        let pixels = outShape.planeSize
        let n0 = block * blockColumns
        let cols = min(pixels, n0 + blockColumns) - n0
        let channels = chunk(split, of: channelSplits, count: channelsPerGroup)
        let inChannelsPerGroup = p.inChannels / p.groups
        for g in 0..<p.groups {
            let b: UnsafePointer<Float>
            let ldb: Int
            if readsInputDirectly {
                b = input + g * inChannelsPerGroup * inShape.planeSize + n0
                ldb = pixels
            } else {
                let columns = scratch! + worker * scratchPerWorker
                buildColumns(into: columns, group: g, firstPixel: n0, count: cols)
                b = UnsafePointer(columns)
                ldb = cols
            }
            let firstRow = g * channelsPerGroup + channels.lowerBound
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                        Int32(channels.count), Int32(cols), Int32(reduction),
                        1, weights.pointer + firstRow * reduction, Int32(reduction),
                        b, Int32(ldb),
                        0, output + firstRow * pixels + n0, Int32(pixels))
            addBias(rows: firstRow..<(firstRow + channels.count), firstPixel: n0, count: cols)
        }
    }

    private func addBias(rows: Range<Int>, firstPixel: Int, count: Int) {
        let pixels = outShape.planeSize
        for row in rows {
            let b = bias.pointer[row]
            let out = output + row * pixels + firstPixel
            if p.relu {
                for i in 0..<count { out[i] = max(out[i] + b, 0) }
            } else {
                for i in 0..<count { out[i] += b }
            }
        }
    }

    /// im2col for pixels `firstPixel ..< firstPixel+count` of one group: row `(c, ky, kx)`,
    /// column = pixel. Out-of-image taps are zero (the conv's zero padding).
    private func buildColumns(into columns: UnsafeMutablePointer<Float>, group: Int, firstPixel: Int, count: Int) {
        let (h, w) = (inShape.height, inShape.width)
        let outW = outShape.width
        let (k, s, pad) = (p.kernel, p.stride, p.pad)
        let inChannelsPerGroup = p.inChannels / p.groups
        var dst = columns
        for c in 0..<inChannelsPerGroup {
            let plane = input + (group * inChannelsPerGroup + c) * inShape.planeSize
            for ky in 0..<k {
                for kx in 0..<k {
                    // Output columns whose tap lands inside the row: xLo ... xHi.
                    let offset = kx - pad
                    let xLo = offset >= 0 ? 0 : (-offset + s - 1) / s
                    let xHi = floorDiv(w - 1 - offset, s)
                    var pixel = firstPixel
                    var oy = pixel / outW
                    var ox = pixel - oy * outW
                    let end = firstPixel + count
                    while pixel < end {
                        let run = min(end - pixel, outW - ox)
                        let iy = oy * s - pad + ky
                        if iy < 0 || iy >= h {
                            dst.update(repeating: 0, count: run)
                        } else {
                            // Zeros left of the image, taps inside it, zeros right of it.
                            let row = plane + iy * w + offset
                            let first = min(max(xLo - ox, 0), run)
                            let end = max(min(xHi - ox + 1, run), first)
                            dst.update(repeating: 0, count: first)
                            if s == 1 {
                                (dst + first).update(from: row + ox + first, count: end - first)
                            } else {
                                for j in first..<end { dst[j] = row[(ox + j) * s] }
                            }
                            (dst + end).update(repeating: 0, count: run - end)
                        }
                        dst += run
                        pixel += run
                        oy += 1
                        ox = 0
                    }
                }
            }
        }
    }
}
