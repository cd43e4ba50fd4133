import CKernels
import Testing
@testable import Engine

/// The conv microkernels: portable Swift against a direct int32 convolution, the C scalar twin
/// against portable Swift, and every ISA kernel against portable Swift, bit for bit.
@Suite struct KernelsConvTests {
    static let randomSeeds: [UInt64] = Array(1...16)
    let portable = try! KernelTable(isa: .portable).conv

    @Test(arguments: ConvShape.edgeCases)
    func portableMatchesNaiveConvolution(shape: ConvShape) throws {
        let fixture = try ConvFixture(shape, seed: 11)
        let diff = firstDifference(fixture.run(portable), fixture.naiveReference())
        #expect(diff == nil, "\(shape): \(diff ?? "")")
    }

    @Test func portableMatchesNaiveWithHugeBiasesAndBothClamps() throws {
        // Biases up to 2^28 drive accumulators to both clamp ends and through negative products.
        for (i, shape) in ConvShape.edgeCases.prefix(5).enumerated() {
            for relu in [false, true] {
                let fixture = try ConvFixture(shape, seed: 100 + UInt64(i), relu: relu, biasMagnitude: 1 << 28)
                let diff = firstDifference(fixture.run(portable), fixture.naiveReference())
                #expect(diff == nil, "\(shape) relu \(relu): \(diff ?? "")")
            }
        }
    }

    @Test func portableMatchesNaiveOnRoundingTies() throws {
        for (i, shape) in ConvShape.edgeCases.enumerated() {
            let fixture = try ConvFixture(shape, seed: 150 + UInt64(i), relu: false, biasMagnitude: 64, tieScale: 5)
            let diff = firstDifference(fixture.run(portable), fixture.naiveReference())
            #expect(diff == nil, "\(shape): \(diff ?? "")")
        }
    }

    @Test func cScalarTwinMatchesPortable() throws {
        for (i, shape) in (ConvShape.edgeCases + Self.randomSeeds.map(ConvShape.random)).enumerated() {
            let fixture = try ConvFixture(shape, seed: 200 + UInt64(i))
            let diff = firstDifference(fixture.run(scalarConvKernel), fixture.run(portable))
            #expect(diff == nil, "\(shape): \(diff ?? "")")
        }
    }

    @Test func splittingPixelsAndBlocksGivesTheSameOutput() throws {
        let fixture = try ConvFixture(ConvShape(height: 7, width: 9, inputChannels: 24, outputChannels: 40,
                                                kernel: 3, stride: 1, padding: 1), seed: 7)
        let whole = fixture.run(portable)
        let pieces = fixture.run(portable, pixelPieces: [0..<5, 5..<6, 6..<40, 40..<63], blockPieces: [0..<1, 1..<3])
        #expect(firstDifference(whole, pieces) == nil)
        #expect(whole == fixture.naiveReference())
    }

    @Test(.enabled(if: KernelISA.available.contains(.avx2), "CPU has no AVX2"))
    func avx2MatchesPortable() throws { try checkISA(.avx2) }

    @Test(.enabled(if: KernelISA.available.contains(.vnni), "CPU has no AVX-512 VNNI"))
    func vnniMatchesPortable() throws { try checkISA(.vnni) }

    @Test(.enabled(if: KernelISA.available.contains(.neon), "CPU has no dot product (tested under qemu instead)"))
    func neonMatchesPortable() throws { try checkISA(.neon) }

    private func checkISA(_ isa: KernelISA) throws {
        let kernel = try KernelTable(isa: isa).conv
        let shapes = ConvShape.edgeCases + Self.randomSeeds.map(ConvShape.random)
        for (i, shape) in shapes.enumerated() {
            for bias: Int32 in [1 << 16, 1 << 28] {
                let fixture = try ConvFixture(shape, seed: 300 + UInt64(i), biasMagnitude: bias)
                let diff = firstDifference(fixture.run(kernel), fixture.run(portable))
                #expect(diff == nil, "\(isa) \(shape) bias \(bias): \(diff ?? "")")
            }
            let ties = try ConvFixture(shape, seed: 400 + UInt64(i), relu: false, biasMagnitude: 64, tieScale: 5)
            let diff = firstDifference(ties.run(kernel), ties.run(portable))
            #expect(diff == nil, "\(isa) \(shape) rounding ties: \(diff ?? "")")
        }
        // Every tile height from 1 to MR + 1 (tails), by splitting one output into single tiles.
        let fixture = try ConvFixture(ConvShape(height: 3, width: 7, inputChannels: 5, outputChannels: 17,
                                                kernel: 3, stride: 1, padding: 1), seed: 9)
        var pieces: [Range<Int>] = []
        var start = 0, height = 1
        while start < fixture.outputShape.pixelCount {
            let end = min(start + height, fixture.outputShape.pixelCount)
            pieces.append(start..<end)
            start = end
            height = height % (kernel.mr + 1) + 1
        }
        #expect(firstDifference(fixture.run(kernel, pixelPieces: pieces), fixture.run(portable)) == nil)
    }

    @Test func packedWeightsRejectMismatchedSizes() throws {
        let requant = try ConvRequantization(realMultipliers: [0.01, 0.02], clamp: OutputClamp(zeroPoint: 0, relu: true))
        #expect(throws: KernelShapeError.self) {
            _ = try PackedConvWeights(weightsOIHW: [Int8](repeating: 1, count: 17), bias: [0, 0], outputChannels: 2,
                                      inputChannels: 1, kernelHeight: 3, kernelWidth: 3, inputZeroPoint: 0,
                                      requantization: requant)
        }
    }

    @Test func packingFoldsTheZeroPointIntoTheBias() throws {
        // One output channel, 5 input channels, 1x1: bias' = bias - zx * sum(w), K-group padding zero.
        let weights: [Int8] = [1, -2, 3, -4, 5]
        let requant = try ConvRequantization(realMultipliers: [0.01], clamp: OutputClamp(zeroPoint: 0, relu: false))
        let packed = try PackedConvWeights(weightsOIHW: weights, bias: [1000], outputChannels: 1, inputChannels: 5,
                                           kernelHeight: 1, kernelWidth: 1, inputZeroPoint: 10, requantization: requant)
        #expect(packed.kc == 8 && packed.blockCount == 1 && packed.blockBytes == 192 + 8 * 16)
        let header = packed.block(0).assumingMemoryBound(to: Int32.self)
        #expect(header[0] == 1000 - 10 * 3 && header[1] == 0)
        #expect(header[16] == 128 * 3 && header[32] == requant.multipliers[0])
        let w = (packed.block(0) + 192).assumingMemoryBound(to: Int8.self)
        #expect((0..<4).map { w[$0] } == [1, -2, 3, -4])          // group 0, channel 0
        #expect((0..<4).map { w[64 + $0] } == [5, 0, 0, 0])       // group 1, channel 0
        #expect(w[4] == 0 && w[64 + 4] == 0)                      // channel 1 is padding
    }
}
