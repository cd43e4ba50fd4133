/// The portable peak: 8 independent 16-lane int32 multiply-add chains (what LLVM emits for the
/// portable kernels: widen, multiply, add). x changes non-linearly each round so the products
/// can be neither hoisted nor strength-reduced.
enum PortablePeak {
    static let macsPerIteration: Int64 = 8 * 16
    static let function: PeakFunction = { iterations in PortablePeak.run(iterations: iterations) }

    @inline(never)
    static func run(iterations: Int64) -> Int64 {
        var a0 = SIMD16<Int32>(repeating: 0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0
        var x = SIMD16<Int32>((0..<16).map { Int32($0) })
        let w0 = SIMD16<Int32>(repeating: -2), w1 = SIMD16<Int32>(repeating: 3), w2 = SIMD16<Int32>(repeating: -5)
        let w3 = SIMD16<Int32>(repeating: 7), w4 = SIMD16<Int32>(repeating: -11), w5 = SIMD16<Int32>(repeating: 13)
        let w6 = SIMD16<Int32>(repeating: -17), w7 = SIMD16<Int32>(repeating: 19)
        for _ in 0..<iterations {
            a0 &+= x &* w0; a1 &+= x &* w1; a2 &+= x &* w2; a3 &+= x &* w3
            a4 &+= x &* w4; a5 &+= x &* w5; a6 &+= x &* w6; a7 &+= x &* w7
            x = x &+ (x &>> 7) &+ 1
        }
        let total = a0 &+ a1 &+ a2 &+ a3 &+ a4 &+ a5 &+ a6 &+ a7
        return Int64(total.wrappedSum())
    }
}
