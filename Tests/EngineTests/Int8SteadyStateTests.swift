import TestSupport
import Testing
import Foundation
@testable import Engine
#if canImport(Glibc)
import Glibc
#endif

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
        guard let count = Int8HeapCounter.allocations(during: {
            for _ in 0..<3 {
                net.setInput(image)
                net.run()
            }
        }) else { return }  // no allocation hook in this runtime
        #expect(count == 0, "\(count) Swift heap allocations in 3 runs")
    }
}

/// Counts Swift heap allocations (objects, array and string buffers) on the calling thread
/// while `body` runs, through the Swift runtime's allocation hook; nil where it is missing.
enum Int8HeapCounter {
    typealias Allocate = @convention(c) (UnsafeRawPointer?, Int, Int) -> UnsafeMutableRawPointer?
    nonisolated(unsafe) static var thread = pthread_t()
    nonisolated(unsafe) static var original: Allocate?
    nonisolated(unsafe) static var count = 0

    static func allocations(during body: () -> Void) -> Int? {
        #if canImport(Glibc)
        guard let me = dlopen(nil, RTLD_NOW), let hook = dlsym(me, "_swift_allocObject"),
              let switchSymbol = dlsym(me, "_swift_enableSwizzlingOfAllocationAndRefCountingFunctions_forInstrumentsOnly")
        else { return nil }
        let slot = hook.assumingMemoryBound(to: Allocate?.self)
        let enabled = switchSymbol.assumingMemoryBound(to: Bool.self)
        thread = pthread_self()
        original = slot.pointee
        count = 0
        let before = enabled.pointee
        slot.pointee = { metadata, size, align in
            if pthread_equal(pthread_self(), Int8HeapCounter.thread) != 0 { Int8HeapCounter.count += 1 }
            return Int8HeapCounter.original!(metadata, size, align)
        }
        enabled.pointee = true
        body()
        enabled.pointee = before
        slot.pointee = original
        return count
        #else
        return nil
        #endif
    }
}
