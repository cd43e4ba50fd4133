import Dispatch

extension KernelBenchmark {
    struct ConvResult: Sendable {
        let isa: KernelISA
        let kernelName: String
        let multiplyAccumulates: Int64
        let seconds: Double
        var macsPerSecond: Double { Double(multiplyAccumulates) / seconds }
    }

    /// Times the conv microkernel of `isa` alone (one core, no operator around it) on a
    /// `size` x `size` x `channels` input, 3x3 stride 1 pad 1 to `channels` outputs, with
    /// deterministic pseudo-random data; `repeats` runs after one warm-up, best time kept.
    static func conv(isa: KernelISA, size: Int = 40, channels: Int = 64, repeats: Int = 5) throws -> ConvResult {
        let table = try KernelTable(isa: isa)
        var seed: UInt32 = 0x1234_5678
        func next() -> UInt32 { seed = seed &* 1_664_525 &+ 1_013_904_223; return seed >> 8 }
        let geometry = ConvIndirection.Geometry(inputHeight: size, inputWidth: size, kernelHeight: 3, kernelWidth: 3,
                                                stride: 1, padding: 1)
        let inputShape = BlockedShape(height: size, width: size, channels: channels)
        let outputShape = BlockedShape(height: size, width: size, channels: channels)
        let weights = (0..<(channels * channels * 9)).map { _ in Int8(truncatingIfNeeded: next()) }
        let requant = try ConvRequantization(realMultipliers: [Double](repeating: 1e-4, count: channels),
                                             clamp: OutputClamp(zeroPoint: 0, relu: true))
        let packed = try PackedConvWeights(weightsOIHW: weights, bias: [Int32](repeating: 0, count: channels),
                                           outputChannels: channels, inputChannels: channels, kernelHeight: 3,
                                           kernelWidth: 3, inputZeroPoint: 128, requantization: requant)
        let input = UnsafeMutablePointer<UInt8>.allocate(capacity: inputShape.byteCount)
        let zero = UnsafeMutablePointer<UInt8>.allocate(capacity: packed.kc)
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: outputShape.byteCount)
        let indirection = UnsafeMutablePointer<UnsafePointer<UInt8>?>.allocate(capacity: geometry.entryCount)
        defer { input.deallocate(); zero.deallocate(); output.deallocate(); indirection.deallocate() }
        for i in 0..<inputShape.byteCount { input[i] = UInt8(truncatingIfNeeded: next()) }
        zero.initialize(repeating: 128, count: packed.kc)
        ConvIndirection.build(geometry, input: input, pixelStride: inputShape.pixelStride, zero: zero, into: indirection)
        var best = Double.infinity
        for run in 0...max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            table.conv.run(pixels: 0..<outputShape.pixelCount, blocks: 0..<packed.blockCount, weights: packed,
                           indirection: indirection, output: output, outputStride: outputShape.pixelStride)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if run > 0 { best = min(best, seconds) }
        }
        return ConvResult(isa: isa, kernelName: table.conv.name,
                          multiplyAccumulates: Int64(outputShape.pixelCount * channels * channels * 9),
                          seconds: max(best, 1e-9))
    }
}
