/// A register-only multiply-add loop: `function(iterations)` does `iterations *
/// macsPerIteration` int8 multiply-adds and returns a checksum so none can be optimised away.
/// The dispatch table holds one per ISA: the ceiling its conv kernel is judged against.
typealias PeakFunction = @convention(c) (Int64) -> Int64

struct PeakMicrokernel: @unchecked Sendable {
    let macsPerIteration: Int64
    let function: PeakFunction
}
