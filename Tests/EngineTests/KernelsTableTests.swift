import Foundation
import Testing
@testable import Engine

/// ISA selection from CPU features and FACEPIPE_ISA, and the peak-MAC microbenchmark.
@Suite struct KernelsTableTests {
    @Test func defaultPicksTheBestAvailableISA() throws {
        let table = try KernelTable.select(environment: [:])
        #expect(table.isa == KernelISA.available.last)
        #expect(KernelISA.available.first == .portable)
        let environmentISA = ProcessInfo.processInfo.environment["FACEPIPE_ISA"]
        if environmentISA == nil || environmentISA == "" { #expect(try KernelISA.selected() == table.isa) }
        #if arch(x86_64)
        #expect(!KernelISA.available.contains(.neon))
        #endif
    }

    @Test(arguments: KernelISA.allCases)
    func forcedISAIsUsedOrRefused(isa: KernelISA) throws {
        let environment = ["FACEPIPE_ISA": isa.rawValue.uppercased()]
        if KernelISA.available.contains(isa) {
            let table = try KernelTable.select(environment: environment)
            #expect(table.isa == isa)
            #expect(table.conv.mr >= 1 && table.conv.name.contains("conv"))
        } else {
            #expect(throws: KernelSelectionError.unavailable(isa, available: KernelISA.available)) {
                try KernelTable.select(environment: environment)
            }
        }
    }

    @Test func unknownISANameIsAnErrorThatNamesIt() {
        #expect(throws: KernelSelectionError.unknown("sse9")) { try KernelTable.select(environment: ["FACEPIPE_ISA": "sse9"]) }
        #expect(KernelSelectionError.unknown("sse9").description.contains("portable|avx2|vnni|neon"))
        #expect(KernelSelectionError.unavailable(.neon, available: [.portable]).description.contains("neon"))
    }

    @Test func convBenchmarkSmoke() throws {
        for isa in KernelISA.available {
            let result = try KernelBenchmark.conv(isa: isa, size: 6, channels: 16, repeats: 1)
            #expect(result.multiplyAccumulates == 36 * 16 * 16 * 9 && result.seconds > 0, "\(isa)")
        }
        #expect(throws: KernelSelectionError.self) {
            try KernelBenchmark.conv(isa: KernelISA.available.contains(.neon) ? .vnni : .neon)
        }
    }

    @Test func peakMicrobenchmarkSmoke() throws {
        for isa in KernelISA.available {
            let result = try KernelBenchmark.peak(isa: isa, iterations: 2_000)
            #expect(result.multiplyAccumulates > 0 && result.macsPerSecond > 1e6, "\(isa)")
        }
    }
}
