import FacepipeCore

/// How the rings treat frames when a downstream stage is slower than the source.
public enum FramePolicy: String, Sendable, CaseIterable {
    /// Files: back-pressure; the source waits, every frame is processed, in order.
    case lossless
    /// Live sources: the source never waits; the oldest waiting frames are dropped and the
    /// detect stage works on the newest one (see `Pipeline` for exactly where).
    case latest
}

/// One step of the chain as the pipeline runs it.
public struct PipelineStage {
    public let stage: FrameStage
    /// Which frames it works on; the others pass through it.
    public let admission: Admission
    /// Frames it works on are marked `detected`, and its work is what the summary counts as
    /// detections (see `StageRegistry.Kind`). At most one stage of a chain.
    public let marksDetected: Bool
    /// Capacity of the ring that feeds this stage (rounded up to a power of two).
    let inputRing: Int

    public init(_ stage: FrameStage, admission: Admission = .everyFrame, marksDetected: Bool = false, inputRing: Int = 4) {
        self.stage = stage; self.admission = admission; self.marksDetected = marksDetected; self.inputRing = inputRing
    }

    /// A detection stage: the run's detection interval, the newest frame when live, frames marked `detected`.
    public static func detector(_ stage: FrameStage, inputRing: Int = 4) -> PipelineStage {
        PipelineStage(stage, admission: .detection, marksDetected: true, inputRing: inputRing)
    }
}

/// A frame sink and the name the summary and errors use for it ("mp4").
public struct NamedFrameSink {
    public let name: String
    public let sink: FrameSink
    public init(_ name: String, _ sink: FrameSink) { self.name = name; self.sink = sink }
}

/// Run options; `PipelineSettings(description)` takes them from a pipeline file, and the
/// CLI overrides single fields from its flags.
public struct PipelineSettings: Sendable, Hashable {
    /// nil: `latest` for live sources, `lossless` otherwise.
    public var policy: FramePolicy?
    /// The run's detection interval: stages admitting `every: detect_every` work on every Nth
    /// frame only (by frame index); the others pass with `detected == false`.
    public var detectEvery: Int
    /// Frames in circulation; nil: enough to fill every ring once plus one per thread.
    var poolFrames: Int?
    /// Capacity of the ring into the sink thread.
    var sinkRing: Int

    public init(policy: FramePolicy? = nil, detectEvery: Int = 1, poolFrames: Int? = nil, sinkRing: Int = 8) {
        self.policy = policy; self.detectEvery = detectEvery; self.poolFrames = poolFrames; self.sinkRing = sinkRing
    }

    func resolvedPolicy(for info: SourceInfo) -> FramePolicy { policy ?? (info.isLive ? .latest : .lossless) }
}

/// A pipeline that cannot be built as asked (before any thread starts).
struct PipelineSetupError: Error, CustomStringConvertible {
    public let description: String
}
