import ArgumentParser
import Testing
@testable import Benchmarks
@testable import FacepipeCommandLine

/// `facepipe bench engine`'s command line: the size and thread lists it checks (an error names
/// the item at fault), the other refusals, and the settings an accepted line asks Benchmarks for.
@Suite struct BenchOptionsTests {
    @Test func argumentListsAreCheckedAndNamed() throws {
        #expect(try BenchArguments.sizes("400x800,200X400") == [BenchSize(height: 400, width: 800), BenchSize(height: 200, width: 400)])
        #expect(try BenchArguments.threads("1,2,1") == [1, 2])
        #expect { try BenchArguments.sizes("400by800") } throws: { "\($0)".contains("400by800") }
        #expect { try BenchArguments.sizes("0x10") } throws: { "\($0)".contains("0x10") }
        #expect { try BenchArguments.threads("1,zero") } throws: { "\($0)".contains("zero") }
    }

    @Test func refusalsNameTheOption() {
        for (arguments, named) in [(["--sizes", "400y800"], "400y800"), (["--sizes", ""], "--sizes"),
                                   (["--threads", "0,1"], "'0'"), (["--threads", ""], "--threads"),
                                   (["--runs", "0"], "--runs"), (["--warmup", "-1"], "--warmup"),
                                   (["--peak-seconds", "0"], "--peak-seconds"), (["--ort-int8", "qdq"], "qdq"),
                                   (["--json", "--markdown"], "not both")] {
            #expect("\(arguments)") { try EngineBenchOptions.parse(arguments) } throws: {
                EngineBenchOptions.message(for: $0).contains(named)
            }
        }
    }

    @Test func acceptedLineBecomesTheSettings() throws {
        let options = try EngineBenchOptions.parse(["--model", "/m", "--sizes", "200x400,64X96", "--threads", "2,1,2",
                                                    "--runs", "5", "--warmup", "0", "--peak-seconds", "0.1",
                                                    "--ort-int8", "static", "--markdown"])
        let settings = try options.settings(environment: ["FACEPIPE_PYTHON": "/usr/bin/python3"], progress: { _ in })
        #expect(settings.modelDirectory == "/m")
        #expect(settings.sizes == [BenchSize(height: 200, width: 400), BenchSize(height: 64, width: 96)])
        #expect(settings.threads == [2, 1] && settings.runs == 5 && settings.warmup == 0 && settings.peakSeconds == 0.1)
        #expect(settings.peer?.python == "/usr/bin/python3" && settings.peer?.int8Mode == "static")
        #expect(settings.peer?.modelDirectory == "/m")
        #expect(options.format == .markdown && options.load == nil)

        let defaults = try EngineBenchOptions.parse(["--no-peer", "--python", "/p", "--json"])
        let plain = try defaults.settings(environment: [:], progress: { _ in })
        #expect(plain.sizes.map(\.description) == ["400x800", "320x640", "200x400"] && plain.threads == [1, 2])
        #expect(plain.runs == 20 && plain.warmup == 3 && plain.peer == nil && defaults.format == .json)
        #expect(defaults.pythonPath([:]) == "/p")  // --python wins over FACEPIPE_PYTHON
        #expect(try EngineBenchOptions.parse([]).pythonPath(["FACEPIPE_PYTHON": "/q"]) == "/q")
        #expect(try EngineBenchOptions.parse(["--load", "r.json"]).load == "r.json")
    }
}
