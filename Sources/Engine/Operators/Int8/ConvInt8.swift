/// Conv through the kernel table's microkernel: an indirection buffer built once at planning
/// (the input buffer never moves), work split by output-pixel tiles and, when there are too
/// few pixels for the threads (deep layers), by 16-channel blocks as well.
final class ConvInt8: Operator, ParallelWork {
    let kernel: ConvMicrokernel
    let weights: PackedConvWeights
    let output: Int8Tensor
    let pixelChunks: Int
    let blockSplits: Int
    private let indirection: UnsafeMutablePointer<UnsafePointer<UInt8>?>
    private let zero: UnsafeMutablePointer<UInt8>

    init(kernel: ConvMicrokernel, weights: PackedConvWeights, geometry: ConvIndirection.Geometry,
         input: Int8Tensor, inputZeroPoint: Int32, output: Int8Tensor, threads: Int) {
        self.kernel = kernel
        self.weights = weights
        self.output = output
        zero = .allocate(capacity: weights.kc + 64)
        zero.initialize(repeating: UInt8(inputZeroPoint), count: weights.kc + 64)
        indirection = .allocate(capacity: geometry.entryCount)
        ConvIndirection.build(geometry, input: input.pointer, pixelStride: input.pixelStride, zero: zero, into: indirection)
        let tiles = (output.pixels + kernel.mr - 1) / kernel.mr
        pixelChunks = taskCount(items: tiles, threads: threads)
        let wanted = threads == 1 ? 1 : threads * 2
        blockSplits = pixelChunks >= wanted ? 1 : min(weights.blockCount, (wanted + pixelChunks - 1) / pixelChunks)
    }

    deinit {
        indirection.deallocate()
        zero.deallocate()
    }

    func run(pool: WorkerPool) { pool.run(self, tasks: pixelChunks * blockSplits) }

    func perform(task: Int, worker: Int) {
        let mr = kernel.mr
        let tiles = chunk(task % pixelChunks, of: pixelChunks, count: (output.pixels + mr - 1) / mr)
        let pixels = (tiles.lowerBound * mr)..<min(tiles.upperBound * mr, output.pixels)
        let blocks = chunk(task / pixelChunks, of: blockSplits, count: weights.blockCount)
        kernel.run(pixels: pixels, blocks: blocks, weights: weights, indirection: indirection,
                   output: output.pointer, outputStride: output.pixelStride)
    }
}
