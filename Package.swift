// swift-tools-version:6.1
// facepipe: real-time face detection video pipeline. One module per stage family;
// see README.md for the map and ../shared/DESIGN.md for the sketch it follows.
import PackageDescription

// Hot numeric code (engine kernels, resize, overlay) is built optimised even in debug
// builds so the test suite runs real models in reasonable time; `-target-cpu native`
// lets LLVM vectorise the portable Swift microkernel loops for the build machine.
let hotSwift: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-target-cpu", "native"])]

let package = Package(
    name: "facepipe",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "facepipe", targets: ["facepipe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries (modulemap + shim header each).
        .systemLibrary(name: "CFFmpeg", path: "Sources/CFFmpeg",
                       pkgConfig: "libavformat libavcodec libswscale libavutil",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]),
        .systemLibrary(name: "CV4L2", path: "Sources/CV4L2", pkgConfig: "libv4l2",
                       providers: [.apt(["libv4l-dev"])]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        // ISA microkernels (AVX2 / AVX-512 VNNI on x86, NEON dot-product on ARM), picked at run time.
        .target(name: "CKernels", path: "Sources/CKernels",
                cSettings: [.unsafeFlags(["-O3"])]),

        // Shared value types: frames, boxes, detections, face events, strict config decoding.
        .target(name: "FacepipeCore", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Helpers every module that calls FFmpeg shares (error text).
        .target(name: "FFmpegSupport", dependencies: ["CFFmpeg"]),
        // Stage families.
        .target(name: "Capture", dependencies: ["FacepipeCore", "CFFmpeg", "FFmpegSupport", "CV4L2"]),
        .target(name: "Resize", dependencies: ["FacepipeCore", "CFFmpeg"], swiftSettings: hotSwift),
        .target(name: "Engine", dependencies: ["FacepipeCore", "COpenBLAS", "CKernels"],
                swiftSettings: hotSwift),
        .target(name: "Detector", dependencies: ["Engine", "Resize", "FacepipeCore"], swiftSettings: hotSwift),
        .target(name: "Tracker", dependencies: ["FacepipeCore"]),
        .target(name: "Overlay", dependencies: ["FacepipeCore"], swiftSettings: hotSwift),
        .target(name: "Output", dependencies: ["FacepipeCore", "CFFmpeg", "FFmpegSupport"]),
        .target(name: "Pipeline", dependencies: [
            "FacepipeCore", .product(name: "Atomics", package: "swift-atomics"),
        ]),
        // Detection accuracy on labelled photos (AP with ignore regions, WIDER-format output).
        // Scoring, one copy of each formula: AP on labelled photos (with ignore regions, WIDER-format
        // output), CLEAR-MOT / IDF1 against per-frame track truth, redaction coverage. Pure functions of
        // boxes: it runs no pipeline (FacepipeKit does that); Tracker only for its assignment solver.
        .target(name: "Evaluation", dependencies: ["FacepipeCore", "Tracker"]),
        // The library the CLI is a thin layer over: assembles a run from Configs/ + Pipelines/ + the
        // caller's choices, makes detectors, reads pictures, runs quantisation and the evaluations
        // that need the pipeline (eval, eval-track, eval-redact) with their reports.
        .target(name: "FacepipeKit", dependencies: [
            "Pipeline", "Capture", "Resize", "Detector", "Engine", "Tracker", "Overlay", "Output", "Evaluation", "FacepipeCore",
        ]),
        // Engine bench and int8 peak meters, apart from the library (swift-collections' Benchmarks/,
        // XNNPACK's bench/): nothing in the pipeline imports it.
        .target(name: "Benchmarks", dependencies: ["Engine", "Detector", "FacepipeCore"]),
        // Test-only helpers: repository and shared-data paths, running ffmpeg/ffprobe, random test data.
        .target(name: "TestSupport", dependencies: ["FacepipeCore"]),
        // Every command's option group (ParsableArguments), its checks and what it turns into
        // (RunRequest, DetectorChoice, RedactionChoice, DetectionEvaluation, TrackEvaluationRequest,
        // RedactionEvaluationRequest, ModelQuantization, EngineBench.Settings): a library so tests can parse a command
        // line and check its values without importing the executable. FacepipeKit stays free of
        // ArgumentParser (a library any front end can call).
        .target(name: "FacepipeCommandLine", dependencies: [
            "FacepipeKit", "Benchmarks", "Engine", "Capture", "Overlay",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The command line: each command names its options (FacepipeCommandLine) and calls
        // FacepipeKit or Benchmarks. No test imports it; EndToEndTests run the built binary.
        .executableTarget(name: "facepipe", dependencies: [
            "FacepipeCommandLine", "FacepipeKit", "Benchmarks", "Capture", "FacepipeCore", "CFFmpeg",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "FacepipeCoreTests", dependencies: ["TestSupport", "FacepipeCore"]),
        .testTarget(name: "CaptureTests", dependencies: ["TestSupport", "Capture", "FacepipeCore"]),
        .testTarget(name: "ResizeTests", dependencies: ["TestSupport", "Resize", "Capture", "FacepipeCore"]),
        .testTarget(name: "EngineTests", dependencies: ["TestSupport", "Engine", "CKernels", "FacepipeCore"]),
        .testTarget(name: "DetectorTests", dependencies: ["TestSupport", "Detector", "Engine", "FacepipeCore"]),
        .testTarget(name: "TrackerTests", dependencies: ["TestSupport", "Tracker", "FacepipeCore"]),
        .testTarget(name: "OverlayTests", dependencies: ["TestSupport", "Overlay", "FacepipeCore"]),
        .testTarget(name: "OutputTests", dependencies: ["TestSupport", "Output", "FacepipeCore"]),
        .testTarget(name: "EvaluationTests", dependencies: ["TestSupport", "Evaluation", "Tracker", "FacepipeCore"]),
        // Runs the built `facepipe` binary on real encoded video and checks its outputs with ffprobe.
        // No dependency on the executable target: `swift build --build-tests` (and `swift test`)
        // build every product, the binary included, and FacepipeBinary finds it beside the tests.
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["TestSupport", "Pipeline"]),
        // Integration, Python-driven: the tracker on videos Python renders from shared data (simulated
        // detections), and the engine bench end to end on a model Tools/export.py makes, against
        // Tools/bench_ort.py (ONNX Runtime).
        .testTarget(name: "PythonIntegrationTests", dependencies: [
            "TestSupport", "Tracker", "Evaluation", "FacepipeCore", "Benchmarks", "Engine", "FacepipeKit",
        ]),
        // FacepipeKit's evaluations end to end on rendered videos (Python renders them from shared data).
        .testTarget(name: "FacepipeKitTests", dependencies: [
            "TestSupport", "FacepipeKit", "Evaluation", "Pipeline", "Tracker", "Overlay", "FacepipeCore",
        ]),
        .testTarget(name: "FacepipeCommandLineTests", dependencies: [
            "FacepipeCommandLine", "FacepipeKit", "Benchmarks", "Engine", "Overlay",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "BenchmarksTests", dependencies: ["TestSupport", "Benchmarks"]),
    ],
    swiftLanguageModes: [.v6]
)
