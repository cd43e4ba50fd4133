import Testing
@testable import Engine

/// The vectorised add/concat kernels the int8 network uses give the same bytes as the plain
/// scalar reference loops (ReferenceAddKernel, ReferenceConcatKernel), for random grids, with
/// and without ReLU, on all 256 x 256 input pairs (so every rounding tie the grids produce is met).
@Suite struct KernelsAddConcatReferenceTests {
    @Test(arguments: 0..<12)
    func sameBytesAsTheKernels(_ seed: Int) throws {
        var random = KernelTestRandom(seed: UInt64(seed) + 100)
        let sa = Double.random(in: 0.001...0.2, using: &random), sb = Double.random(in: 0.001...0.2, using: &random)
        let so = seed % 4 == 0 ? sa : Double.random(in: 0.001...0.3, using: &random)
        let za = Int32.random(in: 0...255, using: &random), zb = Int32.random(in: 0...255, using: &random)
        let zo = seed % 4 == 0 ? za : Int32.random(in: 0...255, using: &random)
        let relu = seed % 2 == 1
        let count = 256 * 256
        let a = UnsafeMutablePointer<UInt8>.allocate(capacity: count), b = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
        let want = UnsafeMutablePointer<UInt8>.allocate(capacity: count), got = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
        defer { a.deallocate(); b.deallocate(); want.deallocate(); got.deallocate() }
        for i in 0..<count { a[i] = UInt8(i & 255); b[i] = UInt8(i >> 8) }

        let add = try AddParameters(aScale: sa, aZeroPoint: za, bScale: sb, bZeroPoint: zb, outputScale: so,
                                    outputZeroPoint: zo, relu: relu)
        ReferenceAddKernel.run(a, b, count: count, add, output: want)
        AddKernel.run(a, b, count: count, add, output: got)
        #expect((0..<count).allSatisfy { want[$0] == got[$0] }, "add, seed \(seed)")

        // Concat: 3 channels of 256 x 256 pixels, strided, into the middle of wider pixels.
        let concat = try ConcatParameters(inputs: [(sa, za), (sb, zb)], outputScale: so, outputZeroPoint: zo, relu: relu)
        for rescale in concat.inputs {
            want.update(repeating: 7, count: count)
            got.update(repeating: 7, count: count)
            ReferenceConcatKernel.copySlice(input: a, inputStride: 4, channels: 3, pixels: count / 8, rescale: rescale,
                                            shift: concat.shift, clamp: concat.clamp, output: want + 1, outputStride: 8)
            ConcatKernel.copySlice(input: a, inputStride: 4, channels: 3, pixels: count / 8, rescale: rescale, shift: concat.shift,
                                   clamp: concat.clamp, output: got + 1, outputStride: 8)
            #expect((0..<count).allSatisfy { want[$0] == got[$0] }, "concat, seed \(seed)")
        }
    }

    @Test func sameGridConcatIsACopy() throws {
        let p = try ConcatParameters(inputs: [(0.05, 0), (0.07, 0)], outputScale: 0.05, outputZeroPoint: 0, relu: true)
        #expect(ConcatKernel.isCopy(p.inputs[0], shift: p.shift, clamp: p.clamp))
        #expect(!ConcatKernel.isCopy(p.inputs[1], shift: p.shift, clamp: p.clamp))
        let shifted = try ConcatParameters(inputs: [(0.05, 10)], outputScale: 0.05, outputZeroPoint: 10, relu: true)
        #expect(!ConcatKernel.isCopy(shifted.inputs[0], shift: shifted.shift, clamp: shifted.clamp), "ReLU clamps below the zero point")
    }
}
