import CKernels

/// Conv weights packed once at model load into the microkernels' block format (CKernels.h):
/// per 16 output channels a 192-byte header (zero-point-corrected bias, 128 * sum(w) for
/// NEON, requant multipliers) then int8 weights in K-groups of 4, `[tap][cin / 4][16][4]`,
/// which is one vpdpbusd / sdot operand per group. 64-byte aligned.
final class PackedConvWeights: @unchecked Sendable {
    let outputChannels: Int
    let inputChannels: Int
    let taps: Int
    /// Bytes read per tap: input channels rounded up to the K-group of 4.
    let kc: Int
    let blockCount: Int
    let blockBytes: Int
    let requant: fp_qu8_requant
    private let storage: UnsafeMutableRawPointer

    /// `weightsOIHW`: int8 `[out][in][kh][kw]`; `bias`: int32 in units of input scale x weight
    /// scale[c]; `inputZeroPoint`: the uint8 zero point of the activations this conv reads.
    init(weightsOIHW: [Int8], bias: [Int32], outputChannels: Int, inputChannels: Int,
         kernelHeight: Int, kernelWidth: Int, inputZeroPoint: Int32,
         requantization: ConvRequantization) throws {
        let taps = kernelHeight * kernelWidth
        guard outputChannels > 0, inputChannels > 0, taps > 0,
              weightsOIHW.count == outputChannels * inputChannels * taps,
              bias.count == outputChannels, requantization.multipliers.count == outputChannels else {
            throw KernelShapeError.packedWeights(outputChannels: outputChannels, inputChannels: inputChannels,
                                                 taps: taps, weights: weightsOIHW.count, bias: bias.count,
                                                 multipliers: requantization.multipliers.count)
        }
        self.outputChannels = outputChannels
        self.inputChannels = inputChannels
        self.taps = taps
        kc = (inputChannels + 3) / 4 * 4
        blockCount = (outputChannels + Int(FP_QU8_CONV_NR) - 1) / Int(FP_QU8_CONV_NR)
        blockBytes = fp_qu8_conv_block_bytes(taps, kc)
        requant = requantization.params
        storage = UnsafeMutableRawPointer.allocate(byteCount: blockCount * blockBytes, alignment: 64)
        fp_qu8_conv_pack(outputChannels, inputChannels, kernelHeight, kernelWidth, weightsOIHW, bias,
                         requantization.multipliers, inputZeroPoint, storage)
    }

    deinit { storage.deallocate() }

    /// Output channels the kernels write: whole blocks of 16.
    var paddedOutputChannels: Int { blockCount * Int(FP_QU8_CONV_NR) }

    func block(_ index: Int) -> UnsafeRawPointer { UnsafeRawPointer(storage + index * blockBytes) }
}

/// Sizes that do not fit together (a model file whose tensors disagree with its graph).
enum KernelShapeError: Error, CustomStringConvertible, Equatable {
    case packedWeights(outputChannels: Int, inputChannels: Int, taps: Int, weights: Int, bias: Int, multipliers: Int)

    var description: String {
        switch self {
        case let .packedWeights(o, i, t, w, b, m):
            return "conv weights do not match the layer: expected \(o * i * t) weights (\(o) out x \(i) in x \(t) taps), "
                + "\(o) biases and \(o) multipliers, got \(w), \(b) and \(m)"
        }
    }
}
