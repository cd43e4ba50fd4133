import TestSupport
import Testing
import Foundation
@testable import Engine

#if canImport(Glibc)

/// The frame path of the int8 network allocates nothing once planned.
@Suite(.enabled(if: allocationTestsEnabled, "run alone by Tools/test.sh (FACEPIPE_ALLOCATION_TESTS=1)"))
struct Int8SteadyStateTests {
    @Test func runAllocatesNothing() throws {
        let model = try ModelFile.load(directory: TestModels.tinyDirectory)
        let image = Int8TestModels.randomImage(width: 90, height: 60, seed: 4)
        let quantized = try Int8TestModels.quantize(model, images: [image])
        let net = try Int8Network(model: model, quantized: quantized, inputWidth: 96, inputHeight: 64, threads: 2,
                                  floatOutputs: ["m1_cls", "m3_reg"])
        net.setInput(image)
        net.run()
        guard let count = swiftAllocations(during: {
            for _ in 0..<3 {
                net.setInput(image)
                net.run()
            }
        }) else { return }  // no allocation hook in this runtime
        #expect(count == 0, "\(count) Swift heap allocations in 3 runs")
    }
}
#endif
