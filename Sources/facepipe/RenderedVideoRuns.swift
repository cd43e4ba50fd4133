import FacepipeCommandLine
import FacepipeKit
import Pipeline

extension RenderedVideoOptions {
    /// Runs `evaluate` on each video in turn, saying on stderr what runs and its `scores` unless quiet.
    func each<Result>(
        _ tests: [TrackTestVideo], scores: (Result) -> Any,
        _ evaluate: (TrackTestVideo, ProgressReporter?, ((PipelineStats) -> Void)?) throws -> Result
    ) rethrows -> [Result] {
        try tests.map { test in
            if !quiet { note("facepipe: \(test.video) (\(test.truth.frames.count) frames, truth \(test.truthFile))") }
            let result = try evaluate(test, quiet ? nil : StderrProgressBar.ifTerminal(), quiet ? nil : { note($0.summary) })
            if !quiet { note("  \(scores(result))") }
            return result
        }
    }
}
