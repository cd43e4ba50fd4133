import CKernels

/// The portable conv microkernel: 4 output pixels x 16 channels, same packed format and same
/// results as the C kernels. Written as plain loops over the 16 channels of a block so LLVM
/// (with -target-cpu native, see Package.swift) vectorises them; explicit Swift SIMD types
/// were measured 4x slower because they never lower to vpmaddwd / vpdpbusd.
enum PortableConv {
    static let mr = 4
    static let function: ConvTileFunction = { args in PortableConv.run(args.unsafelyUnwrapped) }

    static func run(_ a: UnsafePointer<fp_qu8_conv_args>) {
        let ks = a.pointee.ks, kc = a.pointee.kc, mr = a.pointee.mr, nc = a.pointee.nc
        let indirection = a.pointee.indirection.unsafelyUnwrapped
        let blockBytes = fp_qu8_conv_block_bytes(ks, kc)
        let requant = a.pointee.requant
        // Rows past mr repeat the last real row, as in the C kernels.
        let rows = (0, min(1, mr - 1), min(2, mr - 1), min(3, mr - 1))
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 4 * 16) { buffer in
            let acc = buffer.baseAddress.unsafelyUnwrapped
            var block = UnsafeRawPointer(a.pointee.packed_weights.unsafelyUnwrapped)
            var n0 = 0
            while n0 < nc {
                let bias = block.assumingMemoryBound(to: Int32.self)
                for i in 0..<64 { acc[i] = bias[i & 15] }
                var w = (block + Int(FP_QU8_CONV_BLOCK_HEADER_BYTES)).assumingMemoryBound(to: Int8.self)
                for t in 0..<ks {
                    let x0 = indirection[rows.0 * ks + t].unsafelyUnwrapped
                    let x1 = indirection[rows.1 * ks + t].unsafelyUnwrapped
                    let x2 = indirection[rows.2 * ks + t].unsafelyUnwrapped
                    let x3 = indirection[rows.3 * ks + t].unsafelyUnwrapped
                    var k = 0
                    while k < kc {
                        accumulateGroup(acc, w, x0 + k, x1 + k, x2 + k, x3 + k)
                        k += 4
                        w += 64
                    }
                }
                let multipliers = bias + 32
                let output = a.pointee.output.unsafelyUnwrapped + n0
                let stride = a.pointee.output_stride
                for r in 0..<mr {
                    let out = output + r * stride
                    for n in 0..<16 { out[n] = FixedPoint.requantize(acc[r * 16 + n], multiplier: multipliers[n], requant) }
                }
                block += blockBytes
                n0 += 16
            }
        }
    }

    /// One K-group of 4 for 4 rows x 16 channels: 256 multiply-adds.
    @inline(__always)
    private static func accumulateGroup(_ acc: UnsafeMutablePointer<Int32>, _ w: UnsafePointer<Int8>,
                                        _ x0: UnsafePointer<UInt8>, _ x1: UnsafePointer<UInt8>,
                                        _ x2: UnsafePointer<UInt8>, _ x3: UnsafePointer<UInt8>) {
        let a0 = (Int32(x0[0]), Int32(x0[1]), Int32(x0[2]), Int32(x0[3]))
        let a1 = (Int32(x1[0]), Int32(x1[1]), Int32(x1[2]), Int32(x1[3]))
        let a2 = (Int32(x2[0]), Int32(x2[1]), Int32(x2[2]), Int32(x2[3]))
        let a3 = (Int32(x3[0]), Int32(x3[1]), Int32(x3[2]), Int32(x3[3]))
        for n in 0..<16 {
            let w0 = Int32(w[4 * n]), w1 = Int32(w[4 * n + 1]), w2 = Int32(w[4 * n + 2]), w3 = Int32(w[4 * n + 3])
            acc[n] &+= a0.0 &* w0 &+ a0.1 &* w1 &+ a0.2 &* w2 &+ a0.3 &* w3
            acc[16 + n] &+= a1.0 &* w0 &+ a1.1 &* w1 &+ a1.2 &* w2 &+ a1.3 &* w3
            acc[32 + n] &+= a2.0 &* w0 &+ a2.1 &* w1 &+ a2.2 &* w2 &+ a2.3 &* w3
            acc[48 + n] &+= a3.0 &* w0 &+ a3.1 &* w1 &+ a3.2 &* w2 &+ a3.3 &* w3
        }
    }
}
