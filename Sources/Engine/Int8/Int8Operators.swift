/// One planned layer of the int8 network: pointers into buffers the network owns, nothing
/// allocated or checked when run.
protocol Int8Operator: AnyObject {
    func run(pool: WorkerPool)
}

/// A uint8 NHWC activation buffer: `pixelStride` bytes per pixel (channels padded to 16, see
/// BlockedShape; the network input may use 4). 64-byte aligned, with a little slack at the end.
final class Int8Tensor {
    let height: Int
    let width: Int
    let channels: Int
    let pixelStride: Int
    let pointer: UnsafeMutablePointer<UInt8>

    init(height: Int, width: Int, channels: Int, pixelStride: Int) {
        self.height = height; self.width = width; self.channels = channels; self.pixelStride = pixelStride
        let bytes = height * width * pixelStride + 64
        pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64).bindMemory(to: UInt8.self, capacity: bytes)
        pointer.initialize(repeating: 0, count: bytes)
    }

    deinit { pointer.deallocate() }

    var pixels: Int { height * width }
    var byteCount: Int { pixels * pixelStride }
}

/// Conv through the kernel table's microkernel: an indirection buffer built once at planning
/// (the input buffer never moves), work split by output-pixel tiles and, when there are too
/// few pixels for the threads (deep layers), by 16-channel blocks as well.
final class ConvInt8: Int8Operator, ParallelWork {
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

/// Max pooling on the uint8 grid (max commutes with the monotonic quantisation, so the output
/// keeps the input's grid). 2x2 stride 2 unpadded uses the kernel; any other window takes the
/// max over the taps inside the image (padding never wins, as in the fp32 reference).
final class MaxPoolInt8: Int8Operator, ParallelWork {
    let p: PoolParameters
    let input: Int8Tensor
    let output: Int8Tensor
    let tasks: Int

    init(_ p: PoolParameters, input: Int8Tensor, output: Int8Tensor, threads: Int) {
        self.p = p; self.input = input; self.output = output
        tasks = taskCount(items: output.height, threads: threads)
    }

    func run(pool: WorkerPool) { pool.run(self, tasks: tasks) }

    func perform(task: Int, worker: Int) {
        let rows = chunk(task, of: tasks, count: output.height)
        guard !rows.isEmpty else { return }
        let stride = input.pixelStride
        if p.kernel == 2 && p.stride == 2 && p.pad == 0 {
            MaxPool2x2Kernel.run(input: input.pointer + 2 * rows.lowerBound * input.width * stride, height: 2 * rows.count,
                                 width: input.width, pixelStride: stride,
                                 output: output.pointer + rows.lowerBound * output.width * stride)
            return
        }
        for oy in rows {
            let y0 = max(0, oy * p.stride - p.pad), y1 = min(input.height, oy * p.stride - p.pad + p.kernel)
            for ox in 0..<output.width {
                let x0 = max(0, ox * p.stride - p.pad), x1 = min(input.width, ox * p.stride - p.pad + p.kernel)
                let o = output.pointer + (oy * output.width + ox) * stride
                o.update(repeating: 0, count: stride)
                for y in y0..<y1 {
                    for x in x0..<x1 {
                        let s = input.pointer + (y * input.width + x) * stride
                        for c in 0..<stride { o[c] = max(o[c], s[c]) }
                    }
                }
            }
        }
    }
}

/// Bilinear 2x upsampling on the input's grid (exact fixed-point weights, no requantisation).
/// One task: the kernel clamps at the tensor's edges, so it is not cut into row bands, and the
/// upsampled tensors of an SSH model are small.
final class Upsample2xInt8: Int8Operator {
    let input: Int8Tensor
    let output: Int8Tensor

    init(input: Int8Tensor, output: Int8Tensor) { self.input = input; self.output = output }

    func run(pool: WorkerPool) {
        Upsample2xKernel.run(input: input.pointer, height: input.height, width: input.width,
                             pixelStride: input.pixelStride, output: output.pointer)
    }
}

/// Elementwise add with each operand rescaled onto the output grid (padding bytes included:
/// they are don't-care in every tensor).
final class AddInt8: Int8Operator, ParallelWork {
    let a: Int8Tensor
    let b: Int8Tensor
    let output: Int8Tensor
    let parameters: AddParameters
    let tasks: Int

    init(a: Int8Tensor, b: Int8Tensor, output: Int8Tensor, parameters: AddParameters, threads: Int) {
        self.a = a; self.b = b; self.output = output; self.parameters = parameters
        tasks = output.byteCount < 65_536 ? 1 : taskCount(items: output.pixels, threads: threads)
    }

    func run(pool: WorkerPool) { pool.run(self, tasks: tasks) }

    func perform(task: Int, worker: Int) {
        let pixels = chunk(task, of: tasks, count: output.pixels)
        let offset = pixels.lowerBound * output.pixelStride
        RescaleLoops.add(a.pointer + offset, b.pointer + offset, count: pixels.count * output.pixelStride, parameters,
                         output: output.pointer + offset)
    }
}

/// Channel concatenation: each input copied (and rescaled where its grid differs) into its
/// channel slice of the output's pixels.
final class ConcatInt8: Int8Operator, ParallelWork {
    let inputs: [(tensor: Int8Tensor, channelOffset: Int, rescale: InputRescale)]
    let output: Int8Tensor
    let parameters: ConcatParameters
    let pixelChunks: Int

    init(inputs: [Int8Tensor], output: Int8Tensor, parameters: ConcatParameters, threads: Int) {
        var offset = 0
        var list: [(tensor: Int8Tensor, channelOffset: Int, rescale: InputRescale)] = []
        for (tensor, rescale) in zip(inputs, parameters.inputs) {
            list.append((tensor, offset, rescale))
            offset += tensor.channels
        }
        self.inputs = list
        self.output = output
        self.parameters = parameters
        pixelChunks = output.byteCount < 65_536 ? 1 : taskCount(items: output.pixels, threads: threads)
    }

    func run(pool: WorkerPool) { pool.run(self, tasks: inputs.count * pixelChunks) }

    func perform(task: Int, worker: Int) {
        let part = inputs[task / pixelChunks]
        let pixels = chunk(task % pixelChunks, of: pixelChunks, count: output.pixels)
        RescaleLoops.copySlice(input: part.tensor.pointer + pixels.lowerBound * part.tensor.pixelStride,
                               inputStride: part.tensor.pixelStride, channels: part.tensor.channels, pixels: pixels.count,
                               rescale: part.rescale, shift: parameters.shift, clamp: parameters.clamp,
                               output: output.pointer + pixels.lowerBound * output.pixelStride + part.channelOffset,
                               outputStride: output.pixelStride)
    }
}

/// A uint8 tensor back to real values as planar CHW floats (the detector's heads), through a
/// 256-entry table.
final class DequantizeInt8 {
    let input: Int8Tensor
    let output: UnsafeMutablePointer<Float>
    private let table: UnsafeMutablePointer<Float>

    init(input: Int8Tensor, quantization: ActivationQuantization) {
        self.input = input
        output = .allocate(capacity: max(1, input.channels * input.pixels))
        output.initialize(repeating: 0, count: max(1, input.channels * input.pixels))
        table = .allocate(capacity: 256)
        for q in 0...255 { table[q] = quantization.real(UInt8(q)) }
    }

    deinit {
        output.deallocate()
        table.deallocate()
    }

    func run() {
        let plane = input.pixels, stride = input.pixelStride
        for c in 0..<input.channels {
            let out = output + c * plane
            var src = input.pointer + c
            for p in 0..<plane {
                out[p] = table[Int(src.pointee)]
                src += stride
            }
        }
    }
}
